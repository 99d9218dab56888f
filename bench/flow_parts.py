"""CPU seconds of one min-cost flow stage solved whole or per component (issue 16).

Builds the round's network, runs the placement stages as the engine does, and then solves
the next stage (``rank_sum`` for ``optimal`` rounds) with OR-Tools in one process: once as
one network, and once per part of at most N arcs (components, small ones packed together)
for each N given. Every variant must reach the same optimal cost; CPU is
``time.process_time`` of this process (no workers), so the figures hold on a busy machine
better than wall time does.

Usage: ``PYTHONPATH=. python bench/flow_parts.py ROUND.json [--parts 10000,30000]
[--repeat 2]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from solver import document, flow  # noqa: E402
from solver.network import build_network, components, stage_costs  # noqa: E402
from solver.problem import build_problem  # noqa: E402


def _solve(net: flow.Network, costs: flow.IntArray, arcs: flow.IntArray,
           supply: flow.IntArray) -> int:
    nodes = np.unique(np.concatenate((net.tail[arcs], net.head[arcs])))
    nodes = nodes[(nodes != net.sink) & (supply[nodes] != 0)]
    local = supply[nodes]
    f = flow._min_cost_flow(net.tail[arcs], net.head[arcs], net.upper[arcs] - net.lower[arcs],
                            costs[arcs], np.append(nodes, net.sink),
                            np.append(local, -local.sum()))
    return int(costs[arcs] @ f)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round")
    parser.add_argument("--parts", default="10000,30000,100000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    rnd = document.load_round(args.round)
    gc.freeze()
    p = build_problem(rnd)
    for batch in components(p):
        model = build_network(p, batch)
        net = model.net
        stages = stage_costs(p, model)
        placement = sum(name in ("priority_placed", "placed") for name, _ in stages)
        flow_now = flow.max_placement_flow(net)
        for _, costs in stages[:placement]:
            flow.restrict_to_optimal(net, flow_now, costs)
        name, costs = stages[placement]
        supply = flow._balance(net)
        free = np.flatnonzero(net.upper > net.lower)
        print(f"stage {name}: {free.size:,} free arcs of {net.tail.size:,}", flush=True)
        for rep in range(args.repeat):
            t0 = time.process_time()
            whole = _solve(net, costs, free, supply)
            print(f"  [{rep + 1}] whole network   {time.process_time() - t0:7.3f} s CPU  "
                  f"cost {whole}", flush=True)
            for size in (int(s) for s in args.parts.split(",") if s):
                flow.PART_ARCS = size
                t0 = time.process_time()
                parts = flow._parts(net, free)
                total = sum(_solve(net, costs, part, supply) for part in parts)
                print(f"  [{rep + 1}] parts <= {size:>7,} {time.process_time() - t0:7.3f} s CPU  "
                      f"cost {total} ({len(parts)} parts)", flush=True)
                if total != whole:
                    raise SystemExit("the parts did not reach the whole network's optimum")
    return 0


if __name__ == "__main__":
    sys.exit(main())
