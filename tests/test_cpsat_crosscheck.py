"""An independent CP-SAT model of the same rules confirms the flow engine's optima.

Brute force stops at eight students; CP-SAT proves lexicographic optima for a few hundred,
with every side constraint (reserved seats, environments, pinned seats) written as plain
linear constraints rather than as a network.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from seeds.generator import generate_round
from solver import allocate, parse_round
from solver.model import Pin, Round
from solver.verify import counted_ranks


def lexicographic_optimum(rnd: Round, objective: str) -> tuple[int, ...]:
    k = rnd.policy.max_preferences
    model = cp_model.CpModel()
    students = {s.id: s for s in rnd.students}
    pinned = {p.student_id: p.offer_id for p in rnd.pinned}
    arcs: dict[tuple[str, str], cp_model.IntVar] = {}
    rank: dict[tuple[str, str], int] = {}
    for s in rnd.students:
        if s.id in pinned:
            continue
        for oid, r in counted_ranks(s, rnd).items():
            arcs[s.id, oid] = model.new_bool_var(f"{s.id}>{oid}")
            rank[s.id, oid] = r
    by_student: dict[str, list[cp_model.IntVar]] = {}
    by_offer: dict[str, list[tuple[str, cp_model.IntVar]]] = {}
    for (sid, oid), var in arcs.items():
        by_student.setdefault(sid, []).append(var)
        by_offer.setdefault(oid, []).append((sid, var))
    for vars_ in by_student.values():
        model.add(sum(vars_) <= 1)
    env_load: dict[str, list[cp_model.IntVar]] = {}
    env_fixed: dict[str, int] = {}
    for o in rnd.offers:
        fixed = [sid for sid, oid in pinned.items() if oid == o.id]
        fixed_open = sum(not students[sid].priority for sid in fixed)
        takers = by_offer.get(o.id, [])
        model.add(sum(v for _, v in takers) <= o.capacity - len(fixed))
        model.add(sum(v for sid, v in takers if not students[sid].priority)
                  <= o.capacity - o.reserved_priority - fixed_open)
        if o.environment_id:
            env_load.setdefault(o.environment_id, []).extend(v for _, v in takers)
            env_fixed[o.environment_id] = env_fixed.get(o.environment_id, 0) + len(fixed)
    for e in rnd.environments:
        model.add(sum(env_load.get(e.id, [])) <= e.capacity - env_fixed.get(e.id, 0))

    prio = sum(v for (sid, _), v in arcs.items() if students[sid].priority)
    placed = sum(arcs.values())
    terms = [prio, placed] if rnd.policy.priority_first else [placed]
    if objective == "optimal":
        terms.append(-sum(rank[a] * v for a, v in arcs.items()))
    else:
        terms += [sum(v for a, v in arcs.items() if rank[a] == r) for r in range(1, k + 1)]
    values = []
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2  # the LP relaxation closes matching gaps fast
    for term in terms:
        model.maximize(term)
        assert solver.solve(model) == cp_model.OPTIMAL
        value = round(solver.objective_value)
        model.add(term == value)
        values.append(value)
    return tuple(values)


def engine_values(rnd: Round, objective: str) -> tuple[int, ...]:
    result = allocate(replace(rnd, policy=replace(rnd.policy, objective=objective)))
    st = result.stats
    pinned = {p.student_id for p in rnd.pinned}
    free = [a for a in result.assignments if a.student_id not in pinned]
    students = {s.id: s for s in rnd.students}
    values = [sum(students[a.student_id].priority for a in free)] if (
        rnd.policy.priority_first) else []
    values.append(len(free))
    k = rnd.policy.max_preferences
    if objective == "optimal":
        values.append(-sum(a.rank or k + 1 for a in free))
    else:
        values += [sum(a.rank == r for a in free) for r in range(1, k + 1)]
    assert st.placed == len(result.assignments)
    return tuple(values)


@pytest.mark.parametrize("objective", ["optimal", "rank_maximal"])
@pytest.mark.parametrize("seed", [11, 12])
def test_flow_engine_reaches_the_cpsat_optimum(objective: str, seed: int) -> None:
    rnd = parse_round(generate_round(400, seed))
    # Pin a few placements and tighten environments so every side constraint binds.
    pins = tuple(Pin(s.id, s.preferences[0]) for s in rnd.students[:60:6] if s.preferences)
    rnd = replace(rnd, pinned=pins, environments=tuple(
        replace(e, capacity=max(e.capacity // 2, 1)) for e in rnd.environments))
    assert engine_values(rnd, objective) == lexicographic_optimum(rnd, objective)
