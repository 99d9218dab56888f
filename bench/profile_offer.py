"""Posting an offer, counted: SQL statements and Python CPU per ``POST /api/v1/offers``.

Builds a fresh database the way ``make demo`` prepares one before its companies post their
offers: the reference data, a generated province's companies and learning environments
(``service.seeding.seed_directory``) and a province-wide draft round (on SQLite a file in WAL
mode with ``synchronous=NORMAL``, as the demo's). Then sends ``--requests`` of the generated
offers through the Flask test client (no sockets), each with its company's token and the
body ``service.seeding.offer_record`` makes, as ``service.demo`` posts them. Prints
statuses, SQL statements per POST (a ``before_cursor_execute`` listener) with the most
frequent ones, and this process's CPU per POST (on PostgreSQL also its backends' CPU);
``--profile FILE`` also writes a cProfile (CPU time) of as many further POSTs (after the
measured ones, so the profiler's own cost stays out of the figures).

    PYTHONPATH=. .venv/bin/python bench/profile_offer.py --database /tmp/offers.sqlite
    PYTHONPATH=. .venv/bin/python bench/profile_offer.py \\
        --database postgresql://postgres@127.0.0.1:5432/bench_offers

``--database`` is a SQLite file (made afresh) or a PostgreSQL URL whose database is emptied
and migrated: a bench database only.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_submit import backends_cpu_s  # noqa: E402  (the checkout, put on the path above)


def fresh_url(database: str) -> str:
    """The database's URL after emptying it: a SQLite file deleted, a PostgreSQL schema
    dropped and made again."""
    if database.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
            # As a new database has it (PostgreSQL 15): tests that switch to a plain role
            # need to see the tables.
            conn.execute("ALTER SCHEMA public OWNER TO pg_database_owner")
            conn.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
        return database
    path = Path(database.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True,
                        help="SQLite file or PostgreSQL URL (emptied first)")
    parser.add_argument("--redis", default=None, help="REDIS_URL (default: none)")
    parser.add_argument("--students", type=int, default=6000,
                        help="size of the generated province whose offers are posted")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", default=None, help="write a CPU-time cProfile here")
    args = parser.parse_args()

    from sqlalchemy import event

    from seeds.generator import generate_round
    from service.app import create_app
    from service.demo import fast_sqlite
    from service.extensions import db
    from service.identity.principals import Principal
    from service.identity.tokens import issue_tokens
    from service.migrate import upgrade
    from service.models import Role
    from service.rounds.lifecycle import create_round
    from service.seeding import offer_record, seed_directory, seed_reference

    url = fresh_url(args.database)
    upgrade(url)
    config: dict[str, Any] = {"DATABASE_URL": url, "REDIS_URL": args.redis,
                              "JOBS_MODE": "eager", "MESSAGES_SWEEP_S": 0}
    if url.startswith("sqlite"):
        config["DATABASE_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 60}}
    app = create_app(config)
    doc = generate_round(args.students, seed=args.seed)
    warm = 20
    with app.app_context():
        if url.startswith("sqlite"):
            event.listen(db.engine, "connect", fast_sqlite)
            db.engine.dispose()
        with db.transaction() as session:
            seed_reference(session)
            directory = seed_directory(session, doc)
        with db.transaction() as session:
            round_id = create_round(session, Principal(Role.ADMIN, ""), {
                "name": "bench", "seed": 1, "max_preferences": 10}).id
        wanted = warm + args.requests * (2 if args.profile else 1)
        offers = doc["offers"][:wanted]
        if len(offers) < wanted:
            print(f"bench: the province has only {len(doc['offers'])} offers",
                  file=sys.stderr)
            return 2
        bodies = []
        for o in offers:
            body = offer_record(o, directory, round_id)
            bodies.append((body.pop("company_id"), json.dumps(body)))
        companies = sorted({c for c, _ in bodies})
        with db.transaction() as session:
            token_of = dict(zip(companies, issue_tokens(
                session, "company", [f"company:{c}" for c in companies]), strict=True))
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
    client = app.test_client()

    def run(part: list[tuple[int, str]]) -> Counter[int]:
        statuses: Counter[int] = Counter()
        for company, body in part:
            response = client.post("/api/v1/offers", data=body, headers={
                "Authorization": f"Bearer {token_of[company]}",
                "Content-Type": "application/json"})
            statuses[response.status_code] += 1
        return statuses

    run(bodies[:warm])
    statements.clear()
    measured = bodies[warm:warm + args.requests]
    server = backends_cpu_s(url)
    cpu0, t0 = time.process_time(), time.monotonic()
    statuses = run(measured)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - t0
    server = backends_cpu_s(url) - server
    counted = list(statements)
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiled = profiler.runcall(run, bodies[warm + args.requests:])
        profiler.dump_stats(args.profile)
    n = len(measured)
    print(f"{n} offer POSTs on {url.split(':')[0]}, statuses {dict(statuses)}")
    print(f"  CPU {cpu:.2f} s = {1000 * cpu / n:.2f} ms per POST "
          f"(PostgreSQL backends {1000 * server / n:.2f} ms; wall {1000 * wall / n:.2f} ms "
          f"each, load {os.getloadavg()[0]:.2f})")
    print(f"  SQL statements: {len(counted)} = {len(counted) / n:.1f} per POST")
    for sql, count in Counter(counted).most_common(20):
        print(f"    {count:6d}  {' '.join(sql.split())[:150]}")
    return 0 if set(statuses) == {201} and (not args.profile or set(profiled) == {201}) else 1


if __name__ == "__main__":
    sys.exit(main())
