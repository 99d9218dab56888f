"""Shortage: where unlimited extra seats would place the most currently unplaced students.

Computed exactly on the solved networks: for each candidate cell, a max flow in the residual
graph of the final allocation (``_Residual``), from the unplaced students to new seats.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow

from .arrays import unique_sorted
from .flow import PARALLEL_MIN_ARCS, UNPLACED, workers
from .graph import Adjacency, reachable
from .model import ShortageCell
from .network import BatchModel
from .problem import Problem

IntArray = npt.NDArray[np.int64]
SHORTAGE_CELLS = 12  # cells analysed exactly, chosen by unmet demand
_RESIDUALS: list[_Residual] = []  # the graphs of the analysis running now (read by workers)


def lost_students(p: Problem, picked: IntArray) -> IntArray:
    """The students the analysis starts from: unplaced, with a candidate arc.

    ``explain.reasons`` calls each of them outcompeted (their entries could have placed them);
    the other unplaced students have no arc, so no cell could show a shortage for them. Known
    from the allocation alone, so the analysis can start before the reasons are written.
    """
    n = p.arrays.n_students
    unplaced = np.ones(n, dtype=np.bool_)
    unplaced[p.pinned_student] = False
    unplaced[p.arc_student[picked]] = False
    has_arc = np.zeros(n, dtype=np.bool_)
    has_arc[p.arc_student] = True
    return np.flatnonzero(unplaced & has_arc).astype(np.int64)


def shortage_cells(p: Problem, lost: IntArray,
                   models: list[tuple[BatchModel, IntArray]]) -> list[ShortageCell]:
    """Where unlimited extra seats would place the most currently unplaced students."""
    return ShortageAnalysis(p, lost, models).cells()


class ShortageAnalysis:
    """Where unlimited extra seats would place the most of the ``lost`` (outcompeted) students.

    Candidate cells (offer region × offer sector × student level) come from the counted
    entries of outcompeted students; for each, the exact gain is a max flow in the residual
    graph of the final allocation from the unplaced students to new, unlimited seats at the
    cell's offers. Components are independent, so gains add up over batches.

    On a large allocation the cells go to forked workers as soon as the analysis is made, so
    the caller can build the rest of the result meanwhile; ``cells()`` collects them.
    """

    def __init__(self, p: Problem, lost: IntArray,
                 models: list[tuple[BatchModel, IntArray]]) -> None:
        global _RESIDUALS
        a = p.arrays
        self._arrays = a
        self._cells: list[tuple[int, int, int, int, npt.NDArray[np.bool_]]] = []
        self._gains: list[int] | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[int]] = []
        if lost.size == 0:
            self._gains = []
            return
        is_lost = np.zeros(a.n_students, dtype=np.bool_)
        is_lost[lost] = True
        sel = is_lost[p.arc_student]
        n_sec, n_lvl = len(a.sectors), 5
        cell = ((a.o_region[p.arc_offer[sel]] * n_sec + a.o_sector[p.arc_offer[sel]]) * n_lvl
                + a.s_level[p.arc_student[sel]])
        pair = unique_sorted(cell * a.n_students + p.arc_student[sel])
        demand = np.bincount(pair // a.n_students, minlength=1)
        candidates = np.argsort(-demand, kind="stable")[:SHORTAGE_CELLS]
        candidates = candidates[demand[candidates] > 0]
        for c in candidates.tolist():
            level, sector, region = c % n_lvl, c // n_lvl % n_sec, c // n_lvl // n_sec
            in_cell = ((a.o_region == region) & (a.o_sector == sector)
                       & (((a.o_levels >> level) & 1) == 1))
            self._cells.append((region, sector, level, int(demand[c]), in_cell))
        _RESIDUALS = [r for r in (_Residual.of(model, flow) for model, flow in models) if r]
        size = sum(r.tails.size for r in _RESIDUALS)
        n = workers() if size >= PARALLEL_MIN_ARCS else 1
        if n > 1 and len(self._cells) > 1:
            # Forked workers share the residual graphs; only the cell masks travel. One core
            # is left to the caller, who writes the explanation meanwhile.
            self._pool = ProcessPoolExecutor(max_workers=n - 1,
                                             mp_context=multiprocessing.get_context("fork"))
            self._futures = [self._pool.submit(_cell_gain, cell[4]) for cell in self._cells]

    def cells(self) -> list[ShortageCell]:
        global _RESIDUALS
        try:
            if self._gains is None:
                if self._pool is not None:
                    self._gains = [fut.result() for fut in self._futures]
                else:
                    self._gains = [_cell_gain(cell[4]) for cell in self._cells]
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None
            _RESIDUALS = []
        a = self._arrays
        out = [ShortageCell(a.regions[region], a.sectors[sector], level, lister, gain,
                            int(in_cell.sum()))
               for (region, sector, level, lister, in_cell), gain
               in zip(self._cells, self._gains, strict=True)]
        out.sort(key=lambda x: (-x.would_place, -x.unplaced_students, x.region, x.sector,
                                x.level))
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


__all__ = ["SHORTAGE_CELLS", "ShortageAnalysis", "lost_students", "shortage_cells"]
