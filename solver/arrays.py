"""``unique_sorted``: the distinct values of an integer array, sorted."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def unique_sorted(values: IntArray) -> IntArray:
    """``np.unique(values)`` for integers, by sorting.

    NumPy 2.4's ``np.unique`` without ``return_*`` takes a hash-table path that is 10 to 100
    times slower than a sort on the engine's arrays (1.4 s against 0.016 s for 1.4 million
    keys); this was most of building a national round's arrays.
    """
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


__all__ = ["unique_sorted"]
