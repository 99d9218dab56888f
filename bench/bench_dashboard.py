"""Time every dashboard page on a generated round of a given size (60,000 by default).

A fresh database (a temporary SQLite file, or ``--database-url`` for PostgreSQL, which is
emptied first) is migrated with Alembic, a ``seeds.generator`` round is imported through
``service.rounds.imports.import_round`` as an admin, opened, closed and allocated in-process, and
each page is then requested ``--repeat`` times through Flask's test client with a signed-in
session: the time is the server's whole answer (queries, aggregates, charts, template),
without a browser. Every answer must be 200; the script exits non-zero otherwise.

The generator repeats and misspells some choices on purpose; a stored round refuses them, so
each list is cleaned first (unknown and repeated entries dropped), as a school's export would be.

Example: ``PYTHONPATH=. .venv/bin/python bench/bench_dashboard.py --students 60000``
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from seeds.generator import generate_round
from service.app import create_app
from service.config import normalise_database_url
from service.extensions import db
from service.identity.principals import Principal
from service.identity.tokens import issue_token
from service.jobs.runner import execute, request_job
from service.migrate import upgrade
from service.models import Assignment, Base, JobKind, Role, Student
from service.rounds.imports import import_round
from service.rounds.lifecycle import transition
from service.seeding import seed_reference

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def empty_postgres(url: str) -> None:
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def seed(app: Any, students: int, seed_value: int) -> tuple[int, str, dict[str, float]]:
    timings: dict[str, float] = {}
    doc = generate_round(students, seed=seed_value)
    offers = {o["id"] for o in doc["offers"]}
    for student in doc["students"]:
        student["preferences"] = [o for o in dict.fromkeys(student["preferences"])
                                  if o in offers]
    admin = Principal(Role.ADMIN, "")
    with app.app_context():
        with db.transaction() as session:
            seed_reference(session)  # imports are checked against it
        t0 = time.perf_counter()
        with db.transaction() as session:
            rnd = import_round(session, admin, doc).round
        timings["import"] = time.perf_counter() - t0
        with db.transaction() as session:
            transition(session, None, rnd, "open")
            transition(session, None, rnd, "close")
        t0 = time.perf_counter()
        with db.transaction() as session:  # the allocation job, run here as a worker would
            job_id = request_job(session, admin, rnd, JobKind.ALLOCATE).id
        execute(job_id, "bench")
        timings["allocate"] = time.perf_counter() - t0
        with db.transaction() as session:
            token = issue_token(session, "admin", "")
        return rnd.id, token, timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL to use (emptied first); default a temporary SQLite")
    parser.add_argument("--scenario", action="store_true",
                        help="also time one what-if (a full allocation, not a page render)")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    if args.database_url:
        empty_postgres(url)
    upgrade(url)
    # Jobs run where they are started (in this process), so the timings include them.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_MODE": "eager"})
    round_id, token, timings = seed(app, args.students, args.seed)
    with app.app_context():
        school = db.session.scalar(select(Student.school_id).group_by(Student.school_id)
                                   .order_by(func.count().desc()).limit(1))
        placed = db.session.scalar(select(func.count()).select_from(Assignment))
        tables = len(Base.metadata.tables)
    print(f"# {args.students} students, round {round_id}, {placed} placed; "
          f"import {timings['import']:.1f} s, allocate {timings['allocate']:.1f} s; "
          f"{'PostgreSQL' if args.database_url else 'SQLite'} ({tables} tables)", flush=True)

    client = app.test_client()
    login = client.get("/dashboard/login").get_data(as_text=True)
    match = CSRF.search(login)
    assert match
    response = client.post("/dashboard/login", data={"token": token,
                                                      "csrf_token": match.group(1)})
    assert response.status_code == 302, response.status_code

    pages = {
        "rounds": "/dashboard/rounds",
        "round": f"/dashboard/rounds/{round_id}",
        "results": f"/dashboard/rounds/{round_id}/results",
        "results, unplaced page 10": f"/dashboard/rounds/{round_id}/results?page=10",
        "scenarios (form)": f"/dashboard/rounds/{round_id}/scenarios",
        "offers": "/dashboard/offers",
        "offers, search + filter, page 3": "/dashboard/offers?q=a&level=3&page=3",
        "students": "/dashboard/students",
        "students, filter, page 20": "/dashboard/students?sector=zorg-welzijn&level=4&page=20",
        "CSV, largest school": f"/dashboard/rounds/{round_id}/export.csv?school={school}",
    }
    failed = False
    print("| page | median s | max s | bytes |\n|---|---:|---:|---:|")
    for name, path in pages.items():
        times = []
        size = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - t0)
            size = len(response.get_data())
            if response.status_code != 200:
                print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                failed = True
        print(f"| {name} | {statistics.median(times):.3f} | {max(times):.3f} | {size:,} |",
              flush=True)
    if args.scenario:
        csrf = CSRF.search(client.get(pages["scenarios (form)"]).get_data(as_text=True))
        assert csrf
        t0 = time.perf_counter()
        response = client.post(pages["scenarios (form)"], data={
            "csrf_token": csrf.group(1), "name": "zorg +20%", "objective": "optimal",
            "sector": "zorg-welzijn", "extra_percent": "20"})
        print(f"| scenario +20% zorg-welzijn (a simulate job, run in the request here) | "
              f"{time.perf_counter() - t0:.3f} | | |")
        failed |= response.status_code != 302
        compare = response.headers.get("Location", "")
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(compare)
            times.append(time.perf_counter() - t0)
            failed |= response.status_code != 200
        print(f"| scenarios, comparison | {statistics.median(times):.3f} | {max(times):.3f} | "
              f"{len(response.get_data()):,} |")
    tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
