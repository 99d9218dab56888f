"""Explaining an allocation: statistics and a reason for every unplaced student.

Where extra seats would help (the shortage analysis) is ``solver.shortage``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .eligibility import has_eligible_offer
from .gcpause import gc_paused
from .model import (
    INFEASIBLE,
    NO_ELIGIBLE_OFFER,
    NO_PREFERENCES,
    OUTCOMPETED,
    PREFERENCES_INELIGIBLE,
    SEAT_ENVIRONMENT_FULL,
    SEAT_FULL,
    SEAT_REASONS,
    SEAT_RESERVED,
    Result,
    Stats,
    Unassigned,
)
from .problem import Problem, assignments_from, empty_stats

IntArray = npt.NDArray[np.int64]

# The engine's own (English) detail; people read service.texts.SEAT_TAKEN instead.
_SEAT_WORDS = {SEAT_FULL: "full", SEAT_RESERVED: "remaining seats reserved for priority",
               SEAT_ENVIRONMENT_FULL: "learning environment full"}


def build_result(p: Problem, picked: IntArray, status: str, proven: bool, build: float,
                 solve: float, message: str, blocking_pairs: int | None = None) -> Result:
    rnd, a = p.rnd, p.arrays
    k = rnd.policy.max_preferences
    placed_student = np.concatenate((p.pinned_student, p.arc_student[picked]))
    placed_offer = np.concatenate((p.pinned_offer, p.arc_offer[picked]))
    ranks = np.concatenate((p.pinned_rank, p.arc_rank[picked]))
    profile = np.bincount(ranks - 1, minlength=k + 1)[: k + 1] if ranks.size else np.zeros(
        k + 1, dtype=np.int64)
    placed = int(placed_student.size)
    stats = Stats(
        students=a.n_students,
        priority_students=int(a.s_priority.sum()),
        placed=placed,
        placed_priority=int(a.s_priority[placed_student].sum()),
        pinned=int(p.pinned_student.size),
        rank_profile=tuple(int(x) for x in profile),
        rank_sum=int(ranks.sum()),
        mean_rank=float(ranks.sum()) / placed if placed else None,
        unranked_placed=int((ranks > k).sum()),
        blocking_pairs=blocking_pairs,
        build_seconds=build,
        solve_seconds=solve,
    )
    with gc_paused():  # a national result is a million small objects, none in a cycle
        unassigned = reasons(p, placed_student, placed_offer)
        assignments = assignments_from(p, picked)
    return Result(
        round_id=rnd.id, objective=rnd.policy.objective, status=status, proven=proven,
        assignments=tuple(assignments), unassigned=tuple(unassigned),
        stats=stats, warnings=p.warnings, shortage=(), message=message,
    )


def infeasible_result(p: Problem, build: float) -> Result:
    rnd = p.rnd
    stats = empty_stats(len(rnd.students), rnd.policy.max_preferences)
    stats = Stats(**{**stats.__dict__, "priority_students": int(p.arrays.s_priority.sum()),
                     "build_seconds": build})
    return Result(
        round_id=rnd.id, objective=rnd.policy.objective, status=INFEASIBLE, proven=True,
        assignments=(), unassigned=(), stats=stats, warnings=p.warnings, shortage=(),
        message=f"pinned placements alone break a capacity: {p.infeasible}",
    )


def seat_state(p: Problem, placed_student: IntArray, placed_offer: IntArray
               ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per offer: every seat taken; its hybrid environment full; no seat left for a
    non-priority student (the rest are reserved for students with priority)."""
    a = p.arrays
    used = np.bincount(placed_offer, minlength=a.n_offers)
    used_open = np.bincount(placed_offer[~a.s_priority[placed_student]], minlength=a.n_offers)
    env = a.o_environment[placed_offer]
    env_used = np.bincount(env[env >= 0], minlength=a.n_environments)
    env_full = np.append(env_used >= a.e_capacity, False)  # index -1: no environment
    return (used >= a.o_capacity, env_full[a.o_environment],
            used_open >= a.o_capacity - a.o_reserved)


# Index into SEAT_REASONS, as computed by ``seat_reasons``.
_SEAT_CODES = np.array(SEAT_REASONS)


