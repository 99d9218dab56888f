"""Explaining an allocation: statistics, a reason for every unplaced student, shortage."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from .eligibility import has_eligible_offer
from .flow import PARALLEL_MIN_ARCS, UNPLACED, workers
from .model import (
    INFEASIBLE,
    NO_ELIGIBLE_OFFER,
    NO_PREFERENCES,
    OUTCOMPETED,
    PREFERENCES_INELIGIBLE,
    Result,
    ShortageCell,
    Stats,
    Unassigned,
)
from .problem import BatchModel, Problem, assignments_from, empty_stats

IntArray = npt.NDArray[np.int64]
SHORTAGE_CELLS = 12  # cells analysed exactly, chosen by unmet demand
_RESIDUALS: list[_Residual] = []  # the graphs of the analysis running now (read by workers)


def build_result(p: Problem, picked: IntArray, status: str, proven: bool, build: float,
                 solve: float, message: str,
                 models: list[tuple[BatchModel, IntArray]],
                 blocking_pairs: int | None = None) -> Result:
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
    unassigned = reasons(p, placed_student, placed_offer)
    shortage = shortage_cells(p, unassigned, models) if models else []
    return Result(
        round_id=rnd.id, objective=rnd.policy.objective, status=status, proven=proven,
        assignments=tuple(assignments_from(p, picked)), unassigned=tuple(unassigned),
        stats=stats, warnings=p.warnings, shortage=tuple(shortage), message=message,
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


def full_offers(p: Problem, placed_student: IntArray, placed_offer: IntArray
                ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per offer: no seat left for anyone, and no seat left for a non-priority student."""
    a = p.arrays
    used = np.bincount(placed_offer, minlength=a.n_offers)
    used_open = np.bincount(placed_offer[~a.s_priority[placed_student]], minlength=a.n_offers)
    env = a.o_environment[placed_offer]
    env_used = np.bincount(env[env >= 0], minlength=a.n_environments)
    env_full = np.append(env_used >= a.e_capacity, False)  # index -1: no environment
    full = (used >= a.o_capacity) | env_full[a.o_environment]
    full_open = full | (used_open >= a.o_capacity - a.o_reserved)
    return full, full_open


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
    full, full_open = full_offers(p, placed_student, placed_offer)

    # The full offers each unplaced student ranked, from their counted eligible entries.
    sel = ranked_arc & unplaced[p.arc_student]
    s_sel, o_sel, r_sel = p.arc_student[sel], p.arc_offer[sel], p.arc_rank[sel]
    order = np.lexsort((r_sel, s_sel))
    s_sel, o_sel = s_sel[order], o_sel[order]
    lost = np.where(a.s_priority[s_sel], full[o_sel], full_open[o_sel])
    lost_by: dict[int, list[str]] = {}
    for s, o in zip(s_sel[lost], o_sel[lost], strict=True):
        lost_by.setdefault(int(s), []).append(rnd.offers[int(o)].id)

    out: list[Unassigned] = []
    unranked = rnd.policy.place_unranked
    for i in idx.tolist():
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
            offers = tuple(lost_by.get(i, ()))
            what = ", ".join(offers) if offers else "none"
            out.append(Unassigned(
                st.id, OUTCOMPETED,
                f"all seats the student could take went to others; full offers ranked: {what}",
                offers))
    return out


