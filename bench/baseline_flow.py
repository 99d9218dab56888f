"""A plain OR-Tools min-cost-flow baseline: ONE network, big-M lexicographic costs.

This is the "obvious" way to solve a round with the `optimal` objective, kept deliberately
plain so the bench can show what leerplek's engine buys over it. It solves the *same*
problem as ``leerplek solve``: the arcs come from leerplek's own eligibility code
(``solver.eligibility.build_arrays`` + ``preference_arcs``: counted, eligible, de-duplicated
entries), and reserved seats and hybrid environments are nodes of the same network.

Network (all arcs capacity 1 unless noted)::

    student ──(rank − 1)──▶ offer                       (priority students, or offers
    student ──(rank − 1)──▶ open(offer) ──cap−reserved─▶ offer    without reserved seats)
    student ──(M2 + M1·priority)──────────────────────────────────────▶ sink   "unplaced"
    offer ──capacity──▶ environment ──env capacity──▶ sink   (or offer ──capacity──▶ sink)

Every student sends one unit; it is unplaced when it takes the "unplaced" arc. The total cost
is ``Σ_placed (rank − 1) + M2·unplaced + M1·unplaced_priority``, minimised.

Choice of M (exact, not heuristic). Let m be the number of students with at least one arc
and K = max_preferences, so ``0 ≤ Σ_placed (rank − 1) ≤ (K − 1)·m``:

* ``M2 = (K − 1)·m + 1``: placing one more student saves M2, more than any change of the
  rank term can cost, so among allocations with the same priority count the most-placed win;
* ``M1 = M2·m + (K − 1)·m + 1``: one more priority student placed saves M1 + M2 ≥ M1, more
  than any change in the (placed, rank) part, which lies in ``[0, M2·m + (K − 1)·m]``.

So the min-cost flow is exactly lexicographic (priority placed, placed, rank sum) — the
first three stages of leerplek's `optimal` (it does not run the lottery stage, which only
breaks ties and does not change these three figures). The largest total cost is below
``m·(M1 + M2)``; the script refuses a round where that, or OR-Tools' internal scaling of the
largest arc cost by (nodes + 1), would not fit in 64 bits.

Usage: ``python bench/baseline_flow.py ROUND.json -o OUT.json`` (prints a summary line).
Pinned placements are taken out first, as leerplek does: each pinned student keeps the seat
(an open seat if not a priority student, and a seat of the offer's environment) and counts as
placed at the rank of that entry in the list, or unplaced-rank ``K + 1`` if not listed; the
network is built for the other students. ``place_unranked`` rounds are refused rather than
solved differently.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so the bench can point at a code snapshot

from ortools.graph.python import min_cost_flow  # noqa: E402

from solver.document import load_round  # noqa: E402
from solver.eligibility import build_arrays, preference_arcs  # noqa: E402

INT64_MAX = 2**63 - 1


def solve(path: str) -> dict[str, object]:
    t0 = time.monotonic()
    rnd = load_round(path)
    t_load = time.monotonic() - t0
    if rnd.policy.place_unranked:
        raise SystemExit("baseline_flow: place_unranked is not supported by this baseline")
    if rnd.policy.objective != "optimal":
        raise SystemExit("baseline_flow: only the `optimal` objective is modelled")

    t1 = time.monotonic()
    a = build_arrays(rnd)
    prefs = preference_arcs(rnd, a)
    k = rnd.policy.max_preferences
    t_eligibility = time.monotonic() - t1

    t2 = time.monotonic()
    s_arc, o_arc, r_arc = prefs.student, prefs.offer, prefs.rank
    ps = np.array([a.student_index[p.student_id] for p in rnd.pinned], dtype=np.int64)
    po = np.array([a.offer_index[p.offer_id] for p in rnd.pinned], dtype=np.int64)
    listed_rank = dict(zip(zip(s_arc.tolist(), o_arc.tolist(), strict=True), r_arc.tolist(),
                           strict=True))
    pr = np.array([listed_rank.get((s, o), k + 1) for s, o in zip(ps.tolist(), po.tolist(),
                                                                  strict=True)], dtype=np.int64)
    is_pinned = np.zeros(a.n_students, dtype=np.bool_)
    is_pinned[ps] = True
    keep = ~is_pinned[s_arc]
    s_arc, o_arc, r_arc = s_arc[keep], o_arc[keep], r_arc[keep]
    used = np.bincount(po, minlength=a.n_offers)
    used_open = np.bincount(po[~a.s_priority[ps]], minlength=a.n_offers)
    env_of = a.o_environment[po]
    env_used = np.bincount(env_of[env_of >= 0], minlength=a.n_environments)
    capacity = a.o_capacity - used
    open_capacity = np.minimum(a.o_capacity - a.o_reserved - used_open, capacity)
    env_capacity = a.e_capacity - env_used
    if capacity.min(initial=0) < 0 or open_capacity.min(initial=0) < 0 or env_capacity.min(
            initial=0) < 0:
        raise SystemExit("baseline_flow: the pinned placements alone break a capacity")
    students = np.unique(s_arc)  # students without an eligible counted entry stay unplaced
    m = int(students.size)
    local = np.full(a.n_students, -1, dtype=np.int64)
    local[students] = np.arange(m)
    prio = a.s_priority[students]
    if not rnd.policy.priority_first:
        prio = np.zeros_like(prio)
    m2 = (k - 1) * m + 1
    m1 = m2 * m + (k - 1) * m + 1 if prio.any() else 0

    n_off = a.n_offers
    has_open = a.o_reserved > 0
    open_node = np.full(n_off, -1, dtype=np.int64)
    n_open = int(has_open.sum())
    open_node[has_open] = m + n_off + np.arange(n_open)
    env_base = m + n_off + n_open
    sink = env_base + a.n_environments
    n_nodes = sink + 1

    via_open = ~a.s_priority[s_arc] & has_open[o_arc]
    a_head = np.where(via_open, open_node[o_arc], m + o_arc)
    offer_out = np.where(a.o_environment >= 0, env_base + a.o_environment, sink)
    tails = np.concatenate((local[s_arc], np.arange(m), open_node[has_open],
                            m + np.arange(n_off), env_base + np.arange(a.n_environments)))
    heads = np.concatenate((a_head, np.full(m, sink), m + np.flatnonzero(has_open), offer_out,
                            np.full(a.n_environments, sink)))
    caps = np.concatenate((np.ones(s_arc.size, np.int64), np.ones(m, np.int64),
                           open_capacity[has_open], capacity, env_capacity))
    costs = np.concatenate((r_arc - 1, m2 + m1 * prio.astype(np.int64),
                            np.zeros(n_open + n_off + a.n_environments, np.int64)))
    max_cost = m2 + m1
    worst_total = m * max_cost
    if worst_total > INT64_MAX or max_cost * (n_nodes + 1) > INT64_MAX:
        raise SystemExit(f"baseline_flow: big-M costs overflow 64 bits (M1={m1}, M2={m2}, "
                         f"{n_nodes} nodes)")
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[:m] = 1
    supply[sink] = -m
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int64),
                                                     heads.astype(np.int64),
                                                     caps.astype(np.int64),
                                                     costs.astype(np.int64))
    smcf.set_nodes_supplies(np.arange(n_nodes), supply)
    t_build = time.monotonic() - t2

    t3 = time.monotonic()
    status = smcf.solve()
    t_solve = time.monotonic() - t3
    ok = status == smcf.OPTIMAL
    out: dict[str, object] = {
        "method": "baseline_flow",
        "status": "optimal" if ok else f"status_{status}",
        "students": a.n_students,
        "offers": a.n_offers,
        "arcs": int(tails.size),
        "nodes": int(n_nodes),
        "assignment_arcs": int(s_arc.size),
        "pinned": int(ps.size),
        "M1": int(m1),
        "M2": int(m2),
        "load_seconds": round(t_load, 4),
        "eligibility_seconds": round(t_eligibility, 4),
        "build_seconds": round(t_build, 4),
        "solve_seconds": round(t_solve, 4),
    }
    if ok:
        flow = smcf.flows(arcs)[: s_arc.size]
        chosen = flow > 0
        ranks = np.concatenate((pr, r_arc[chosen]))
        placed_s = np.concatenate((ps, s_arc[chosen]))
        profile = np.bincount(ranks - 1, minlength=k + 1)[: k + 1]
        out.update(
            placed=int(placed_s.size),
            placed_priority=int(a.s_priority[placed_s].sum()),
            rank_sum=int(ranks.sum()),
            rank_profile=[int(x) for x in profile],
            optimal_cost=int(smcf.optimal_cost()),
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    out = solve(args.round)
    out["in_process_seconds"] = round(time.monotonic() - t0, 4)
    Path(args.output).write_text(json.dumps(out) + "\n", encoding="utf-8")
    print(f"baseline_flow: {out['status']} placed {out.get('placed')} priority "
          f"{out.get('placed_priority')} rank sum {out.get('rank_sum')} "
          f"(build {out['build_seconds']} s, solve {out['solve_seconds']} s)", file=sys.stderr)
    return 0 if out["status"] == "optimal" else 1


if __name__ == "__main__":
    sys.exit(main())
