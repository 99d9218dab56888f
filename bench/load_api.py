"""A bounded mixed load on loopback: gunicorn + PostgreSQL + Redis, many tokens at once.

1. A fresh PostgreSQL database (``--database``, dropped and recreated) is migrated by Alembic;
   gunicorn (``--workers``) serves the app with ``REDIS_URL`` set, so idempotency records and
   rate-limit counters live in Redis (the per-token budget is raised to ``--rate-limit``).
2. One open round; ``--companies`` company tokens, ``--students`` student tokens and
   ``--coordinators`` coordinator tokens.
3. ``--clients`` keep-alive connections send, until ``--requests`` or ``--seconds``: offer posts
   by companies (each with an ``Idempotency-Key``; every ``--retry-every``-th post is sent a
   second time with the same key and body, as a client whose answer was lost would),
   preference submissions by students (``PUT``, a fresh ranked list of the posted offers) and
   offer list reads by coordinators, in the ratio ``--mix`` (posts:puts:reads).
4. Prints requests per second, p50/p99 latency per kind and status counts; then checks every
   acknowledged write against the database: each 201 offer id exists exactly once with the
   posted body, a retried key returned the same id, no offer exists that was not acknowledged,
   and each student's stored list equals the last list acknowledged for them.

Example: ``PYTHONPATH=. .venv/bin/python bench/load_api.py --seconds 30``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_api import (  # noqa: E402  (this script's directory)
    free_port,
    fresh_database,
    start_gunicorn,
)


def seed(url: str, companies: int, students: int, coordinators: int) -> dict[str, Any]:
    from service.app import create_app
    from service.extensions import db
    from service.identity.tokens import issue_token
    from service.models import Company, Round, School, Student
    from service.seeding import seed_reference

    app = create_app({"DATABASE_URL": url})
    with app.app_context(), db.transaction() as session:
        seed_reference(session, schools=False)  # writes are checked against it
        school = School(name="ROC Load", code="roc-load", region="twente")
        session.add(school)
        session.flush()
        rnd = Round(name="load", school_id=school.id, status="open")
        session.add(rnd)
        comps = [Company(name=f"B{n}", kvk_number=f"{20000000 + n}", qualifications=["25180"])
                 for n in range(companies)]
        studs = [Student(school_id=school.id, student_number=f"l{n:06d}", level=2,
                         pathways=["BOL"], qualification="25180", sector="gastvrijheid",
                         regions=["twente"], priority=False) for n in range(students)]
        session.add_all(comps + studs)
        session.flush()
        seeded = {
            "round": rnd.id,
            "companies": [(c.id, issue_token(session, "company", f"company:{c.id}"))
                          for c in comps],
            "students": [(s.id, issue_token(session, "student", f"student:{s.id}"))
                         for s in studs],
            "coordinators": [issue_token(session, "coordinator", f"school:{school.id}")
                             for _ in range(coordinators)],
        }
    with app.app_context():
        db.engine.dispose()
    return seeded


class Load:
    """The shared state of one run: what was sent, what was acknowledged, how long it took."""

    def __init__(self, seeded: dict[str, Any], args: argparse.Namespace) -> None:
        self.seeded, self.args = seeded, args
        self.lock = threading.Lock()
        self.sent = 0
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.offers: dict[int, dict[str, Any]] = {}  # acknowledged id -> posted body
        self.duplicate_answers: list[str] = []
        self.lists: dict[int, list[int]] = {}  # student -> last acknowledged list

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.args.requests:
                return False
            self.sent += 1
            return True

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[kind][status] += 1


def request(conn: http.client.HTTPConnection, method: str, path: str, token: str,
            body: Any = None, key: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    conn.request(method, path, body=None if body is None else json.dumps(body).encode(),
                 headers=headers)
    response = conn.getresponse()
    raw = response.read()
    return response.status, (json.loads(raw) if raw else None)


def client(load: Load, port: int, deadline: float, rng: random.Random, index: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    seeded, args = load.seeded, load.args
    weights = [int(w) for w in args.mix.split(":")]
    posts = 0
    # Each student belongs to one connection, so their submissions are sequential and the
    # last one acknowledged is the one that must be stored.
    students = seeded["students"][index::args.clients]
    while time.monotonic() < deadline and load.take():
        kind = rng.choices(["post", "put", "read"], weights)[0]
        start = time.perf_counter()
        if kind == "post":
            company, token = rng.choice(seeded["companies"])
            body = {"title": f"Leerplaats {uuid.uuid4().hex[:8]}", "round_id": seeded["round"],
                    "levels": [2], "pathways": ["BOL"], "qualifications": ["25180"],
                    "sector": "gastvrijheid", "region": "twente",
                    "capacity": rng.randint(1, 5), "status": "open"}
            key = uuid.uuid4().hex
            status, reply = request(conn, "POST", "/api/v1/offers", token, body, key)
            load.record(kind, status, time.perf_counter() - start)
            posts += 1
            if status == 201:
                with load.lock:
                    load.offers[reply["id"]] = {**body, "company_id": company}
                if posts % args.retry_every == 0:  # the answer "was lost": send it again
                    start = time.perf_counter()
                    again, replay = request(conn, "POST", "/api/v1/offers", token, body, key)
                    load.record("retry", again, time.perf_counter() - start)
                    if again != 201 or replay["id"] != reply["id"]:
                        with load.lock:
                            load.duplicate_answers.append(f"{again} {replay}")
        elif kind == "put":
            student, token = rng.choice(students)
            with load.lock:
                known = list(load.offers)
            ranked = rng.sample(known, min(len(known), rng.randint(1, 5)))
            status, reply = request(
                conn, "PUT", f"/api/v1/rounds/{seeded['round']}/preferences/{student}",
                token, {"offers": ranked})
            load.record(kind, status, time.perf_counter() - start)
            if status == 200:
                with load.lock:
                    load.lists[student] = ranked
        else:
            token = rng.choice(seeded["coordinators"])
            status, _ = request(conn, "GET", "/api/v1/offers?page_size=50", token)
            load.record(kind, status, time.perf_counter() - start)
    conn.close()


def verify(url: str, load: Load) -> list[str]:
    from sqlalchemy import create_engine, select

    from service.config import normalise_database_url
    from service.models import Offer, Preference

    problems: list[str] = list(load.duplicate_answers)
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        stored = {row.id: row for row in conn.execute(select(Offer))}
        prefs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for p in conn.execute(select(Preference.student_id, Preference.rank,
                                     Preference.offer_id)):
            prefs[p.student_id].append((p.rank, p.offer_id))
    engine.dispose()
    if set(stored) != set(load.offers):
        problems.append(f"offers stored {len(stored)} != acknowledged {len(load.offers)}")
    for ident, body in load.offers.items():
        row = stored.get(ident)
        if row is None or (row.title, row.capacity, row.company_id) != (
                body["title"], body["capacity"], body["company_id"]):
            problems.append(f"offer {ident} differs from its acknowledged body")
    for student, ranked in load.lists.items():
        got = [offer for _, offer in sorted(prefs.get(student, []))]
        if got != ranked:
            problems.append(f"student {student}: stored {got} != last acknowledged {ranked}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="leerplek_load")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL",
                                                          "redis://127.0.0.1:6379/6"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--coordinators", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--mix", default="2:5:3", help="offer posts : preference puts : reads")
    parser.add_argument("--retry-every", type=int, default=10)
    parser.add_argument("--rate-limit", default="100000 per minute")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from service.migrate import upgrade

    url = fresh_database(args.server, args.database)
    upgrade(url)
    seeded = seed(url, args.companies, args.students, args.coordinators)
    port = free_port()
    server = start_gunicorn(url, port, args.workers, timeout=120,
                            env={"REDIS_URL": args.redis, "RATELIMIT_APPLICATION": args.rate_limit})
    load = Load(seeded, args)
    try:
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client,
                                    args=(load, port, deadline, random.Random(args.seed + i), i))
                   for i in range(args.clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(30)
    total = sum(len(v) for v in load.latency.values())
    print(f"{total} requests in {wall:.1f} s: {total / wall:.0f} per second "
          f"({args.clients} clients, {args.workers} gunicorn workers)")
    for kind, values in sorted(load.latency.items()):
        values.sort()
        print(f"  {kind:5s} {len(values):6d}  p50 {1000 * statistics.median(values):6.1f} ms"
              f"  p99 {1000 * values[min(len(values) - 1, int(0.99 * len(values)))]:6.1f} ms"
              f"  statuses {dict(load.statuses[kind])}")
    problems = verify(url, load)
    print(f"acknowledged: {len(load.offers)} offers, {len(load.lists)} preference lists; "
          f"stored exactly once and as acknowledged: {'yes' if not problems else 'NO'}")
    for problem in problems[:20]:
        print("  -", problem)
    errors = sum(n for c in load.statuses.values() for s, n in c.items() if s >= 500)
    return 1 if problems or errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
