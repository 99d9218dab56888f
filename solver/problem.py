"""The arrays every solver reads: a round's eligible arcs, free seats and draw (``Problem``).

``engine`` (min-cost flow), ``stable`` (deferred acceptance) and ``explain`` all read a
``Problem``; it lives here so that none of them imports another to get it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .eligibility import RoundArrays, build_arrays, candidate_pairs, preference_arcs
from .lottery import lottery_positions
from .model import Assignment, Round, RoundWarning, Stats

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    """Everything the solvers need, as arrays over the round's students and offers."""

    rnd: Round
    arrays: RoundArrays
    arc_student: IntArray  # candidate arcs of the non-pinned students
    arc_offer: IntArray
    arc_rank: IntArray  # 1..max_preferences, or max_preferences + 1 when unranked
    listed: IntArray  # entries submitted per student
    pinned_student: IntArray
    pinned_offer: IntArray
    pinned_rank: IntArray
    free_capacity: IntArray  # per offer, after pinned
    free_open: IntArray  # per offer: seats non-priority students may still take
    free_environment: IntArray
    warnings: tuple[RoundWarning, ...]
    lottery: IntArray  # per student: position in the draw, 0 best
    infeasible: str  # non-empty when pinned placements alone break a capacity


def build_problem(rnd: Round) -> Problem:
    a = build_arrays(rnd)
    prefs = preference_arcs(rnd, a)
    k = rnd.policy.max_preferences

    ps = np.array([a.student_index[p.student_id] for p in rnd.pinned], dtype=np.int64)
    po = np.array([a.offer_index[p.offer_id] for p in rnd.pinned], dtype=np.int64)
    # A pinned pair keeps the rank it was made at (a kept placement); failing that, it has
    # the rank of its counted entry here; otherwise it counts as unranked.
    pr = _listed_rank(prefs.student * a.n_offers + prefs.offer, prefs.rank,
                      ps * a.n_offers + po, k + 1)
    made_at = np.array([p.rank or 0 for p in rnd.pinned], dtype=np.int64)
    pr = np.where(made_at > 0, np.minimum(made_at, k + 1), pr)

    pinned_mask = np.zeros(a.n_students, dtype=np.bool_)
    pinned_mask[ps] = True
    keep = ~pinned_mask[prefs.student]
    s_arc, o_arc, r_arc = prefs.student[keep], prefs.offer[keep], prefs.rank[keep]
    if rnd.policy.place_unranked:
        s_arc, o_arc, r_arc = _add_unranked(a, s_arc, o_arc, r_arc, ~pinned_mask, k)

    used = np.bincount(po, minlength=a.n_offers)
    used_open = np.bincount(po[~a.s_priority[ps]], minlength=a.n_offers)
    free_capacity = a.o_capacity - used
    free_open = np.minimum(a.o_capacity - a.o_reserved - used_open, free_capacity)
    env_of = a.o_environment[po]
    env_used = np.bincount(env_of[env_of >= 0], minlength=a.n_environments)
    free_env = a.e_capacity - env_used
    problems = []
    for o in np.flatnonzero(free_capacity < 0):
        problems.append(f"offer {rnd.offers[o].id} has {used[o]} pinned students for "
                        f"{a.o_capacity[o]} seats")
    for o in np.flatnonzero((free_open < 0) & (free_capacity >= 0)):
        problems.append(f"offer {rnd.offers[o].id} has {used_open[o]} pinned non-priority "
                        f"students for {a.o_capacity[o] - a.o_reserved[o]} open seats")
    for e in np.flatnonzero(free_env < 0):
        problems.append(f"environment {rnd.environments[e].id} has {env_used[e]} pinned "
                        f"students for {a.e_capacity[e]} seats")
    return Problem(
        rnd=rnd, arrays=a, arc_student=s_arc, arc_offer=o_arc, arc_rank=r_arc,
        listed=prefs.listed, pinned_student=ps, pinned_offer=po, pinned_rank=pr,
        free_capacity=np.maximum(free_capacity, 0), free_open=np.maximum(free_open, 0),
        free_environment=np.maximum(free_env, 0), warnings=prefs.warnings,
        lottery=lottery_positions([s.id for s in rnd.students], rnd.policy.seed),
        infeasible="; ".join(problems),
    )


def _listed_rank(keys: IntArray, ranks: IntArray, wanted: IntArray, missing: int) -> IntArray:
    """The rank of each wanted (student, offer) key among the unique ``keys``, or ``missing``."""
    out = np.full(wanted.size, missing, dtype=np.int64)
    if keys.size == 0 or wanted.size == 0:
        return out
    order = np.argsort(keys)
    at = np.minimum(np.searchsorted(keys[order], wanted), keys.size - 1)
    hit = keys[order][at] == wanted
    out[hit] = ranks[order][at[hit]]
    return out


def _add_unranked(a: RoundArrays, s_arc: IntArray, o_arc: IntArray, r_arc: IntArray,
                  allowed: npt.NDArray[np.bool_], k: int) -> tuple[IntArray, IntArray, IntArray]:
    students = np.flatnonzero(allowed).astype(np.int64)
    listed_keys = np.sort(s_arc * a.n_offers + o_arc)
    parts_s, parts_o = [s_arc], [o_arc]
    parts_r = [r_arc]
    for cs, co in candidate_pairs(a, students):
        new = ~np.isin(cs * a.n_offers + co, listed_keys)
        parts_s.append(cs[new])
        parts_o.append(co[new])
        parts_r.append(np.full(int(new.sum()), k + 1, dtype=np.int64))
    return np.concatenate(parts_s), np.concatenate(parts_o), np.concatenate(parts_r)


def assignments_from(p: Problem, picked: IntArray) -> list[Assignment]:
    """The pinned and the picked pairs as assignments, ordered by student id."""
    rnd, k = p.rnd, p.rnd.policy.max_preferences
    student = np.concatenate((p.pinned_student, p.arc_student[picked]))
    offer = np.concatenate((p.pinned_offer, p.arc_offer[picked]))
    rank = np.concatenate((p.pinned_rank, p.arc_rank[picked]))
    pinned = np.arange(student.size) < p.pinned_student.size
    sids = [s.id for s in rnd.students]
    oids = [o.id for o in rnd.offers]
    # Plain Python values from the arrays once: indexing NumPy per element is several
    # times slower than a list.
    out = [Assignment(sids[s], oids[o], None if r > k else r, pin)
           for s, o, r, pin in zip(student.tolist(), offer.tolist(), rank.tolist(),
                                   pinned.tolist(), strict=True)]
    out.sort(key=lambda x: x.student_id)
    return out


def empty_stats(n: int, k: int) -> Stats:
    return Stats(n, 0, 0, 0, 0, (0,) * (k + 1), 0, None, 0, None, 0.0, 0.0)


__all__ = ["Problem", "assignments_from", "build_problem", "empty_stats"]