def seat_reasons(p: Problem, placed_student: IntArray, placed_offer: IntArray,
                 students: IntArray, offers: IntArray) -> tuple[npt.NDArray[np.bool_],
                                                                 npt.NDArray[np.int64]]:
    """For (student, offer) pairs: was the offer lost (no seat free for that student), and
    why, as an index into SEAT_REASONS.

    The offer's own seats all taken is said first (more seats in the offer are what would
    help), then its environment being full, and only then the reserved seats, which are the
    reason only for a student without priority when neither of the others holds.
    """
    full, env_full, open_full = seat_state(p, placed_student, placed_offer)
    f, e = full[offers], env_full[offers]
    r = open_full[offers] & ~p.arrays.s_priority[students]
    lost = f | e | r
    why = np.where(f, SEAT_REASONS.index(SEAT_FULL),
                   np.where(e, SEAT_REASONS.index(SEAT_ENVIRONMENT_FULL),
                            SEAT_REASONS.index(SEAT_RESERVED))).astype(np.int64)
    return lost, why


def reasons(p: Problem, placed_student: IntArray, placed_offer: IntArray) -> list[Unassigned]:
    """A reason for each unplaced student, in the order of docs/ENGINE.md."""
    rnd, a = p.rnd, p.arrays
    unplaced = np.ones(a.n_students, dtype=np.bool_)
    unplaced[placed_student] = False
    idx = np.flatnonzero(unplaced).astype(np.int64)
    if idx.size == 0:
        return []
    has_ranked = np.zeros(a.n_students, dtype=np.bool_)
    ranked_arc = p.arc_rank <= rnd.policy.max_preferences
    has_ranked[p.arc_student[ranked_arc]] = True
    has_any = has_ranked.copy()
    has_any[p.arc_student] = True
    # Only students with no candidate arc need the (costlier) search over all offers.
    rest = idx[~has_any[idx]]
    has_any[rest] = has_eligible_offer(a, rest)

    # The offers each unplaced student ranked and lost, from their counted eligible entries,
    # with why each seat was not free (decided for all pairs at once; the loop below only
    # groups the lost pairs of unplaced students).
    sel = ranked_arc & unplaced[p.arc_student]
    s_sel, o_sel, r_sel = p.arc_student[sel], p.arc_offer[sel], p.arc_rank[sel]
    order = np.lexsort((r_sel, s_sel))
    s_sel, o_sel = s_sel[order], o_sel[order]
    lost, why = seat_reasons(p, placed_student, placed_offer, s_sel, o_sel)
    # The lost pairs stay in student order: each student's are one slice of these lists.
    lost_student = s_sel[lost]
    oids = [o.id for o in rnd.offers]
    lost_offer = [oids[o] for o in o_sel[lost].tolist()]
    lost_why = _SEAT_CODES[why[lost]].tolist()
    lost_text = [f"{o} ({_SEAT_WORDS[w]})" for o, w in zip(lost_offer, lost_why, strict=True)]
    first = np.searchsorted(lost_student, idx, side="left").tolist()
    stop = np.searchsorted(lost_student, idx, side="right").tolist()

    out: list[Unassigned] = []
    unranked = rnd.policy.place_unranked
    for j, i in enumerate(idx.tolist()):
        st = rnd.students[i]
        if not has_any[i]:
            out.append(Unassigned(st.id, NO_ELIGIBLE_OFFER,
                                  "no offer in this round fits the student's level, pathway, "
                                  "region, travel limit, qualification or period"))
        elif not unranked and p.listed[i] == 0:
            out.append(Unassigned(st.id, NO_PREFERENCES,
                                  "the student submitted no preferences"))
        elif not unranked and not has_ranked[i]:
            out.append(Unassigned(st.id, PREFERENCES_INELIGIBLE,
                                  "none of the student's counted preferences is an eligible "
                                  "offer; eligible offers exist"))
        else:
            lo, hi = first[j], stop[j]
            what = ", ".join(lost_text[lo:hi]) if hi > lo else "none"
            out.append(Unassigned(
                st.id, OUTCOMPETED,
                f"all seats the student could take went to others; full offers ranked: {what}",
                tuple(lost_offer[lo:hi]), tuple(lost_why[lo:hi])))
    return out


__all__ = ["build_result", "infeasible_result", "reasons", "seat_reasons"]
