"""CPU seconds of one ``leerplek solve``: the main process (the critical path) and its workers.

On a shared machine wall times swing with the load; the CPU time of the process that runs
every serial step is steadier. Runs the command in this process, exactly as ``python -m
solver.cli solve ROUND -o OUT`` would after its imports, and prints the main process's CPU
(user + sys, imports of the engine included, interpreter start not), the CPU of the forked
workers it waited for, and the peak RSS of the main process.

Usage: ``PYTHONPATH=. python bench/solve_cpu.py ROUND.json -o OUT.json``; point PYTHONPATH
at a snapshot of ``solver/`` to measure other code the same way.
"""

from __future__ import annotations

import argparse
import os
import resource
import runpy
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    sys.argv = ["leerplek", "solve", args.round, "-o", args.output]
    t0 = time.process_time()
    try:
        runpy.run_module("solver.cli", run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    main_cpu = time.process_time() - t0
    children = os.times()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"main process {main_cpu:.3f} CPU s, workers "
          f"{children.children_user + children.children_system:.3f} CPU s, "
          f"max RSS {rss:.0f} MB, load {load:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
