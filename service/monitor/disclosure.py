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

from typing import Any

import numpy as np
import numpy.typing as npt

THRESHOLD = 10  # fewer students than this in a published figure: hidden
_TOLERANCE = 1e-7
_TRIALS = 40  # complementary candidates tried per exposed row before taking the first

BoolMatrix = npt.NDArray[np.bool_]
IntVector = npt.NDArray[np.int64]


def derivable(matrix: BoolMatrix, hidden: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """The hidden rows that the published rows determine: those in their row space."""
    rows = np.flatnonzero(hidden)
    if rows.size == 0:
        return rows
    published = matrix[~hidden].astype(np.float64)
    if published.shape[0] == 0:
        return rows[:0]
    # An orthonormal basis of the published rows' span; a hidden row equal to its own
    # projection on that span is a combination of published figures.
    _u, s, vt = np.linalg.svd(published, full_matrices=False)
    rank = int((s > _TOLERANCE * max(1.0, float(s[0]))).sum()) if s.size else 0
    basis = vt[:rank]
    target = matrix[hidden].astype(np.float64)
    residual = target - (target @ basis.T) @ basis
    found: npt.NDArray[np.int64] = rows[np.linalg.norm(residual, axis=1) < 1e-6]
    return found


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
    until no hidden row can be derived from the published ones."""
    matrix = np.asarray(matrix, dtype=np.bool_)
    values = np.asarray(values, dtype=np.int64)
    hidden = (values > 0) & (values < threshold)
    while True:
        exposed = derivable(matrix, hidden)
        if exposed.size == 0:
            return hidden
        row = int(exposed[0])
        candidates = _candidates(matrix, values, hidden, row)
        if not candidates:  # pragma: no cover - a derivable row always has published peers
            hidden[:] = True
            return hidden
        chosen = candidates[0]
        for p in candidates[:_TRIALS]:
            trial = hidden.copy()
            trial[p] = True
            if row not in derivable(matrix, trial):
                chosen = p
                break
        hidden[chosen] = True


def as_lists(hidden: npt.NDArray[np.bool_]) -> list[bool]:
    """For JSON: plain booleans."""
    out: list[Any] = hidden.tolist()
    return [bool(v) for v in out]
