"""Student-proposing deferred acceptance with reserved seats and shared environments."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from . import explain
from .lottery import lottery_positions
from .model import FEASIBLE, STABLE, Result
from .problem import Problem

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
    t0 = time.monotonic()
    picked = deferred_acceptance(p)
    blocking = count_blocking(p, picked)
    solve = time.monotonic() - t0
    result = explain.build_result(p, picked, STABLE, True, build, solve, "")
    status = STABLE if blocking == 0 else FEASIBLE
    message = "" if blocking == 0 else (
        f"{blocking} blocking pairs remain through shared environment capacity; "
        "deferred acceptance cannot remove them when environments bind")
    stats = result.stats
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


def count_blocking(p: Problem, picked: IntArray) -> int:
    """Blocking pairs of a deferred-acceptance outcome (docs/ENGINE.md), vectorised.

    An offer's choice is path-independent, so an offer outside every environment keeps
    rejecting whoever it rejected once: only offers in an environment, where the
    environment may have turned students away, can be part of a blocking pair.
    """
    a = p.arrays
    n = a.n_students
    start, _, arc_of = proposal_lists(p)
    position = np.empty(arc_of.size, dtype=np.int64)
    position[arc_of] = np.arange(arc_of.size) - start[p.arc_student[arc_of]]
    matched_pos = np.full(n, np.iinfo(np.int64).max)
    matched_pos[p.arc_student[picked]] = position[picked]
    cand = np.flatnonzero((a.o_environment[p.arc_offer] >= 0)
                          & (position < matched_pos[p.arc_student]))
    if cand.size == 0:
        return 0
    cs, co = p.arc_student[cand], p.arc_offer[cand]

    # Offer keys: a company's list first (negative keys), then priority and draw.
    default = np.where(a.s_priority, 0, n) + p.lottery
    rank_keys, rank_vals = [], []
    for offer_id, ranking in p.rnd.company_rankings.items():
        o = a.offer_index[offer_id]
        for i, sid in enumerate(ranking):
            rank_keys.append(o * n + a.student_index[sid])
            rank_vals.append(i - len(ranking))
    rk = np.asarray(rank_keys, dtype=np.int64)
    order = np.argsort(rk)
    rk, rv = rk[order], np.asarray(rank_vals, dtype=np.int64)[order]

    def key(s: IntArray, o: IntArray) -> IntArray:
        k = default[s].copy()
        if rk.size:
            q = o * n + s
            at = np.minimum(np.searchsorted(rk, q), rk.size - 1)
            hit = rk[at] == q
            k[hit] = rv[at[hit]]
        return k

    held_s, held_o = p.arc_student[picked], p.arc_offer[picked]
    span = 3 * n + 1  # keys lie in [-n, 2n)
    held = np.sort(held_o * span + key(held_s, held_o) + n)
    held_open = np.sort((held_o * span + key(held_s, held_o) + n)[~a.s_priority[held_s]])
    mine = co * span + key(cs, co) + n
    before = np.searchsorted(held, mine) - np.searchsorted(held, co * span)
    before_open = np.searchsorted(held_open, mine) - np.searchsorted(held_open, co * span)
    chosen = (before < p.free_capacity[co]) & (
        a.s_priority[cs] | (before_open < p.free_open[co]))

    # The environment: a free seat, or a (non-pinned) student it orders below s.
    env_key = np.where(a.s_priority, 0, n) + p.lottery
    held_env = a.o_environment[held_o]
    in_env = held_env >= 0
    count = np.bincount(held_env[in_env], minlength=a.n_environments)
    worst = np.full(a.n_environments, -1, dtype=np.int64)
    np.maximum.at(worst, held_env[in_env], env_key[held_s[in_env]])
    e = a.o_environment[co]
    room = (count[e] < p.free_environment[e]) | (worst[e] > env_key[cs])
    return int(np.count_nonzero(chosen & room))
