"""Answering a published placement, counted: SQL statements and Python CPU per answer.

Builds a published round on SQLite the way ``make demo`` stores one (a file database in WAL
mode with ``synchronous=NORMAL``): generates ``--students`` students, imports the round
(``service.rounds.imports.import_round``), runs its allocation job in process and publishes
it through the API. Then sends ``--requests`` answers through the Flask test client (no
sockets), as the demo's students and companies give them: ``POST
/api/v1/assignments/<id>/accept`` (a few ``decline``), the company answering too where the
placement is BBL. Prints statuses, SQL statements per answer (a ``before_cursor_execute``
listener), the slowest statements' plans and this process's CPU per answer; ``--profile
FILE`` also writes a cProfile (CPU time) of the measured answers.

    PYTHONPATH=. .venv/bin/python bench/profile_answer.py --students 20000 \\
        --database /tmp/answers.sqlite --requests 1000

``--reuse`` skips building when the database exists and still has ``--requests`` proposed
placements left (each run answers some); the database is a bench database only.
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


def build(app: Any, students: int, seed: int) -> int:
    """A published round of ``students`` in the app's empty database; returns its id."""
    from bench.bench_api_allocate import close_and_request_allocation, storable
    from seeds.generator import generate_round
    from service.extensions import db
    from service.identity.principals import Principal
    from service.identity.tokens import issue_token
    from service.jobs.runner import execute
    from service.models import Role
    from service.rounds.imports import import_round
    from service.seeding import seed_reference

    admin = Principal(Role.ADMIN, "")
    doc = generate_round(students, seed=seed)
    storable(doc)
    with app.app_context():
        with db.transaction() as session:
            seed_reference(session)
        with db.transaction() as session:
            round_id = import_round(session, admin, json.dumps(doc).encode()).round.id
        job_id = close_and_request_allocation(admin, round_id)
    with app.app_context():
        execute(job_id, "bench")
    with app.app_context(), db.transaction() as session:
        token = issue_token(session, "admin", "")
    response = app.test_client().post(f"/api/v1/rounds/{round_id}/publish",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(round_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", required=True, help="SQLite file (made if missing)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", default=None, help="write a CPU-time cProfile here")
    parser.add_argument("--plans", type=int, default=8,
                        help="show SQLite's plan of this many distinct statements")
    args = parser.parse_args()

    from sqlalchemy import event, func, select, text

    from service.app import create_app
    from service.demo import fast_sqlite
    from service.extensions import db
    from service.identity.tokens import issue_tokens
    from service.migrate import upgrade
    from service.models import Assignment, AssignmentStatus, Offer, Round, RoundStatus

    path = Path(args.database)
    fresh = not (args.reuse and path.exists())
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{path.resolve()}"
    if fresh:
        upgrade(url)
    app = create_app({"DATABASE_URL": url, "REDIS_URL": None, "JOBS_MODE": "eager",
                      "MESSAGES_SWEEP_S": 0,
                      "DATABASE_ENGINE_OPTIONS": {"connect_args": {"timeout": 60}}})
    with app.app_context():
        event.listen(db.engine, "connect", fast_sqlite)
    if fresh:
        t0 = time.monotonic()
        build(app, args.students, args.seed)
        print(f"built a published round of {args.students} students in "
              f"{time.monotonic() - t0:.1f} s")

    with app.app_context():
        round_id = db.session.scalar(select(Round.id).where(
            Round.status == RoundStatus.PUBLISHED.value).order_by(Round.id.desc()))
        total = db.session.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.round_id == round_id))
        rows = db.session.execute(
            select(Assignment.id, Assignment.student_id, Offer.company_id)
            .join(Offer, Offer.id == Assignment.offer_id)
            .where(Assignment.round_id == round_id,
                   Assignment.status == AssignmentStatus.PROPOSED.value)
            .order_by(Assignment.id)).all()
        warm = 20
        chosen = rows[:warm + args.requests]
        if len(chosen) < warm + args.requests:
            print(f"bench: only {len(chosen)} proposed placements left", file=sys.stderr)
            return 2
        company_ids = list(dict.fromkeys(c for _, _, c in chosen))
        with db.transaction() as session:
            students = issue_tokens(session, "student", [f"student:{s}" for _, s, _ in chosen])
            company_token = dict(zip(company_ids, issue_tokens(
                session, "company", [f"company:{c}" for c in company_ids]), strict=True))
        statements: list[str] = []
        spent: Counter[str] = Counter()  # wall seconds per statement, in the driver
        started: list[float] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: (statements.append(a[2]), started.append(time.perf_counter())))
        event.listen(db.engine, "after_cursor_execute",
                     lambda *a: spent.update({a[2]: time.perf_counter() - started.pop()}))
    client = app.test_client()

    def run(part: list[Any], tokens: list[str]) -> Counter[str]:
        """Each placement answered as the demo answers it (``service.demo._answer``)."""
        outcomes: Counter[str] = Counter()
        for (a_id, _s, company), token in zip(part, tokens, strict=True):
            h = (a_id * 2654435761) % 1000
            verb = "decline" if h < 30 else "accept"
            response = client.post(f"/api/v1/assignments/{a_id}/{verb}",
                                   headers={"Authorization": f"Bearer {token}"})
            outcomes[f"student {verb} {response.status_code}"] += 1
            if verb == "accept" and response.get_json()["status"] == "proposed":
                verb = "decline" if h < 60 else "accept"
                response = client.post(
                    f"/api/v1/assignments/{a_id}/{verb}",
                    headers={"Authorization": f"Bearer {company_token[company]}"})
                outcomes[f"company {verb} {response.status_code}"] += 1
        return outcomes

    run(chosen[:warm], students[:warm])
    statements.clear()
    spent.clear()
    measured, tokens = chosen[warm:], students[warm:]
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    cpu0, t0 = time.process_time(), time.monotonic()
    if profiler:
        profiler.enable()
    outcomes = run(measured, tokens)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - t0
    requests = sum(outcomes.values())
    print(f"round {round_id}: {total} placements; {len(measured)} answered "
          f"({requests} requests): {dict(sorted(outcomes.items()))}")
    print(f"  CPU {cpu:.2f} s = {1000 * cpu / requests:.2f} ms per request "
          f"(wall {wall:.2f} s, load {os.getloadavg()[0]:.2f})")
    print(f"  SQL statements: {len(statements)} = {len(statements) / requests:.1f} per request")
    print("     count  ms each  statement")
    for sql, n in Counter(statements).most_common(40):
        print(f"    {n:6d}  {1000 * spent[sql] / n:7.3f}  {' '.join(sql.split())[:150]}")
    if args.plans:
        with app.app_context():
            seen = 0
            for s in dict.fromkeys(statements):
                if not s.lstrip().upper().startswith("SELECT") or seen >= args.plans:
                    continue
                seen += 1
                # Plans only: the placeholders bound to NULL (SQLite plans by shape).
                plan = db.session.execute(text(
                    "EXPLAIN QUERY PLAN " + s.replace("?", "NULL"))).all()
                print("  plan of", " ".join(s.split())[:200])
                for row in plan:
                    print("     ", row[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
