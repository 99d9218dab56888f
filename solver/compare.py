"""The price of a policy: every objective on the same round, side by side."""

from __future__ import annotations

import time
from dataclasses import replace

from .engine import allocate
from .model import OBJECTIVES, Comparison, Result, Round


def compare(rnd: Round) -> tuple[Comparison, ...]:
    """Solve the round under each objective (no shortage analysis) and summarise."""
    out = []
    for objective in OBJECTIVES:
        t0 = time.monotonic()
        result = allocate(replace(rnd, policy=replace(rnd.policy, objective=objective)),
                          shortage=False)
        out.append(summary(result, time.monotonic() - t0))
    return tuple(out)


def summary(result: Result, seconds: float) -> Comparison:
    st = result.stats
    return Comparison(result.objective, result.status, st.placed, st.placed_priority,
                      st.rank_sum, st.rank_profile, st.blocking_pairs, seconds)
