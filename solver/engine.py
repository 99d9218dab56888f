"""``allocate(round) -> Result``: data → model → solve → extract, as separate steps."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import explain, stable
from .eligibility import RoundArrays, build_arrays, candidate_pairs, preference_arcs
from .flow import ASSIGN, STRUCTURE, UNPLACED, Network, solve_lexicographic
from .lottery import lottery_positions
from .model import (
    FEASIBLE,
    OPTIMAL,
    Assignment,
    Result,
    Round,
    RoundWarning,
    Stats,
)

IntArray = npt.NDArray[np.int64]
BATCH_ARCS = 4_000_000  # components are packed into networks of about this many arcs
# progress(step, fraction): the step just reached and the share of the work done, 0..1.
Progress = Callable[[str, float], None]


def _no_progress(_step: str, _fraction: float) -> None:
    pass


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
    rank_of = {(int(s), int(o)): int(r) for s, o, r in
               zip(prefs.student, prefs.offer, prefs.rank, strict=True)} if ps.size else {}
    # A pinned pair keeps the rank it was made at; failing that, it has the rank of its
    # counted entry here; otherwise it counts as unranked.
    pr = np.array([min(pin.rank, k + 1) if pin.rank is not None
                   else rank_of.get((int(s), int(o)), k + 1)
                   for pin, s, o in zip(rnd.pinned, ps, po, strict=True)], dtype=np.int64)

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


# -- model ---------------------------------------------------------------------------------


def components(p: Problem) -> list[IntArray]:
    """Groups of arc indices that share no student, offer or environment with each other."""
    a = p.arrays
    n = a.n_students + a.n_offers + a.n_environments
    in_env = np.flatnonzero(a.o_environment >= 0)
    rows = np.concatenate((p.arc_student, a.n_students + in_env))
    cols = np.concatenate((a.n_students + p.arc_offer,
                           a.n_students + a.n_offers + a.o_environment[in_env]))
    graph = coo_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
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


# -- solve and extract ---------------------------------------------------------------------


def allocate(rnd: Round, *, shortage: bool = True, progress: Progress | None = None) -> Result:
    """Allocate one round under its policy; infeasible pinned seats are a normal answer.

    ``progress`` is told each step (``building``, every flow stage by name, ``explaining``,
    ``done``) with the share of the work done; it is called a few dozen times per round, so
    it may write to a database without slowing the solve.
    """
    report = progress or _no_progress
    report("building", 0.0)
    t0 = time.monotonic()
    p = build_problem(rnd)
    build = time.monotonic() - t0
    if p.infeasible:
        report("done", 1.0)
        return explain.infeasible_result(p, build)
    if rnd.policy.objective == "stable":
        report("stable", 0.1)
        result = stable.allocate_stable(p, build)
        report("done", 1.0)
        return result

    t1 = time.monotonic()
    deadline = t1 + rnd.policy.time_limit_s
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
    solve = time.monotonic() - t1
    report("explaining", 0.9)
    picked = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
    status = OPTIMAL if proven else FEASIBLE
    message = "" if proven else (
        f"time limit of {rnd.policy.time_limit_s:g} s reached: the allocation is valid and "
        "optimal for the stages finished, not proven optimal for the rest")
    result = explain.build_result(p, picked, status, proven, build, solve, message,
                                  models if shortage else [])
    if any(rnd.company_rankings.values()):
        # Companies ranked students: show how far this allocation is from stable.
        from .verify import blocking_pairs

        blocking = blocking_pairs(rnd, result.assignments)
        result = replace(result, stats=replace(result.stats, blocking_pairs=blocking))
    report("done", 1.0)
    return result


def assignments_from(p: Problem, picked: IntArray) -> list[Assignment]:
    rnd, k = p.rnd, p.rnd.policy.max_preferences
    out = [Assignment(rnd.students[int(s)].id, rnd.offers[int(o)].id,
                      None if r > k else int(r), True)
           for s, o, r in zip(p.pinned_student, p.pinned_offer, p.pinned_rank, strict=True)]
    out += [Assignment(rnd.students[int(s)].id, rnd.offers[int(o)].id,
                       None if r > k else int(r), False)
            for s, o, r in zip(p.arc_student[picked], p.arc_offer[picked], p.arc_rank[picked],
                               strict=True)]
    out.sort(key=lambda x: x.student_id)
    return out


def empty_stats(n: int, k: int) -> Stats:
    return Stats(n, 0, 0, 0, 0, (0,) * (k + 1), 0, None, 0, None, 0.0, 0.0)


__all__ = ["Progress", "allocate", "assignments_from", "build_problem"]
