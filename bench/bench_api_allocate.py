"""End-to-end allocation of a stored round through the job code: load, solve, write.

Generates a round (``seeds.generator.generate_round``), imports it into a fresh PostgreSQL
schema with ``service.rounds.imports.import_round`` (what ``POST /rounds/import`` does; timed
from the request body's bytes to the commit), closes it, then runs one allocation job exactly
as a worker would (``service.jobs.runner.execute``): load the round from the database, solve,
write the assignments and report in one transaction. Prints the import's time, the job's
phases and the share of the job spent outside the solver.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_jobs \\
        python bench/bench_api_allocate.py --students 60000 --seed 1

``--import-only`` stops after the import; ``--profile FILE`` writes a cProfile of it.
The schema ``leerplek_bench`` is dropped and rebuilt with the Alembic migrations each run.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import sys
import time
from typing import Any

from sqlalchemy import create_engine, text

from bench.proccpu import total_cpu_s
from seeds.generator import generate_round
from service.app import create_app
from service.config import normalise_database_url
from service.extensions import db
from service.identity.principals import Principal
from service.jobs import runner
from service.jobs.runner import execute, request_job
from service.migrate import upgrade
from service.models import Job, JobKind, Role, Round, RoundStatus
from service.rounds.imports import import_round
from service.seeding import seed_reference

SCHEMA = "leerplek_bench"


def fresh_schema(url: str) -> dict[str, Any]:
    """Engine options pointing every connection at an empty, migrated schema of our own."""
    admin = create_engine(normalise_database_url(url))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    engine = create_engine(normalise_database_url(url), **options)
    with engine.begin() as conn:
        upgrade(url, connection=conn)
    engine.dispose()
    return options


def server_cpu_s() -> float:
    """CPU seconds so far of the PostgreSQL backends serving this database (same machine).

    On a shared machine the wall time of an import is mostly waiting for a core; CPU seconds
    of this process and of its backends are what a quiet machine would spend."""
    with db.engine.connect() as conn:
        pids = list(conn.scalars(text("SELECT pid FROM pg_stat_activity "
                                      "WHERE datname = current_database()")))
    return total_cpu_s(pids)


def close_and_request_allocation(admin: Principal, round_id: int) -> int:
    """Close the imported round (its lists are in) and queue its allocation job; the job's
    id. In the app's context."""
    with db.transaction() as session:
        rnd = session.get(Round, round_id)
        assert rnd is not None
        rnd.status = RoundStatus.CLOSED.value
    with db.transaction() as session:
        rnd = session.get(Round, round_id)
        assert rnd is not None
        return request_job(session, admin, rnd, JobKind.ALLOCATE).id


def own_cpu_s() -> float:
    """CPU seconds of this process and its waited-for children (the engine's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


PHASE_CPU: dict[str, float] = {}


def cpu_timed(name: str, fn: Any) -> Any:
    """``fn`` recording the CPU seconds of this process and of the database backends it
    keeps busy, under ``name``: the job's load and write phases, without touching the job."""
    def timed(*args: Any, **kwargs: Any) -> Any:
        cpu0, server0 = own_cpu_s(), server_cpu_s()
        try:
            return fn(*args, **kwargs)
        finally:
            PHASE_CPU[f"{name}_cpu_s"] = round(own_cpu_s() - cpu0, 2)
            PHASE_CPU[f"{name}_server_cpu_s"] = round(server_cpu_s() - server0, 2)
    return timed


