"""The flow objectives (``optimal``, ``rank_maximal``): the round as min-cost flow networks.

Independent components of the round are packed into networks (``components``), each network
is built from the problem's arrays (``build_network``), its objective is a list of exact
stages (``stage_costs``), and ``solve`` runs them all with ``flow.solve_lexicographic``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .flow import ASSIGN, STRUCTURE, UNPLACED, Network, solve_lexicographic
from .graph import component_labels
from .problem import Problem

IntArray = npt.NDArray[np.int64]
BATCH_ARCS = 4_000_000  # components are packed into networks of about this many arcs


def components(p: Problem) -> list[IntArray]:
    """Groups of arc indices that share no student, offer or environment with each other."""
    a = p.arrays
    n = a.n_students + a.n_offers + a.n_environments
    in_env = np.flatnonzero(a.o_environment >= 0)
    rows = np.concatenate((p.arc_student, a.n_students + in_env))
    cols = np.concatenate((a.n_students + p.arc_offer,
                           a.n_students + a.n_offers + a.o_environment[in_env]))
    label = component_labels(n, rows, cols)
    arc_label = label[p.arc_student]
    order = np.argsort(arc_label, kind="stable")
    bounds = np.flatnonzero(np.diff(arc_label[order])) + 1
    groups = np.split(order, bounds)
    # Pack small components together: each batch is still a set of independent problems.
    batches: list[IntArray] = []
    current: list[IntArray] = []
    size = 0
    for g in sorted(groups, key=len, reverse=True):
        if size and size + len(g) > BATCH_ARCS:
            batches.append(np.concatenate(current))
            current, size = [], 0
        current.append(g)
        size += len(g)
    if current:
        batches.append(np.concatenate(current))
    return batches


@dataclass
class BatchModel:
    """One network of independent components, and how its nodes map to the round."""

    net: Network
    students: IntArray  # global index per local student node
    arcs: IntArray  # problem arc index per ASSIGN arc, in network arc order
    n_assign: int
    offers: IntArray  # global offer per offer node
    open_node: IntArray  # per offer node: its open-seat node, or -1


def build_network(p: Problem, arcs: IntArray) -> BatchModel:
    a = p.arrays
    students, s_local = np.unique(p.arc_student[arcs], return_inverse=True)
    offers, o_local = np.unique(p.arc_offer[arcs], return_inverse=True)
    ns, no = students.size, offers.size
    prio = a.s_priority[students]
    has_open = a.o_reserved[offers] > 0
    open_node = np.full(no, -1, dtype=np.int64)
    open_node[has_open] = ns + no + np.arange(int(has_open.sum()))
    envs, e_local = np.unique(a.o_environment[offers], return_inverse=True)
    env_node_base = ns + no + int(has_open.sum())
    env_node = np.where(envs >= 0, env_node_base + np.arange(envs.size), -1)
    sink = env_node_base + envs.size
    n_nodes = sink + 1

    # Assignment arcs: non-priority students enter offers with reserved seats via the
    # open-seat node, so reserved seats stay for priority students.
    via_open = ~prio[s_local] & has_open[o_local]
    a_head = np.where(via_open, open_node[o_local], ns + o_local)
    offer_out = np.where(env_node[e_local] >= 0, env_node[e_local], sink)
    real_env = envs >= 0
    tails = [s_local, np.arange(ns), open_node[has_open], ns + np.arange(no),
             env_node[real_env]]
    heads = [a_head, np.full(ns, sink), ns + np.flatnonzero(has_open), offer_out,
             np.full(int(real_env.sum()), sink)]
    caps = [np.ones(arcs.size, dtype=np.int64), np.ones(ns, dtype=np.int64),
            p.free_open[offers[has_open]], p.free_capacity[offers],
            p.free_environment[envs[real_env]]]
    kinds = [ASSIGN, UNPLACED, STRUCTURE, STRUCTURE, STRUCTURE]
    sizes = [t.size for t in tails]
    m = sum(sizes)
    kind = np.repeat(np.array(kinds, dtype=np.int64), sizes)
    student = np.full(m, -1, dtype=np.int64)
    student[: arcs.size] = s_local
    student[arcs.size: arcs.size + ns] = np.arange(ns)
    offer = np.full(m, -1, dtype=np.int64)
    offer[: arcs.size] = offers[o_local]
    rank = np.zeros(m, dtype=np.int64)
    rank[: arcs.size] = p.arc_rank[arcs]
    priority = np.zeros(m, dtype=np.bool_)
    priority[student >= 0] = prio[student[student >= 0]]
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[:ns] = 1
    supply[sink] = -ns
    net = Network(
        n_nodes=n_nodes, sink=sink, supply=supply,
        tail=np.concatenate(tails).astype(np.int64), head=np.concatenate(heads).astype(np.int64),
        cap=np.concatenate(caps).astype(np.int64), kind=kind, student=student, offer=offer,
        rank=rank, priority=priority,
    )
    return BatchModel(net, students, arcs, arcs.size, offers, open_node)


def stage_costs(p: Problem, model: BatchModel) -> list[tuple[str, IntArray]]:
    """The objective as a list of stages, most important first."""
    net, policy = model.net, p.rnd.policy
    k = policy.max_preferences
    assign, unplaced = net.kind == ASSIGN, net.kind == UNPLACED
    stages: list[tuple[str, IntArray]] = []
    if policy.priority_first and net.priority.any():
        stages.append(("priority_placed", (unplaced & net.priority).astype(np.int64)))
    stages.append(("placed", unplaced.astype(np.int64)))
    if policy.objective == "rank_maximal":
        for r in range(1, k + 2):
            if np.any(assign & (net.rank == r)):
                stages.append((f"rank_{r}", -(assign & (net.rank == r)).astype(np.int64)))
    else:
        stages.append(("rank_sum", np.where(assign, net.rank, 0)))
    # Lottery: among the remaining optima, the better draw gets the better place.
    local = p.lottery[model.students]
    weight = np.empty_like(local)
    weight[np.argsort(local, kind="stable")] = np.arange(local.size, 0, -1)
    lottery = np.zeros(net.tail.size, dtype=np.int64)
    lottery[assign] = -weight[net.student[assign]] * (k + 2 - net.rank[assign])
    stages.append(("lottery", lottery))
    return stages


@dataclass
class Solved:
    picked: IntArray  # the problem's candidate arcs in the allocation
    proven: bool  # every stage finished before the deadline
    seconds: float
    models: list[tuple[BatchModel, IntArray]]  # each network with its final flow


def solve(p: Problem, report: Callable[[str, float], None]) -> Solved:
    """Every network's stages in order, within the policy's time limit."""
    t1 = time.monotonic()
    deadline = t1 + p.rnd.policy.time_limit_s
    chosen: list[IntArray] = []
    models: list[tuple[BatchModel, IntArray]] = []
    proven = True
    parts = components(p)
    report("network", 0.1)
    for ci, arcs in enumerate(parts):
        model = build_network(p, arcs)
        stages = stage_costs(p, model)
        placement = sum(name in ("priority_placed", "placed") for name, _ in stages)

        def on_stage(i: int, name: str, ci: int = ci, n: int = len(stages)) -> None:
            # Building took about a tenth of the work, explaining another tenth.
            report(name, 0.1 + 0.8 * (ci + (i + 1) / n) / len(parts))

        flow, _, done = solve_lexicographic(model.net, stages, deadline, placement,
                                            on_stage=on_stage)
        proven &= done
        chosen.append(model.arcs[flow[: model.n_assign] > 0])
        models.append((model, flow))
    picked = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
    return Solved(picked, proven, time.monotonic() - t1, models)


__all__ = ["BatchModel", "Solved", "build_network", "components", "solve", "stage_costs"]
