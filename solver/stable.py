"""Student-proposing deferred acceptance with reserved seats and shared environments."""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .lottery import lottery_positions
from .model import FEASIBLE, STABLE, Result

if TYPE_CHECKING:
    from .engine import Problem

IntArray = npt.NDArray[np.int64]


def offer_order_keys(p: Problem) -> tuple[IntArray, dict[int, dict[int, int]]]:
    """How offers order students: a default key per student, and per-offer ranking keys.

    Listed students come first in list order; everyone else follows by priority, then draw.
    """
    a = p.arrays
    n = a.n_students
    default = np.where(a.s_priority, 0, n) + p.lottery  # < 2n
    listed: dict[int, dict[int, int]] = {}
    for offer_id, ranking in p.rnd.company_rankings.items():
        o = a.offer_index[offer_id]
        listed[o] = {a.student_index[sid]: i - len(ranking) for i, sid in enumerate(ranking)}
    return default, listed


def proposal_lists(p: Problem) -> tuple[IntArray, IntArray, IntArray]:
    """Per student, the offers to propose to, best first, as CSR (start, offers, arc index)."""
    a = p.arrays
    k = p.rnd.policy.max_preferences
    tiebreak = np.zeros(p.arc_rank.size, dtype=np.int64)
    unranked = p.arc_rank > k
    if unranked.any():
        offer_draw = lottery_positions([o.id for o in p.rnd.offers], p.rnd.policy.seed)
        tiebreak[unranked] = offer_draw[p.arc_offer[unranked]]
    order = np.lexsort((tiebreak, p.arc_rank, p.arc_student))
    start = np.searchsorted(p.arc_student[order], np.arange(a.n_students + 1))
    return start, p.arc_offer[order], order


def allocate_stable(p: Problem, build: float) -> Result:
    from . import explain
    from .verify import blocking_pairs

    t0 = time.monotonic()
    picked = deferred_acceptance(p)
    solve = time.monotonic() - t0
    result = explain.build_result(p, picked, STABLE, True, build, solve, "", [])
    blocking = blocking_pairs(p.rnd, result.assignments)
    status = STABLE if blocking == 0 else FEASIBLE
    message = "" if blocking == 0 else (
        f"{blocking} blocking pairs remain through shared environment capacity; "
        "deferred acceptance cannot remove them when environments bind")
    stats = result.stats
    from dataclasses import replace
    return replace(result, status=status, proven=blocking == 0, message=message,
                   stats=replace(stats, blocking_pairs=blocking))


def deferred_acceptance(p: Problem) -> IntArray:
    """Indices of the chosen candidate arcs."""
    a = p.arrays
    start, offers, arc_of = proposal_lists(p)
    default, listed = offer_order_keys(p)
    priority = a.s_priority
    cap = p.free_capacity.tolist()
    open_cap = p.free_open.tolist()
    env_of = a.o_environment.tolist()
    env_cap = p.free_environment.tolist()
    env_key = (np.where(priority, 0, a.n_students) + p.lottery).tolist()
    default_l = default.tolist()
    prio_l = priority.tolist()

    held: dict[int, list[int]] = {}  # offer -> students it holds
    env_held: dict[int, set[int]] = {}
    pointer = start[:-1].tolist()
    end = start[1:].tolist()
    offers_l = offers.tolist()
    match = [-1] * a.n_students  # position in `offers` of the student's current hold

    queue = deque(s for s in range(a.n_students) if pointer[s] < end[s])
    while queue:
        s = queue.popleft()
        if pointer[s] >= end[s]:
            continue
        pos = pointer[s]
        o = offers_l[pos]
        pointer[s] += 1
        ranking = listed.get(o)
        members = [*held.get(o, ()), s]

        def key(x: int, ranking: dict[int, int] | None = ranking) -> int:
            if ranking is not None and x in ranking:
                return ranking[x]
            fallback: int = default_l[x]
            return fallback

        members.sort(key=key)
        kept: list[int] = []
        n_open = 0
        rejected: list[int] = []
        for x in members:
            if len(kept) < cap[o] and (prio_l[x] or n_open < open_cap[o]):
                kept.append(x)
                n_open += not prio_l[x]
            else:
                rejected.append(x)
        held[o] = kept
        e = env_of[o]
        for x in rejected:
            if x != s:  # a student the offer held before
                match[x] = -1
                if e >= 0:
                    env_held[e].discard(x)
        if s in kept:
            match[s] = pos
            if e >= 0:
                group = env_held.setdefault(e, set())
                group.add(s)
                if len(group) > env_cap[e]:
                    worst = max(group, key=lambda x: env_key[x])
                    group.discard(worst)
                    held[offers_l[match[worst]]].remove(worst)
                    match[worst] = -1
                    rejected.append(worst)
        queue.extend(rejected)
    chosen = [arc_of[m] for m in match if m >= 0]
    return np.array(sorted(chosen), dtype=np.int64)
