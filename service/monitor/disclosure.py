"""Disclosure control for the open monitor: which published counts to hide.

A round's figures are published as a table of base cells (region × sector × level × pathway)
and totals over them (per region × sector × level, per region, per sector, per level, per
pathway, the round). Every published number is a row of a 0/1 matrix over the base cells:
a base cell is a unit row, a total the indicator of the cells it sums.

*Primary* suppression hides every row counting 1 to 9 students. That is not enough: a hidden
cell whose total and sibling cells are published is their difference. *Complementary*
suppression then hides further rows until no hidden row lies in the row space of the
published rows — no linear combination of published figures equals a hidden one. Every
hidden row counts at least one student (complements are chosen among rows with students), so
the true figures lie strictly inside the bounds "no count below zero": moving along any
direction the published equations leave free stays possible both ways, and each hidden count
is a range to a reader, not a value (the tests attack it with a linear program).

Pure NumPy: no database, no Flask; ``service.monitor.figures`` builds the matrix.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

THRESHOLD = 10  # fewer students than this in a published figure: hidden
_TOLERANCE = 1e-7

BoolMatrix = npt.NDArray[np.bool_]
IntVector = npt.NDArray[np.int64]


def _gram_inverse(published: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The pseudo-inverse G of PᵀP for the published rows P: P G Pᵀ projects onto what the
    published figures can express, and its diagonal says which row is the only one to."""
    gram = published.T @ published
    inverse: npt.NDArray[np.float64] = np.asarray(
        np.linalg.pinv(gram, rcond=1e-10, hermitian=True), dtype=np.float64)
    return inverse


def _exposed(matrix: npt.NDArray[np.float64], hidden: npt.NDArray[np.bool_],
             inverse: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    rows = np.flatnonzero(hidden)
    published = matrix[~hidden]
    target = matrix[hidden]
    # A hidden row equal to its projection on the published rows' span (Pᵀ P G) is a
    # combination of published figures.
    residual = target - (target @ inverse) @ (published.T @ published)
    found: npt.NDArray[np.int64] = rows[np.linalg.norm(residual, axis=1) < 1e-6]
    return found


def derivable(matrix: BoolMatrix, hidden: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """The hidden rows that the published rows determine: those in their row space."""
    dense = np.asarray(matrix, dtype=np.float64)
    if not hidden.any():
        return np.flatnonzero(hidden)
    if hidden.all():
        return np.flatnonzero(hidden)[:0]
    return _exposed(dense, hidden, _gram_inverse(dense[~hidden]))


def _candidates(matrix: BoolMatrix, values: IntVector, hidden: npt.NDArray[np.bool_],
                exposed: int) -> list[int]:
    """Published rows that could hide ``exposed``: those sharing a published total with it,
    the ones in its tightest total first, base cells before totals, then the fewest
    students."""
    sizes = matrix.sum(axis=1)
    published = ~hidden
    totals = np.flatnonzero(published & (sizes > 1) & (matrix @ matrix[exposed] > 0))
    scores: dict[int, int] = {}
    for t in sorted(totals.tolist(), key=lambda t: int(sizes[t])):
        near = np.flatnonzero(published & (matrix @ matrix[t] > 0))
        for p in near.tolist():
            if p != exposed:
                scores.setdefault(p, int(sizes[t]))
    # Never an empty row: a hidden zero sits on the bound (no count is below zero), so the
    # published equations can pin it, and the rows around it, where a positive one moves.
    positive = [p for p in scores if values[p] > 0] or list(scores)
    return sorted(positive, key=lambda p: (scores[p], int(sizes[p]), int(values[p])))


def suppress(matrix: BoolMatrix, values: IntVector, threshold: int = THRESHOLD
             ) -> npt.NDArray[np.bool_]:
    """Which rows to hide: primary (1 to ``threshold`` − 1 students) and complementary,
    until no hidden row can be derived from the published ones.

    Each step takes one exposed row and hides the best-placed candidate that frees it on
    its own. With G the pseudo-inverse of PᵀP, hiding published row p adds a direction to
    what the published rows leave free exactly when p's leverage pᵀGp is 1 (no other
    published row expresses it), and that direction is Gp: the exposed row is freed when
    it is not orthogonal to Gp. One pseudo-inverse per step, instead of one per trial.
    """
    # Small matrices, many steps: BLAS threads would only wait for each other (and for the
    # other processes on the machine).
    with threadpool_limits(limits=1):
        return _suppress(np.asarray(matrix, dtype=np.bool_), np.asarray(values, dtype=np.int64),
                         threshold)


def _suppress(flags: BoolMatrix, values: IntVector, threshold: int) -> npt.NDArray[np.bool_]:
    dense = flags.astype(np.float64)
    hidden = (values > 0) & (values < threshold)
    while hidden.any() and not hidden.all():
        inverse = _gram_inverse(dense[~hidden])
        exposed = _exposed(dense, hidden, inverse)
        if exposed.size == 0:
            return hidden
        row = int(exposed[0])
        candidates = _candidates(flags, values, hidden, row)
        if not candidates:  # pragma: no cover - a derivable row always has published peers
            hidden[:] = True
            return hidden
        chosen = candidates[0]
        for p in candidates:
            freed = inverse @ dense[p]
            if abs(float(dense[p] @ freed) - 1.0) < 1e-6 and abs(
                    float(dense[row] @ freed)) > 1e-6:
                chosen = p
                break
        hidden[chosen] = True
    return hidden
