"""Lexicographic min-cost flow: one exact stage per objective term, small costs in each.

Every constraint of a round is flow-shaped: a student sends one unit either to an offer or
to "unplaced"; a non-priority student reaches an offer with reserved seats through a node
that holds only the non-priority share; an offer's seats lead to its environment (a laminar
family: each offer has at most one) and on to the sink. So every stage is a min-cost flow,
solved exactly by OR-Tools.

Stages are chained without big-M weights. After a stage is solved, node potentials (the
duals) are read off the residual graph; by complementary slackness every optimal flow of
that stage uses no arc of positive reduced cost and saturates every arc of negative reduced
cost. Fixing those arcs leaves exactly the set of optimal flows, on which the next stage
optimises. Costs stay small integers, which keeps the cost-scaling solver fast, and a
rank-maximal objective with eleven terms stays exact at any size, where big-M weights
would overflow 64 bits.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow, min_cost_flow

from .graph import component_labels

IntArray = npt.NDArray[np.int64]

ASSIGN, UNPLACED, STRUCTURE = 0, 1, 2


class FlowError(RuntimeError):
    """The flow solver did not return an optimal flow; a bug, never an input problem."""


@dataclass
class Network:
    """Arcs as parallel arrays, with what each arc means for the round."""

    n_nodes: int
    sink: int
    supply: IntArray
    tail: IntArray
    head: IntArray
    cap: IntArray
    kind: IntArray  # ASSIGN, UNPLACED or STRUCTURE
    student: IntArray  # local student index for ASSIGN and UNPLACED arcs, else -1
    offer: IntArray  # offer index for ASSIGN arcs, else -1
    rank: IntArray  # rank for ASSIGN arcs (max_preferences + 1 when unranked), else 0
    priority: npt.NDArray[np.bool_]  # the arc's student is a priority student
    lower: IntArray = field(init=False)
    upper: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.lower = np.zeros_like(self.cap)
        self.upper = self.cap.copy()


@dataclass(frozen=True)
class StageReport:
    name: str
    cost: int  # the stage's optimal value on the restricted face
    seconds: float


PARALLEL_MIN_ARCS = 150_000  # below this, starting a process costs more than it saves
# Components of a stage are solved one min-cost flow each, small ones packed together up to
# this many arcs: cost scaling on a province's 500,000 arcs at once took a third more CPU
# than on its components apart (docs/PERFORMANCE.md, issue 16), and smaller parts than
# this only add calls.
PART_ARCS = 10_000


def workers() -> int:
    """Processes used for one stage: LEERPLEK_SOLVER_WORKERS, else the machine's cores."""
    configured = os.environ.get("LEERPLEK_SOLVER_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(os.cpu_count() or 1, 4))


def _min_cost_flow(tails: IntArray, heads: IntArray, caps: IntArray, costs: IntArray,
                   nodes: IntArray, supplies: IntArray) -> IntArray:
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(nodes, supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise FlowError(f"min-cost flow returned status {status}")
    return np.asarray(smcf.flows(arcs), dtype=np.int64)


def _parts(net: Network, free: IntArray) -> list[IntArray]:
    """The free arcs as independent problems: components, small ones packed together.

    Every unit of flow ends in the sink, and each node's supply is fixed, so the parts of
    the network that only the sink joins are independent problems. Largest first.
    """
    tail, head = net.tail[free], net.head[free]
    inner = (tail != net.sink) & (head != net.sink)
    label = component_labels(net.n_nodes, tail[inner], head[inner])
    arc_label = label[np.where(tail == net.sink, head, tail)]
    order = np.argsort(arc_label, kind="stable")
    bounds = np.flatnonzero(np.diff(arc_label[order])) + 1
    components = sorted(np.split(order, bounds), key=len, reverse=True)
    parts: list[IntArray] = []
    current: list[IntArray] = []
    size = 0
    for comp in components:
        if size and size + comp.size > PART_ARCS:
            parts.append(free[np.sort(np.concatenate(current))])
            current, size = [], 0
        current.append(comp)
        size += comp.size
    if current:
        parts.append(free[np.sort(np.concatenate(current))])
    return parts


def _shares(parts: list[IntArray], n: int) -> list[list[int]]:
    """The parts (by index) dealt to ``n`` workers, largest first to the least loaded.

    A part's work grows faster than its arcs: at 60k the share holding the largest part
    (151,831 arcs) took 0.59 CPU s against 0.47 for the other share of as many arcs, so
    parts are weighed by arcs^1.5 (docs/PERFORMANCE.md, issue 16).
    """
    load = [0.0] * n
    shares: list[list[int]] = [[] for _ in range(n)]
    for i, part in enumerate(parts):  # already largest first
        w = load.index(min(load))
        shares[w].append(i)
        load[w] += float(part.size) ** 1.5
    return [s for s in shares if s]


def _balance(net: Network) -> IntArray:
    """Node supplies once the arcs' lower bounds are sent."""
    supply = net.supply.copy()
    fixed = np.flatnonzero(net.lower > 0)
    np.subtract.at(supply, net.tail[fixed], net.lower[fixed])
    np.add.at(supply, net.head[fixed], net.lower[fixed])
    return supply


@dataclass
class _Chain:
    """What the parts of a chain of stages read: shared with forked workers, not copied."""

    net: Network
    costs: list[IntArray]
    start: IntArray  # the flow so far: optimal for the stages before the chain
    supply: IntArray
    parts: list[IntArray]
    deadline: float
    check_first: bool


_CHAIN: _Chain | None = None  # the chain running now (read by forked workers)


def _solve_chain(net: Network, costs: list[IntArray], start: IntArray, deadline: float,
                 check_first: bool) -> tuple[IntArray, int]:
    """Optimise ``costs`` in order within the current bounds; returns (flow, stages done).

    The free arcs fall apart into parts that only the sink joins (``_parts``). Every stage
    only fixes arcs, so each part's later stages stay within the part: each part runs the
    whole chain on its own (min-cost flow, duals, fixing), one after the other in a worker,
    the workers side by side. A part stops before a stage when the deadline has passed (also
    before the first one if ``check_first``); its flow is then that of the last stage it
    did, or ``start`` (a flow within the current bounds) if it did none. The bounds of
    ``net`` are left as they were.
    """
    global _CHAIN
    supply = _balance(net)
    flow = net.lower.copy()
    free = np.flatnonzero(net.upper > net.lower)
    if free.size == 0:
        if np.any(supply != 0):
            raise FlowError("fixed arcs leave unbalanced supplies")
        return flow, len(costs)
    parts = _parts(net, free)
    n_workers = workers() if free.size >= PARALLEL_MIN_ARCS else 1
    shares = _shares(parts, n_workers)
    _CHAIN = _Chain(net, costs, start, supply, parts, deadline, check_first)
    try:
        if len(shares) == 1:
            results = [(shares[0], _run_parts(shares[0]))]
        else:
            # OR-Tools holds the GIL while it solves: the other shares go to forked
            # processes, which read the chain from _CHAIN; only flows travel back.
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=len(shares) - 1, mp_context=ctx) as pool:
                futures = [pool.submit(_run_parts, share) for share in shares[1:]]
                results = [(shares[0], _run_parts(shares[0]))]
                results += [(share, fut.result())
                            for share, fut in zip(shares[1:], futures, strict=True)]
    finally:
        _CHAIN = None
    done = len(costs)
    for share, outcome in results:
        for i, (part_flow, part_done) in zip(share, outcome, strict=True):
            flow[parts[i]] = part_flow
            done = min(done, part_done)
    return flow, done


def _run_parts(share: list[int]) -> list[tuple[IntArray, int]]:
    chain = _CHAIN
    assert chain is not None
    return [_run_part(chain, chain.parts[i]) for i in share]


def _run_part(chain: _Chain, arcs: IntArray) -> tuple[IntArray, int]:
    """One part through every stage of the chain: (its arcs' flow, stages done)."""
    net = chain.net
    # Local node numbers keep every array of the part as small as the part.
    nodes, local = np.unique(np.concatenate((net.tail[arcs], net.head[arcs])),
                             return_inverse=True)
    tails, heads = local[: arcs.size], local[arcs.size:]
    supply = chain.supply[nodes]  # already net of every lower bound: the part starts at 0
    sink = int(np.searchsorted(nodes, net.sink))
    if sink < nodes.size and nodes[sink] == net.sink:
        # The sink is shared by every part: here it takes what this part's nodes send.
        supply[sink] = 0
        supply[sink] = -supply.sum()
    # A part that never reaches the sink (students swapping full offers) is balanced already.
    base = net.lower[arcs]
    lower = np.zeros_like(base)
    upper = net.upper[arcs] - base
    flow = chain.start[arcs] - base  # kept if the deadline stops the part before any stage
    for i, stage_costs in enumerate(chain.costs):
        if (i > 0 or chain.check_first) and time.monotonic() > chain.deadline:
            return base + flow, i
        costs = stage_costs[arcs]
        free = np.flatnonzero(upper > lower)
        balance = supply.copy()
        fixed = np.flatnonzero(lower > 0)
        np.subtract.at(balance, tails[fixed], lower[fixed])
        np.add.at(balance, heads[fixed], lower[fixed])
        flow = lower.copy()
        if free.size:
            at = np.flatnonzero(balance)
            flow[free] += _min_cost_flow(tails[free], heads[free], upper[free] - lower[free],
                                         costs[free], at, balance[at])
        elif np.any(balance != 0):
            raise FlowError("fixed arcs leave unbalanced supplies")
        if i < len(chain.costs) - 1:
            dist = _distances(nodes.size, tails, heads, lower, upper, flow, costs)
            reduced = costs[free] + dist[tails[free]] - dist[heads[free]]
            drop, fill = free[reduced > 0], free[reduced < 0]
            upper[drop] = lower[drop]
            lower[fill] = upper[fill]
    return base + flow, len(chain.costs)


def potentials(net: Network, flow: IntArray, costs: IntArray) -> IntArray:
    """Shortest-path distances in the residual graph of the free arcs (a dual solution)."""
    return _distances(net.n_nodes, net.tail, net.head, net.lower, net.upper, flow, costs)


def _distances(n_nodes: int, tail: IntArray, head: IntArray, lower: IntArray,
               upper: IntArray, flow: IntArray, costs: IntArray) -> IntArray:
    """Shortest-path distances in the residual graph of the free arcs (a dual solution).

    Label-correcting from a virtual root joined to every node at cost 0; only the arcs
    leaving nodes whose label changed are relaxed again, vectorised per round of relaxation.
    """
    free = upper > lower
    fwd = free & (flow < upper)
    bwd = free & (flow > lower)
    tails = np.concatenate((tail[fwd], head[bwd]))
    heads = np.concatenate((head[fwd], tail[bwd]))
    w = np.concatenate((costs[fwd], -costs[bwd]))
    order = np.argsort(tails, kind="stable")
    tails, heads, w = tails[order], heads[order], w[order]
    start = np.searchsorted(tails, np.arange(n_nodes + 1))
    degree = np.diff(start)

    dist = np.zeros(n_nodes, dtype=np.int64)
    active = np.flatnonzero(degree)
    for _ in range(n_nodes + 1):
        if active.size == 0:
            return dist
        deg = degree[active]
        total = int(deg.sum())
        arc = np.repeat(start[active] - np.cumsum(deg) + deg, deg) + np.arange(total)
        cand = dist[tails[arc]] + w[arc]
        better = cand < dist[heads[arc]]
        if not better.any():
            return dist
        h, c = heads[arc][better], cand[better]
        before = dist.copy()
        np.minimum.at(dist, h, c)
        active = np.flatnonzero(dist < before)
        active = active[degree[active] > 0]
    raise FlowError("negative cycle in the residual graph: the flow was not optimal")


def restrict_to_optimal(net: Network, flow: IntArray, costs: IntArray) -> None:
    """Fix arcs so that only flows optimal for ``costs`` remain (complementary slackness)."""
    dist = potentials(net, flow, costs)
    free = np.flatnonzero(net.upper > net.lower)
    reduced = costs[free] + dist[net.tail[free]] - dist[net.head[free]]
    drop = free[reduced > 0]
    net.upper[drop] = net.lower[drop]
    fill = free[reduced < 0]
    net.lower[fill] = net.upper[fill]


def close_dead_arcs(net: Network) -> int:
    """Close every arc no unit of flow can use (upper = lower); returns how many.

    An arc into a node from which no arc with capacity leads on to the sink (an offer whose
    seats pinned students took, its open-seat share or its environment full) carries no flow
    in any feasible flow. Left free, such arcs are still searched by the max flow, priced by
    every later stage and join parts that are otherwise independent: in a round with 5 %
    pinned, a fifth of all arcs (docs/PERFORMANCE.md, issue 16). Closing them leaves the set
    of feasible flows as it was.
    """
    alive = np.ones(net.n_nodes, dtype=np.bool_)
    open_arc = net.upper > net.lower
    # A node lives while some open arc leads to a live node; the network is at most four
    # arcs deep (student, open seats, offer, environment, sink), so this settles quickly.
    while True:
        leads_on = np.zeros(net.n_nodes, dtype=np.bool_)
        leads_on[net.tail[(net.upper > 0) & alive[net.head]]] = True
        leads_on[net.sink] = True
        if np.array_equal(leads_on, alive):
            break
        alive = leads_on
    dead = np.flatnonzero(open_arc & ~alive[net.head])
    net.upper[dead] = net.lower[dead]
    return int(dead.size)


def max_placement_flow(net: Network) -> IntArray:
    """A flow placing the most priority students, then the most students, by max flow only.

    The students that can be placed together form a matroid (a gammoid), so "most priority
    students first, then most students" is reached by a maximum flow from the priority
    students, augmented by a maximum flow from everyone else that never pushes flow back
    out of a priority student. Max flow is far faster than min-cost flow on these networks.
    """
    assert not net.lower.any(), "max_placement_flow needs the unrestricted network"
    unplaced = net.kind == UNPLACED
    # Arcs closed by close_dead_arcs (upper 0) never carry flow: leave them out altogether.
    rest = np.flatnonzero(~unplaced & (net.upper > 0))
    students = net.student[unplaced]  # local student per UNPLACED arc (node id == index)
    prio = net.priority[unplaced]
    sink = net.sink
    source = net.n_nodes
    tail, head, cap = net.tail[rest], net.head[rest], net.upper[rest]
    flow = np.zeros(rest.size, dtype=np.int64)
    placed = np.zeros(students.size, dtype=np.bool_)
    for phase in (prio, ~prio):
        starts = students[phase & ~placed]
        if starts.size == 0:
            continue
        # Only the residual arcs that can carry flow: saturated arcs and empty reverse arcs
        # would double the network for nothing.
        room, used = np.flatnonzero(cap > flow), np.flatnonzero(flow > 0)
        mf = max_flow.SimpleMaxFlow()
        fwd = mf.add_arcs_with_capacity(tail[room], head[room], cap[room] - flow[room])
        bwd = mf.add_arcs_with_capacity(head[used], tail[used], flow[used])
        src = mf.add_arcs_with_capacity(np.full(starts.size, source), starts,
                                        np.ones(starts.size, dtype=np.int64))
        if mf.solve(source, sink) != mf.OPTIMAL:
            raise FlowError("max flow did not finish")
        flow[room] += mf.flows(fwd)
        flow[used] -= mf.flows(bwd)
        placed[np.isin(students, starts[mf.flows(src) > 0])] = True
    out = np.zeros(net.tail.size, dtype=np.int64)
    out[rest] = flow
    out[np.flatnonzero(unplaced)] = (~placed).astype(np.int64)
    return out


def solve_lexicographic(
    net: Network,
    stages: list[tuple[str, IntArray]],
    deadline: float,
    placement_stages: int = 0,
    on_stage: Callable[[int, str], None] | None = None,
) -> tuple[IntArray, list[StageReport], bool]:
    """Optimise the stages in order; returns (flow, reports, all stages proven).

    The first ``placement_stages`` stages (priority placed, placed) are solved together by
    ``max_placement_flow``; their optimal faces are then fixed one by one like any other.
    The other stages run as one chain per independent part (``_solve_chain``); their
    reports share the chain's time. When the deadline passes between stages the flow so
    far is returned: optimal for the stages done, valid for all constraints, but not proven
    optimal for the rest. ``on_stage(index, name)`` is called after each stage, for
    progress reports. Arcs no flow can use are closed first (``close_dead_arcs``).
    """
    reports: list[StageReport] = []
    close_dead_arcs(net)
    flow = net.lower.copy()
    placement = stages[:placement_stages]
    for i, (name, costs) in enumerate(placement):
        t0 = time.monotonic()
        if i == 0:
            flow = max_placement_flow(net)
        reports.append(StageReport(name, int(costs @ flow), time.monotonic() - t0))
        if on_stage is not None:
            on_stage(i, name)
        if i < len(stages) - 1:
            restrict_to_optimal(net, flow, costs)
    chain = stages[placement_stages:]
    if not chain:
        return flow, reports, True
    t0 = time.monotonic()
    flow, done = _solve_chain(net, [costs for _, costs in chain], flow, deadline,
                              check_first=placement_stages > 0)
    seconds = time.monotonic() - t0
    for j, (name, costs) in enumerate(chain[:done]):
        reports.append(StageReport(name, int(costs @ flow), seconds))
        if on_stage is not None:
            on_stage(placement_stages + j, name)
    return flow, reports, done == len(chain)