def storable(doc: dict[str, Any]) -> int:
    """Drop what the generator adds to exercise warnings and a stored round cannot hold.

    The generator repeats a few preferences and names a few unknown offers on purpose (the
    engine reports them as warnings); the database keeps one entry per offer, so those go.
    """
    offers = {o["id"] for o in doc["offers"]}
    dropped = 0
    for student in doc["students"]:
        kept = [ref for i, ref in enumerate(student["preferences"])
                if ref in offers and ref not in student["preferences"][:i]]
        dropped += len(student["preferences"]) - len(kept)
        student["preferences"] = kept
    return dropped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--import-only", action="store_true",
                        help="stop after the import (no allocation job)")
    parser.add_argument("--profile", metavar="FILE",
                        help="write a cProfile of the import (the importing process) to FILE")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        print("bench: a PostgreSQL --database-url (or TEST_DATABASE_URL) is needed",
              file=sys.stderr)
        return 2

    options = fresh_schema(args.database_url)
    app = create_app({"DATABASE_URL": args.database_url, "DATABASE_ENGINE_OPTIONS": options,
                      "JOBS_MODE": "eager"})
    admin = Principal(Role.ADMIN, "")
    doc = generate_round(args.students, seed=args.seed)
    dropped = storable(doc)
    with app.app_context():
        with db.transaction() as session:
            seed_reference(session)  # imports are checked against it
        # The document as the request body arrives: bytes, read by the import itself.
        body = json.dumps(doc).encode()
        cpu0, server0 = own_cpu_s(), server_cpu_s()
        t0 = time.monotonic()
        profile = cProfile.Profile() if args.profile else None
        with db.transaction() as session:
            if profile is not None:
                profile.enable()
            imported = import_round(session, admin, body)
            round_id = imported.round.id
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        import_s = time.monotonic() - t0
        import_cpu = (own_cpu_s() - cpu0, server_cpu_s() - server0)
        print(f"import: {imported.students_in_round} students, {imported.offers} offers, "
              f"{imported.preferences} preferences in {import_s:.2f} s "
              f"({len(body) / 1e6:.1f} MB, committed; {dropped} repeated or unknown "
              "entries dropped first)")
        print(f"  CPU: this process {import_cpu[0]:.2f} s, PostgreSQL {import_cpu[1]:.2f} s "
              f"(load average {os.getloadavg()[0]:.1f})")
        if args.import_only:
            print(json.dumps({"students": args.students, "import_s": round(import_s, 3),
                              "import_cpu_s": [round(x, 2) for x in import_cpu],
                              "loadavg_1min": os.getloadavg()[0]}))
            return 0
        job_id = close_and_request_allocation(admin, round_id)

    # Wrapped where the job looks them up; the write phase's CPU includes its commit only
    # as far as the backends' share goes.
    runner.round_model = cpu_timed("load", runner.round_model)  # type: ignore[attr-defined]
    runner.write_allocation = cpu_timed(  # type: ignore[attr-defined]
        "write", runner.write_allocation)  # type: ignore[attr-defined]
    with app.app_context():  # a fresh context, as a worker's task has
        cpu0, server0 = own_cpu_s(), server_cpu_s()
        t0 = time.monotonic()
        execute(job_id, "bench")
        wall = time.monotonic() - t0
        job_cpu = (own_cpu_s() - cpu0, server_cpu_s() - server0)
        job = db.session.get(Job, job_id)
        assert job is not None
        if job.status != "finished" or job.result is None:
            print(f"bench: the job {job.status}: {job.error}", file=sys.stderr)
            return 1
        result = job.result
        db.engine.dispose()
    t = result["timings"]
    outside = t["load_s"] + t["write_s"]
    print(f"round {round_id}: {result['students']} students, {result['placed']} placed "
          f"({result['placed_share']:.1%}), status {result['status']}")
    print(f"  load from database   {t['load_s']:8.2f} s")
    print(f"  solve (engine)       {t['solve_s']:8.2f} s   "
          f"(engine's own: build {result['solver_build_s']:.2f} s, "
          f"solve {result['solver_solve_s']:.2f} s; the rest is explanation)")
    print(f"  write assignments    {t['write_s']:8.2f} s   ({result['assignments']} rows)")
    print(f"  job total            {t['total_s']:8.2f} s   (execute() wall {wall:.2f} s, "
          "with claim and commit)")
    print(f"  CPU: this process {job_cpu[0]:.2f} s (engine workers included), "
          f"PostgreSQL {job_cpu[1]:.2f} s")
    print(f"  CPU of the load phase {PHASE_CPU['load_cpu_s']:.2f} s "
          f"(PostgreSQL {PHASE_CPU['load_server_cpu_s']:.2f} s), of the write "
          f"{PHASE_CPU['write_cpu_s']:.2f} s (PostgreSQL {PHASE_CPU['write_server_cpu_s']:.2f} s)")
    print(f"  outside the solver   {outside:8.2f} s = {outside / t['total_s']:.1%} of the job")
    print(json.dumps({"students": result["students"], "import_s": round(import_s, 3),
                      "import_cpu_s": [round(x, 2) for x in import_cpu],
                      "timings": t, "wall_s": round(wall, 3),
                      "job_cpu_s": [round(x, 2) for x in job_cpu], **PHASE_CPU,
                      "loadavg_1min": os.getloadavg()[0]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
