"""Two server set-ups under the same preference load, alternated on one database.

On a host whose speed moves by a third within an hour (docs/PERFORMANCE.md), two runs of
``bench_api.py`` minutes apart compare the hours as much as the code. This bench imports a
round once (as ``bench_api.py`` does), then alternates the variants in short segments,
A B A B …: each segment starts gunicorn for one variant, sends ``--warmup`` PUTs (connections
opened, statements prepared, not counted), then loads it for ``--seconds`` and stops it.
Paired segments run within a minute of each other, so their ratio is what the set-ups
differ by; the median of the ratios over ``--rounds`` pairs is the figure.

A variant is ``NAME[:class=C][,threads=N][,workers=N][,tree=PATH][,venv=PATH]``: a gunicorn
worker class (default ``service.serving.ProblemThreadWorker``), its threads (4) and workers
(2), a source tree to serve from (default this checkout; another, e.g. ``git archive
<commit> | tar -x -C /tmp/old``, must have the same database schema) and the virtual
environment whose gunicorn (and so Python) serves it (default this interpreter's). Every
acknowledged list must be stored exactly once: at the end each student's stored list is
compared with the last list the service acknowledged for them (or the imported one).

Example: ``PYTHONPATH=. .venv/bin/python bench/bench_api_ab.py --variant new
--variant old:tree=/tmp/old --redis redis://127.0.0.1:6379/11``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_api import (  # noqa: E402  (the checkout, put on the path above)
    CpuMeter,
    encode_puts,
    free_port,
    fresh_database,
    import_round,
    load,
    seed_reference_data,
    start_gunicorn,
    tokens,
)


@dataclass(frozen=True)
class Variant:
    name: str
    worker_class: str = "service.serving.ProblemThreadWorker"
    threads: int = 4
    workers: int = 2
    tree: Path = ROOT
    venv: Path | None = None

    @classmethod
    def parse(cls, text: str) -> Variant:
        """``NAME[:class=C][,threads=N][,workers=N][,tree=PATH][,venv=PATH]``."""
        name, _, spec = text.partition(":")
        values: dict[str, Any] = {}
        for item in filter(None, spec.split(",")):
            key, eq, value = item.partition("=")
            if not eq or key not in ("class", "threads", "workers", "tree", "venv"):
                raise ValueError(f"not class=, threads=, workers=, tree= or venv=: {item!r}")
            values[key] = value
        tree = Path(values.get("tree", ROOT)).resolve()
        if not name or not (tree / "service" / "app.py").is_file():
            raise ValueError(f"no name, or {tree} holds no service/app.py: {text!r}")
        venv = Path(values["venv"]).resolve() if "venv" in values else None
        if venv is not None and not (venv / "bin" / "gunicorn").is_file():
            raise ValueError(f"{venv} has no bin/gunicorn: {text!r}")
        return cls(name, values.get("class", cls.worker_class),
                   int(values.get("threads", cls.threads)),
                   int(values.get("workers", cls.workers)), tree, venv)


def stored_lists(url: str, round_id: int) -> dict[int, list[int]]:
    import psycopg

    lists: dict[int, list[int]] = {}
    with psycopg.connect(url) as conn:
        for student_id, offer_id in conn.execute(
                "SELECT student_id, offer_id FROM preferences WHERE round_id = %s "
                "ORDER BY student_id, rank", (round_id,)):
            lists.setdefault(student_id, []).append(offer_id)
    return lists


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", action="append", required=True, type=Variant.parse,
                        help="NAME[:class=C][,threads=N][,workers=N][,tree=PATH][,venv=PATH]"
                             "; give two or more")
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="leerplek_bench_ab")
    parser.add_argument("--redis", default=None, help="REDIS_URL for gunicorn")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4, help="segments per variant")
    parser.add_argument("--seconds", type=float, default=10.0, help="per segment")
    parser.add_argument("--warmup", type=int, default=300, help="uncounted PUTs per segment")
    args = parser.parse_args()
    if len(args.variant) < 2 or len({v.name for v in args.variant}) != len(args.variant):
        parser.error("give two or more --variant with distinct names")

    from seeds.generator import generate_round
    from service.migrate import upgrade

    url = fresh_database(args.server, args.database)
    upgrade(url)
    seed_reference_data(url)
    doc = generate_round(args.students, seed=args.seed)
    env = {"REDIS_URL": args.redis} if args.redis else None
    port = free_port()
    first = args.variant[0]
    server = start_gunicorn(url, port, first.workers, env=env,
                            worker_class=first.worker_class, threads=first.threads)
    try:
        (admin,) = tokens(url, "admin", [""])
        imported, exported, _seconds = import_round(port, admin, json.dumps(doc).encode())
        round_id = imported["round"]["id"]
    finally:
        server.terminate()
        server.wait(30)
    students = [s for s in exported["students"] if s["preferences"]]
    student_tokens = tokens(url, "student", [f"student:{s['id']}" for s in students])
    # Each student's list in reverse, then (when every student has sent once) back again:
    # every submission is a change, so each writes its audit event too.
    jobs: list[tuple[str, str, Any]] = []
    for flip in (True, False):
        jobs += [(f"/api/v1/rounds/{round_id}/preferences/{s['id']}", token,
                  {"offers": [int(o) for o in (reversed(s["preferences"]) if flip
                                               else s["preferences"])]})
                 for s, token in zip(students, student_tokens, strict=True)]
    requests = encode_puts(port, jobs)
    print(f"{len(students)} students with a list; segments of {args.seconds:g} s after "
          f"{args.warmup} uncounted PUTs, {args.clients} clients, "
          f"Redis {args.redis or 'none'}")
    acknowledged: dict[str, list[int]] = {}
    results: dict[str, list[dict[str, Any]]] = {v.name: [] for v in args.variant}
    used = 0
    for k in range(args.rounds):
        for variant in args.variant:
            server = start_gunicorn(url, port, variant.workers, env=env,
                                    worker_class=variant.worker_class,
                                    threads=variant.threads, root=variant.tree,
                                    venv=variant.venv)
            try:
                for counted in (False, True):
                    meter = CpuMeter(url, server, args.redis)
                    before = meter.read()
                    part = requests[used:] if counted else requests[used:used + args.warmup]
                    result = load(port, part, args.clients,
                                  args.seconds if counted else 3600.0)
                    cpu = CpuMeter.spent(before, meter.read())
                    for index, raw in result.pop("acknowledged"):
                        acknowledged[jobs[used + index][0]] = json.loads(raw)["offers"]
                    used += result["requests"]
                    if counted:
                        result["cpu_ms"] = {p: 1000 * s / max(1, result["requests"])
                                            for p, s in cpu.items()}
                        results[variant.name].append(result)
                    if used >= len(requests):
                        raise SystemExit("out of submissions: fewer --rounds or --seconds")
            finally:
                server.terminate()
                server.wait(30)
            r = results[variant.name][-1]
            print(f"round {k + 1} {variant.name}: {r['per_second']:.0f}/s, p99 "
                  f"{r['p99_ms']:.1f} ms, statuses {r['statuses']}, CPU per PUT (ms) "
                  + ", ".join(f"{p} {ms:.2f}" for p, ms in r["cpu_ms"].items()), flush=True)
    base = args.variant[0].name
    for variant in args.variant:
        runs = results[variant.name]
        rates = [r["per_second"] for r in runs]
        cpu_ms = statistics.median(sum(r["cpu_ms"].values()) for r in runs)
        line = (f"{variant.name} ({variant.workers} x {variant.worker_class}, "
                f"{variant.threads} thread(s), {variant.tree}, "
                f"{variant.venv or Path(sys.executable).parent.parent}): "
                f"median {statistics.median(rates):.0f}/s "
                f"(min {min(rates):.0f}, max {max(rates):.0f}), p99 max "
                f"{max(r['p99_ms'] for r in runs):.1f} ms, median CPU per PUT {cpu_ms:.2f} ms")
        if variant.name != base:
            ratios = [r["per_second"] / b["per_second"]
                      for r, b in zip(results[variant.name], results[base], strict=True)]
            line += (f"; against {base}, pair by pair: "
                     + " ".join(f"{x:.2f}" for x in ratios)
                     + f" (median {statistics.median(ratios):.2f})")
        print(line)
    # Every acknowledged list is stored, once; every other student kept the imported one.
    stored = stored_lists(url, round_id)
    wrong = [s["id"] for s in students
             if stored.get(int(s["id"]), []) != acknowledged.get(
                 f"/api/v1/rounds/{round_id}/preferences/{s['id']}",
                 [int(o) for o in s["preferences"]])]
    print(f"stored lists: {len(students) - len(wrong)} as acknowledged, {len(wrong)} not")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
