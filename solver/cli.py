"""The ``leerplek`` command (engine part: solve, verify, generate). Imports no web framework."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from .compare import compare
from .document import DocumentError, load_result, load_round, result_to_json
from .engine import allocate
from .gcpause import gc_paused
from .model import OBJECTIVES, Result
from .verify import verify

EXIT_BAD_INPUT = 2


def write_json(data: Any, out: str | None) -> None:
    write_bytes(msgspec.json.encode(data), out)


def write_bytes(text: bytes, out: str | None) -> None:
    """A compact UTF-8 JSON document to the file ``out``, or to stdout."""
    if out is None or out == "-":
        stdout = getattr(sys.stdout, "buffer", None)  # absent when stdout is redirected to text
        if stdout is None:
            sys.stdout.write(text.decode() + "\n")
        else:
            sys.stdout.flush()
            stdout.write(text + b"\n")
            stdout.flush()
    else:
        Path(out).write_bytes(text + b"\n")


def _report(result: Result) -> str:
    st = result.stats
    lines = [
        f"round {result.round_id}: {result.objective} → {result.status}"
        + (" (proven)" if result.proven else ""),
        f"  placed {st.placed}/{st.students} ({100 * st.placed / max(st.students, 1):.1f}%), "
        f"priority {st.placed_priority}/{st.priority_students}, pinned {st.pinned}",
        f"  rank profile {list(st.rank_profile)}, mean rank "
        + ("-" if st.mean_rank is None else f"{st.mean_rank:.3f}")
        + f", unranked {st.unranked_placed}"
        + ("" if st.blocking_pairs is None else f", blocking pairs {st.blocking_pairs}"),
        f"  build {st.build_seconds:.2f} s, solve {st.solve_seconds:.2f} s, "
        f"warnings {len(result.warnings)}",
    ]
    reasons: dict[str, int] = {}
    for u in result.unassigned:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    if reasons:
        lines.append("  unplaced: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    for cell in result.shortage[:5]:
        lines.append(f"  shortage {cell.region}/{cell.sector}/level {cell.level}: unlimited "
                     f"seats would place {cell.would_place} more students "
                     f"({cell.unplaced_students} unplaced ones listed an offer there)")
    if result.message:
        lines.append(f"  note: {result.message}")
    for c in result.comparison:
        lines.append(f"  compare {c.objective:12s} {c.status:9s} placed {c.placed} "
                     f"priority {c.placed_priority} rank sum {c.rank_sum} "
                     f"blocking {c.blocking_pairs if c.blocking_pairs is not None else '-'} "
                     f"({c.seconds:.2f} s)")
    return "\n".join(lines)


def cmd_solve(args: argparse.Namespace) -> int:
    # One command, then the process ends: no cyclic garbage collection at all while it runs.
    # Pausing only the reading (as load_round does) still left the round's million objects in
    # the youngest generation, and the first collections after it walked them all again:
    # 0.12-0.16 of 2.8 CPU s of a 60k solve (docs/PERFORMANCE.md, issue 16). The round, the
    # result and the engine's objects hold no reference cycles; they are freed as before
    # when their last reference goes.
    with gc_paused():
        rnd = load_round(args.round)
        # Frozen, the round is not walked by the collection at exit either.
        gc.freeze()
        if args.objective:
            rnd = replace(rnd, policy=replace(rnd.policy, objective=args.objective))
        result = allocate(rnd, shortage=not args.no_shortage)
        if args.compare:
            result = replace(result, comparison=compare(rnd))
        write_bytes(result_to_json(result), args.output)
    if args.output not in (None, "-"):
        print(_report(result), file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    rnd = load_round(args.round)
    result = load_result(args.result)
    policy = rnd.policy
    if result.objective in OBJECTIVES and result.objective != policy.objective:
        # `solve --objective X` overrides the round's policy: check the result against the
        # objective it was made with, as everything else about it is checked.
        rnd = replace(rnd, policy=replace(policy, objective=result.objective))
        print(f"checking against objective {result.objective!r} (the round's policy says "
              f"{policy.objective!r})", file=sys.stderr)
    problems = verify(rnd, result)
    for problem in problems[:200]:
        print(problem)
    if problems:
        print(f"{len(problems)} problems found", file=sys.stderr)
        return 1
    print(f"ok: {len(result.assignments)} assignments and all statistics check out")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    # Importing the generator and its reference data takes about 0.3 s; only `generate` pays.
    from seeds.generator import generate_round

    t0 = time.monotonic()
    doc = generate_round(args.students, args.seed)
    if args.objective:
        doc["policy"]["objective"] = args.objective
    write_json(doc, args.output)
    if args.output not in (None, "-"):
        print(f"generated {len(doc['students'])} students and {len(doc['offers'])} offers "
              f"in {time.monotonic() - t0:.1f} s → {args.output}", file=sys.stderr)
    return 0


def positive(text: str) -> int:
    value = _natural(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def build_parser(
    extra: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = None,
) -> argparse.ArgumentParser:
    """The command's parser; ``extra`` lets the service add its commands (db, serve, ...)."""
    parser = argparse.ArgumentParser(prog="leerplek",
                                     description="Placement matching for mbo workplace learning")
    sub = parser.add_subparsers(dest="command", required=True)
    if extra is not None:
        extra(sub)

    p = sub.add_parser("solve", help="allocate a leerplek-round/1 document")
    p.add_argument("round", help="round document (JSON)")
    p.add_argument("-o", "--output", help="result document to write (default: stdout)")
    p.add_argument("--compare", action="store_true",
                   help="also solve under every objective and report the price of each")
    p.add_argument("--objective", choices=OBJECTIVES, help="override the policy's objective")
    p.add_argument("--no-shortage", action="store_true",
                   help="skip the shortage analysis (where extra seats would place more "
                        "students); the result's shortage list is then empty")
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("verify", help="check a result against its round, independently")
    p.add_argument("round")
    p.add_argument("result")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("generate", help="a synthetic Overijssel round, calibrated")
    p.add_argument("--students", type=positive, default=6000)
    p.add_argument("--seed", type=_natural, default=0)
    p.add_argument("--objective", choices=OBJECTIVES)
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_generate)
    return parser


def main(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    args = (parser or build_parser()).parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except DocumentError as exc:
        if len(exc.errors) == 1:
            print(f"leerplek: {exc.title}: {exc.errors[0]}", file=sys.stderr)
        else:
            print(f"leerplek: {exc.title}, {len(exc.errors)} errors:", file=sys.stderr)
            for err in exc.errors:
                print(f"  {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FileNotFoundError as exc:
        print(f"leerplek: no such file: {exc.filename}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        print(f"leerplek: cannot read input: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