def shortage_cells(p: Problem, unassigned: list[Unassigned],
                   models: list[tuple[BatchModel, IntArray]]) -> list[ShortageCell]:
    """Where unlimited extra seats would place the most currently unplaced students.

    Candidate cells (offer region × offer sector × student level) come from the counted
    entries of outcompeted students; for each, the exact gain is a max flow in the residual
    graph of the final allocation from the unplaced students to new, unlimited seats at the
    cell's offers. Components are independent, so gains add up over batches.
    """
    a = p.arrays
    index = a.student_index
    lost = np.array([index[u.student_id] for u in unassigned if u.reason == OUTCOMPETED],
                    dtype=np.int64)
    if lost.size == 0:
        return []
    is_lost = np.zeros(a.n_students, dtype=np.bool_)
    is_lost[lost] = True
    sel = is_lost[p.arc_student]
    n_sec, n_lvl = len(a.sectors), 5
    cell = ((a.o_region[p.arc_offer[sel]] * n_sec + a.o_sector[p.arc_offer[sel]]) * n_lvl
            + a.s_level[p.arc_student[sel]])
    pair = np.unique(cell * a.n_students + p.arc_student[sel])
    demand = np.bincount(pair // a.n_students, minlength=1)
    candidates = np.argsort(-demand, kind="stable")[:SHORTAGE_CELLS]
    candidates = candidates[demand[candidates] > 0]

    global _RESIDUALS
    _RESIDUALS = [r for r in (_Residual.of(model, flow) for model, flow in models) if r]
    cells = []
    for c in candidates.tolist():
        level, sector, region = c % n_lvl, c // n_lvl % n_sec, c // n_lvl // n_sec
        in_cell = ((a.o_region == region) & (a.o_sector == sector)
                   & (((a.o_levels >> level) & 1) == 1))
        cells.append((region, sector, level, int(demand[c]), in_cell))
    size = sum(r.tails.size for r in _RESIDUALS)
    n = workers() if size >= PARALLEL_MIN_ARCS else 1
    try:
        if n > 1 and len(cells) > 1:
            # Forked workers share the residual graphs; only the cell masks travel.
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                gains = list(pool.map(_cell_gain, [cell[4] for cell in cells]))
        else:
            gains = [_cell_gain(cell[4]) for cell in cells]
    finally:
        _RESIDUALS = []
    out = [ShortageCell(a.regions[region], a.sectors[sector], level, lister, gain,
                        int(in_cell.sum()))
           for (region, sector, level, lister, in_cell), gain in zip(cells, gains, strict=True)]
    out.sort(key=lambda x: (-x.would_place, -x.unplaced_students, x.region, x.sector, x.level))
    return out


def _cell_gain(in_cell: npt.NDArray[np.bool_]) -> int:
    return sum(res.gain(in_cell) for res in _RESIDUALS)


class _Residual:
    """The residual graph of a final allocation, cut down to what unplaced students reach."""

    def __init__(self, model: BatchModel, tails: IntArray, heads: IntArray, caps: IntArray,
                 sources: IntArray, reach: npt.NDArray[np.bool_]) -> None:
        self.model, self.tails, self.heads, self.caps = model, tails, heads, caps
        self.sources, self.reach = sources, reach

    @classmethod
    def of(cls, model: BatchModel, flow: IntArray) -> _Residual | None:
        net = model.net
        unplaced_arc = (net.kind == UNPLACED) & (flow > 0)
        sources = net.student[unplaced_arc]
        if sources.size == 0:
            return None
        keep = net.kind != UNPLACED  # re-routing through "unplaced" places nobody new
        fwd = keep & (flow < net.cap)
        bwd = keep & (flow > 0)
        tails = np.concatenate((net.tail[fwd], net.head[bwd]))
        heads = np.concatenate((net.head[fwd], net.tail[bwd]))
        caps = np.concatenate(((net.cap - flow)[fwd], flow[bwd]))
        root = net.n_nodes
        graph = csr_matrix((np.ones(tails.size + sources.size, dtype=np.int8),
                            (np.concatenate((tails, np.full(sources.size, root))),
                             np.concatenate((heads, sources)))),
                           shape=(root + 1, root + 1))
        reach = np.zeros(root + 1, dtype=np.bool_)
        reach[breadth_first_order(graph, root, directed=True, return_predecessors=False)] = True
        inside = reach[tails] & reach[heads]
        return cls(model, tails[inside], heads[inside], caps[inside], sources, reach)

    def gain(self, in_cell: npt.NDArray[np.bool_]) -> int:
        """Students newly placed if the cell's offers had unlimited extra seats."""
        model = self.model
        ns = model.students.size
        cell_nodes = np.flatnonzero(in_cell[model.offers])
        seats = np.concatenate((ns + cell_nodes, model.open_node[cell_nodes]))
        seats = seats[(seats >= 0)]
        seats = seats[self.reach[seats]]
        if seats.size == 0:
            return 0
        src, dst = model.net.n_nodes, model.net.n_nodes + 1
        mf = max_flow.SimpleMaxFlow()
        mf.add_arcs_with_capacity(self.tails, self.heads, self.caps)
        mf.add_arcs_with_capacity(np.full(self.sources.size, src), self.sources,
                                  np.ones(self.sources.size, dtype=np.int64))
        mf.add_arcs_with_capacity(seats, np.full(seats.size, dst),
                                  np.full(seats.size, ns + 1, dtype=np.int64))
        if mf.solve(src, dst) != mf.OPTIMAL:
            raise RuntimeError("max flow did not finish in the shortage analysis")
        return int(mf.optimal_flow())


__all__ = ["build_result", "infeasible_result", "reasons", "shortage_cells"]
