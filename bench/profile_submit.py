"""One preference submission, counted: SQL statements and Python CPU per PUT, in process.

Sends ``--requests`` ``PUT /rounds/{id}/preferences/{sid}`` through the Flask test client
(no gunicorn, no sockets of its own) to the newest round of an existing database, each with
its own new student token and the student's stored list in reverse (a change, so each is
audited). Prints requests, statuses, SQL statements per PUT (a ``before_cursor_execute``
listener) and the process's CPU time per PUT, which the machine's load moves far less than
wall time. ``--profile FILE`` also writes a cProfile (CPU time) of the same work.

On SQLite (``--database sqlite:///FILE``, e.g. a file ``make seed`` made: ``DATABASE_URL=
sqlite:///FILE make seed N=20000``) the connections run as the demo's (WAL,
``synchronous=NORMAL``). Or use the database ``bench/bench_api.py`` leaves behind (its
round is open), e.g. ``PYTHONPATH=. .venv/bin/python bench/profile_submit.py --database
postgresql://postgres@127.0.0.1:5432/leerplek_bench_submit16 --redis
redis://127.0.0.1:6379/11``. Its lists change: run it on a bench database only.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.proccpu import total_cpu_s  # noqa: E402  (the checkout, put on the path above)

if TYPE_CHECKING:
    from flask import Flask


def backends_cpu_s(url: str) -> float:
    """CPU seconds so far of the PostgreSQL backends of ``url``'s database (same machine;
    0 for SQLite), read from /proc: what the database spends on the submissions."""
    if not url.startswith("postgresql"):
        return 0.0
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        pids = [pid for (pid,) in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")]
    return total_cpu_s(pids)


def reversed_lists(app: Flask, skip: int, count: int) -> list[tuple[str, str, str]]:
    """``count`` submissions (path, token, JSON body) to the newest round of ``app``'s
    database: students after the first ``skip`` with stored lists, each with a new token of
    its own and its list in reverse (a change, so each is audited)."""
    from sqlalchemy import select

    from service.extensions import db
    from service.identity.tokens import issue_tokens
    from service.models import Preference, Round

    with app.app_context():
        round_id = db.session.scalar(select(Round.id).order_by(Round.id.desc()))
        lists: dict[int, list[int]] = {}
        for student_id, offer_id in db.session.execute(
                select(Preference.student_id, Preference.offer_id)
                .where(Preference.round_id == round_id)
                .order_by(Preference.student_id, Preference.rank)):
            lists.setdefault(student_id, []).append(offer_id)
        chosen = list(lists.items())[skip:skip + count]
        with db.transaction() as session:
            tokens = issue_tokens(session, "student", [f"student:{s}" for s, _ in chosen])
    return [(f"/api/v1/rounds/{round_id}/preferences/{s}", token,
             json.dumps({"offers": offers[::-1]}))
            for (s, offers), token in zip(chosen, tokens, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a bench database")
    parser.add_argument("--redis", default=None, help="REDIS_URL (default: none)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--skip", type=int, default=3000, help="students to skip first")
    parser.add_argument("--profile", default=None, help="write a CPU-time cProfile here")
    args = parser.parse_args()

    from sqlalchemy import event

    from service.app import create_app
    from service.demo import fast_sqlite
    from service.extensions import db

    config: dict[str, Any] = {"DATABASE_URL": args.database}
    if args.redis:
        config["REDIS_URL"] = args.redis
    app = create_app(config)
    if args.database.startswith("sqlite"):
        # As ``make demo`` runs SQLite (service.demo.fast_sqlite): the write-ahead log
        # without a disk flush per commit, so the figures are the demo's PUTs.
        with app.app_context():
            event.listen(db.engine, "connect", fast_sqlite)
    warm = 20
    work = reversed_lists(app, args.skip, warm + 2 * args.requests)
    with app.app_context():
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
    client = app.test_client()

    def run(part: list[tuple[str, str, str]]) -> dict[int, int]:
        statuses: dict[int, int] = {}
        for path, token, body in part:
            response = client.put(path, data=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        return statuses

    run(work[:warm])
    statements.clear()
    measured = work[warm:warm + args.requests]
    server = backends_cpu_s(args.database)
    cpu, wall = time.process_time(), time.perf_counter()
    statuses = run(measured)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server = backends_cpu_s(args.database) - server
    n = len(measured)
    print(f"{n} PUTs, statuses {statuses}: {len(statements) / n:.1f} SQL statements and "
          f"{1000 * cpu / n:.1f} ms of CPU each (PostgreSQL backends "
          f"{1000 * server / n:.2f} ms), {1000 * wall / n:.1f} ms wall each")
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.runcall(run, work[warm + args.requests:])
        profile.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
