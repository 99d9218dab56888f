"""Shortage: where unlimited extra seats would place the most currently unplaced students.

Computed exactly on the solved networks: for each candidate cell, a max flow in the residual
graph of the final allocation (``_Residual``), from the unplaced students to new seats.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow

from .flow import PARALLEL_MIN_ARCS, UNPLACED, workers
from .graph import Adjacency, reachable
from .model import OUTCOMPETED, ShortageCell, Unassigned
from .network import BatchModel
from .problem import Problem

IntArray = npt.NDArray[np.int64]
SHORTAGE_CELLS = 12  # cells analysed exactly, chosen by unmet demand
_RESIDUALS: list[_Residual] = []  # the graphs of the analysis running now (read by workers)


def shortage_cells(p: Problem, unassigned: Sequence[Unassigned],
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
        # Every cell searches the same graph backwards from its seats: its rows built once.
        self.backward = Adjacency(reach.size, heads, tails)

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
        reach = reachable(net.n_nodes, tails, heads, sources)
        inside = reach[tails] & reach[heads]
        return cls(model, tails[inside], heads[inside], caps[inside], sources, reach)

    def _leading_to(self, seats: IntArray) -> npt.NDArray[np.bool_]:
        """Per node: a residual path leads from it to one of ``seats``."""
        return self.backward.reach(seats)

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
        # Only what lies on a path from an unplaced student to the cell can carry flow: the
        # nodes the students reach (``reach``) that also lead to one of the cell's seats.
        leads = self._leading_to(seats)
        arcs = np.flatnonzero(leads[self.tails] & leads[self.heads])
        sources = self.sources[leads[self.sources]]
        src, dst = model.net.n_nodes, model.net.n_nodes + 1
        mf = max_flow.SimpleMaxFlow()
        mf.add_arcs_with_capacity(self.tails[arcs], self.heads[arcs], self.caps[arcs])
        mf.add_arcs_with_capacity(np.full(sources.size, src), sources,
                                  np.ones(sources.size, dtype=np.int64))
        mf.add_arcs_with_capacity(seats, np.full(seats.size, dst),
                                  np.full(seats.size, ns + 1, dtype=np.int64))
        if mf.solve(src, dst) != mf.OPTIMAL:
            raise RuntimeError("max flow did not finish in the shortage analysis")
        return int(mf.optimal_flow())


__all__ = ["SHORTAGE_CELLS", "shortage_cells"]
