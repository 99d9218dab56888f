"""Where ``leerplek solve`` spends its time: the CLI's steps, with the engine's parts timed.

Does what ``leerplek solve ROUND -o OUT`` does (load, allocate, serialise, write) and wraps
the engine's internal functions with timers, by rebinding module attributes at run time:
nothing in ``solver/`` is changed. Run as its own process by the bench; its timings are for
the breakdown only, the targets are judged on the plain ``leerplek solve`` process.

Usage: ``python bench/leerplek_stages.py ROUND.json -o OUT.json [--objective stable] [--cpu]``;
``--cpu`` times each part by the CPU of this (the main) process instead of the wall clock,
which is steadier on a shared machine; forked workers' CPU is then not in the figures.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import inspect
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so the bench can point at a code snapshot

from solver import cli, document, engine, explain, flow, stable  # noqa: E402


def _module(name: str) -> Any:
    """A solver module that may not exist in the code under test (``--before`` runs)."""
    try:
        return importlib.import_module(f"solver.{name}")
    except ModuleNotFoundError:
        return None


network, shortage = _module("network"), _module("shortage")

SECONDS: dict[str, float] = defaultdict(float)
CLOCK = time.monotonic  # time.process_time with --cpu
CALLS: dict[str, int] = defaultdict(int)


def _timed(module: Any, name: str, label: str) -> None:
    inner = getattr(module, name, None)
    if inner is None:  # the engine is in flux: time what exists
        return
    if getattr(inner, "__wrapped__", None) is not None:
        return  # already timed under another module

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = CLOCK()
        try:
            return inner(*args, **kwargs)
        finally:
            SECONDS[label] += CLOCK() - t0
            CALLS[label] += 1

    setattr(module, name, wrapper)


def instrument() -> None:
    # Where a function lives changed over time: the newer module first, then the older.
    _timed(engine, "build_problem", "problem.build_problem (eligibility, arcs)")
    for where in (network, engine):
        _timed(where, "components", "network.components")
        _timed(where, "build_network", "network.build_network")
        _timed(where, "stage_costs", "network.stage_costs")
        _timed(where, "solve_lexicographic", "flow.solve_lexicographic (all stages)")
    _timed(flow, "_solve", "  flow._solve (OR-Tools min-cost flow, incl. forked workers)")
    # Since issue 16 the stages after placement run per part, each with its own duals.
    _timed(flow, "_solve_chain", "  flow._solve_chain (min-cost flow stages and duals per part, "
                                 "incl. forked workers)")
    _timed(flow, "max_placement_flow", "  flow.max_placement_flow (max flow)")
    _timed(flow, "potentials", "  flow.potentials (duals, numpy)")
    _timed(flow, "close_dead_arcs", "  flow.close_dead_arcs")
    problem = _module("problem")
    if problem is not None:
        _timed(problem, "build_arrays", "  eligibility.build_arrays")
        _timed(problem, "preference_arcs", "  eligibility.preference_arcs")
    _timed(explain, "build_result", "explain.build_result (all)")
    _timed(explain, "reasons", "  explain.reasons")
    _timed(shortage, "shortage_cells", "shortage.shortage_cells")
    analysis = getattr(shortage, "ShortageAnalysis", None)  # since issue 16: started early
    if analysis is not None:
        _timed(analysis, "__init__", "shortage.ShortageAnalysis (start: cells, residuals, fork)")
        _timed(analysis, "cells", "shortage.ShortageAnalysis.cells (waiting for the workers)")
    _timed(explain, "shortage_cells", "shortage.shortage_cells")
    _timed(explain, "assignments_from", "  problem.assignments_from")
    _timed(engine, "assignments_from", "  problem.assignments_from")
    _timed(stable, "deferred_acceptance", "stable.deferred_acceptance")
    _timed(stable, "count_blocking", "stable.count_blocking")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--objective", choices=("optimal", "rank_maximal", "stable"))
    parser.add_argument("--result", help="where to write the result document "
                                         "(default: OUT.result.json)")
    parser.add_argument("--cpu", action="store_true",
                        help="CPU seconds of this process instead of wall seconds")
    args = parser.parse_args(argv)
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    instrument()
    _timed(engine, "blocking_pairs", "verify.blocking_pairs (company rankings only)")

    t_all = CLOCK()
    t0 = CLOCK()
    rnd = document.load_round(args.round)
    SECONDS["load_round (read + parse JSON + validate)"] = CLOCK() - t0
    solve_source = inspect.getsource(cli.cmd_solve)
    if "gc_paused()" in solve_source:
        gc.disable()  # as this version's `leerplek solve` does, for the whole command
    if "gc.freeze()" in solve_source:
        gc.freeze()  # as this version's `leerplek solve` does
    if args.objective:
        rnd = replace(rnd, policy=replace(rnd.policy, objective=args.objective))
    t0 = CLOCK()
    result = engine.allocate(rnd)
    SECONDS["allocate (all)"] = CLOCK() - t0
    t0 = CLOCK()
    target = Path(args.result) if args.result else Path(args.output + ".result.json")
    # As this version's `leerplek solve` writes it.
    if hasattr(document, "result_to_json"):
        cli.write_bytes(document.result_to_json(result), str(target))
    else:
        cli._write_json(document.result_to_dict(result), str(target))
    SECONDS["result_to_json + write (as the CLI)"] = CLOCK() - t0
    total = CLOCK() - t_all
    out = {
        "total_in_process_seconds": round(total, 4),
        "stats_build_seconds": round(result.stats.build_seconds, 4),
        "stats_solve_seconds": round(result.stats.solve_seconds, 4),
        "status": result.status,
        "stages": {k: {"seconds": round(v, 4), "calls": CALLS.get(k, 1)}
                   for k, v in SECONDS.items()},
    }
    Path(args.output).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for k, v in sorted(SECONDS.items(), key=lambda kv: -kv[1]):
        print(f"{v:9.3f} s  {k}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
