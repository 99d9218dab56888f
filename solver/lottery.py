"""The seeded lottery that breaks the ties no policy rule decides.

A student's lottery number depends only on the round's seed and the student's own id, so it
does not change when other students are added, removed or listed in another order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def lottery_numbers(student_ids: Sequence[str], seed: int) -> npt.NDArray[np.uint64]:
    """Each student's 64-bit lottery number; a lower number is a better draw."""
    prefix = f"leerplek-lottery/1:{seed}:".encode()
    blake2b = hashlib.blake2b
    # The digests joined and read as big-endian integers in one step.
    raw = b"".join(blake2b(prefix + sid.encode(), digest_size=8).digest() for sid in student_ids)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64)


def lottery_positions(student_ids: Sequence[str], seed: int) -> npt.NDArray[np.int64]:
    """Each student's place in the draw: 0 for the best number, n-1 for the worst."""
    numbers = lottery_numbers(student_ids, seed)
    order = np.argsort(numbers, kind="stable")
    ranked = numbers[order]
    if np.any(ranked[1:] == ranked[:-1]):
        # Ties between 64-bit hashes are practically impossible; the id breaks them anyway.
        order = np.lexsort((np.asarray(student_ids, dtype=object).astype(str), numbers))
    positions = np.empty(len(student_ids), dtype=np.int64)
    positions[order] = np.arange(len(student_ids), dtype=np.int64)
    return positions
