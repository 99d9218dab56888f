"""``allocate(round) -> Result``: data → model → solve → extract, as separate steps.

The problem's arrays (``solver.problem``) feed either deferred acceptance (``solver.stable``)
or the flow networks (``solver.network``); ``solver.explain`` and ``solver.shortage`` turn
the allocation into a result.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from . import explain, stable
from .model import FEASIBLE, OPTIMAL, Result, Round
from .problem import build_problem
from .verify import blocking_pairs

# progress(step, fraction): the step just reached and the share of the work done, 0..1.
Progress = Callable[[str, float], None]


# The flow stages and the shortage analysis hand their networks to forked workers through
# module globals (solver.flow, solver.shortage): one allocation at a time per process may use
# them, so concurrent callers (job threads, tests) wait their turn instead of swapping them.
_FLOW_LOCK = threading.Lock()


def _no_progress(_step: str, _fraction: float) -> None:
    pass


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

    # OR-Tools takes a few tenths of a second to import; a stable round never needs it.
    from .network import solve as solve_networks
    from .shortage import ShortageAnalysis, lost_students

    with _FLOW_LOCK:
        solved = solve_networks(p, report)
        report("explaining", 0.9)
        status = OPTIMAL if solved.proven else FEASIBLE
        message = "" if solved.proven else (
            f"time limit of {rnd.policy.time_limit_s:g} s reached: the allocation is valid and "
            "optimal for the stages finished, not proven optimal for the rest")
        # On a large round the shortage analysis runs in forked workers while this process
        # writes the explanation: the two took a fifth of a province run one after the other.
        analysis = (ShortageAnalysis(p, lost_students(p, solved.picked), solved.models)
                    if shortage else None)
        try:
            result = explain.build_result(p, solved.picked, status, solved.proven, build,
                                          solved.seconds, message)
        finally:
            cells = analysis.cells() if analysis is not None else []
    if shortage:
        result = replace(result, shortage=tuple(cells))
    if any(rnd.company_rankings.values()):
        # Companies ranked students: show how far this allocation is from stable.
        blocking = blocking_pairs(rnd, result.assignments)
        result = replace(result, stats=replace(result.stats, blocking_pairs=blocking))
    report("done", 1.0)
    return result


__all__ = ["Progress", "allocate"]
