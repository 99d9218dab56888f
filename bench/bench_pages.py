"""Time every student and company page on a generated province (60,000 students, ~25,000
offers).

As ``bench_dashboard.py``: a fresh database (a temporary SQLite file, or ``--database-url``
for PostgreSQL, emptied first) is migrated with Alembic, a ``seeds.generator`` round is
imported as an admin and opened. Then, for ``--students-timed`` students drawn with the seed
(the one with the most eligible offers among them included), each student page is requested
``--repeat`` times through Flask's test client with that student's web session (the session
cookie holds the hash of a student token, as the sign-in leaves it): the time is the server's
whole answer (queries, template), without a browser. List changes are timed as posts. With
``--result`` the round is then closed, allocated, published and the placement page timed.
The company pages are timed the same way for the ``--students-timed`` companies with the most
offers while the round is open (home with its offer list and listed counts, an offer with its
listed count, the offer form, the profile) and, with ``--result``, once it is published (home,
an offer with its proposed students, the POK list). ``--big-company N`` also times the home
pages of a company given N offers. ``--keep FILE`` (SQLite) keeps the imported province and
starts later runs from a copy of it. The templates are compiled before the first request, as
the served worker does (``--cold`` leaves that to each page's first request).
Every answer must be 200 (302 for a post); the script exits non-zero otherwise. Answers over
300 ms are listed after the table, each with its statement count and slowest statement.

Example: ``PYTHONPATH=. .venv/bin/python bench/bench_pages.py --students 60000``
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import delete, event, func, select, update

from bench.bench_dashboard import empty_postgres
from seeds.generator import generate_round
from service.app import create_app
from service.extensions import db
from service.identity.principals import Principal, hash_token
from service.identity.signin import SESSION_TOKEN
from service.identity.tokens import issue_token
from service.jobs.runner import execute, request_job
from service.migrate import upgrade
from service.models import Company, JobKind, Offer, Preference, Role, Round, Student
from service.rounds.choosing import offer_choices
from service.rounds.imports import import_round
from service.rounds.lifecycle import transition
from service.seeding import seed_reference
from service.serving import settle

ADMIN = Principal(Role.ADMIN, "")


def seed(app: Any, students: int, seed_value: int) -> tuple[int, float]:
    doc = generate_round(students, seed=seed_value)
    offers = {o["id"] for o in doc["offers"]}
    for student in doc["students"]:
        # As bench_dashboard: a stored round refuses the generator's noisy entries.
        student["preferences"] = [o for o in dict.fromkeys(student["preferences"])
                                  if o in offers]
    with app.app_context():
        with db.transaction() as session:
            seed_reference(session)
        t0 = time.perf_counter()
        with db.transaction() as session:
            rnd = import_round(session, ADMIN, doc).round
            transition(session, None, rnd, "open")
        return rnd.id, time.perf_counter() - t0


def signed_in(app: Any, student_id: int, role: str = "student") -> FlaskClient:
    client = app.test_client()
    with app.app_context(), db.transaction() as session:
        token = issue_token(session, role, f"{role}:{student_id}")
    with client.session_transaction() as s:
        s[SESSION_TOKEN], s["csrf"] = hash_token(token), "bench"
    return client


# Answers over the 300 ms target, each with its slowest statement: what to look at first.
TARGET_S = 0.3
SLOW: list[str] = []
_statements: list[tuple[float, str]] = []


def watch_statements(app: Any) -> None:
    """Record how long each SQL statement of a request takes (for the slow answers' list)."""
    started: list[float] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda *_a: started.append(time.perf_counter()))
    event.listen(engine, "after_cursor_execute",
                 lambda _c, _cur, statement, *_a: _statements.append(
                     (time.perf_counter() - started.pop(), statement)))


def timed(client: FlaskClient, method: str, path: str, repeat: int, expect: int,
          data: Any = None) -> tuple[list[float], int, bool]:
    times, size, ok = [], 0, True
    for i in range(repeat):
        body = data(i) if callable(data) else data
        _statements.clear()
        t0 = time.perf_counter()
        response = client.open(path, method=method, data=body)
        times.append(time.perf_counter() - t0)
        if times[-1] > TARGET_S:
            sql_s = sum(d for d, _ in _statements)
            slowest = max(_statements, default=(0.0, ""))
            SLOW.append(f"{method} {path} (#{i + 1}): {times[-1]:.3f} s, {len(_statements)} "
                        f"statements {sql_s:.3f} s, slowest {slowest[0]:.3f} s: "
                        f"{' '.join(slowest[1].split())[:160]}")
        size = len(response.get_data())
        if response.status_code != expect:
            print(f"{path}: HTTP {response.status_code}", file=sys.stderr)
            ok = False
    return times, size, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--students-timed", type=int, default=5)
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL to use (emptied first); default a temporary SQLite")
    parser.add_argument("--result", action="store_true",
                        help="also allocate and publish, and time the placement page")
    parser.add_argument("--keep", type=Path, default=None,
                        help="SQLite only: the imported, opened province is copied to this "
                             "file, and a later run with the same file starts from a copy "
                             "of it instead of generating and importing again")
    parser.add_argument("--big-company", type=int, default=0, metavar="N",
                        help="also time the home pages of one large company: the company "
                             "with the highest id is given the N offers with the highest ids")
    parser.add_argument("--cold", action="store_true",
                        help="leave the templates to be compiled by each page's first request "
                             "(the served worker compiles them as it starts)")
    args = parser.parse_args(argv)
    if args.keep and args.database_url:
        parser.error("--keep is for SQLite only")

    tmp = tempfile.TemporaryDirectory()
    db_file = Path(tmp.name) / "bench.sqlite"
    url = args.database_url or f"sqlite:///{db_file}"
    if args.keep and args.keep.exists():
        # The kept file is never written to: each run changes its copy (lists, --result).
        shutil.copyfile(args.keep, db_file)
        upgrade(url)  # a migration added since the file was kept
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_MODE": "eager"})
        with app.app_context():
            round_id, import_s = db.session.scalar(select(func.max(Round.id))) or 0, 0.0
    else:
        if args.database_url:
            empty_postgres(url)
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_MODE": "eager"})
        round_id, import_s = seed(app, args.students, args.seed)
        if args.keep:
            with app.app_context():
                db.engine.dispose()  # every connection closed: the file is whole
            shutil.copyfile(db_file, args.keep)
    watch_statements(app)
    if not args.cold:
        settle(app)  # as gunicorn's worker does (service.serving.ProblemWorker)
    rng = random.Random(args.seed)
    with app.app_context():
        session = db.session
        rnd = session.get(Round, round_id)
        assert rnd is not None
        n_offers = session.scalar(select(func.count()).select_from(Offer))
        ids = list(session.scalars(select(Student.id).order_by(Student.id)))
        sample = [session.get(Student, i) for i in rng.sample(ids, args.students_timed)]
        counts = {s.id: session.scalar(select(func.count()).select_from(  # type: ignore[union-attr]
            offer_choices(session, s, rnd, {}).subquery())) or 0 for s in sample if s}
    print(f"# {args.students} students, {n_offers} offers, round {round_id}; import "
          f"{import_s:.1f} s; {'PostgreSQL' if args.database_url else 'SQLite'}; eligible "
          f"offers of the timed students: {sorted(counts.values())}", flush=True)

    rows: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    failed = False
    for sid, eligible in sorted(counts.items(), key=lambda kv: -kv[1]):
        client = signed_in(app, sid)
        with app.app_context():
            student = db.session.get(Student, sid)
            rnd = db.session.get(Round, round_id)
            assert student is not None and rnd is not None
            first = [o.id for o in db.session.scalars(
                offer_choices(db.session, student, rnd, {}).limit(12))]
            sector = student.sector
        with app.app_context(), db.transaction() as session:
            # An empty list, so every timed add writes (the generator's list may be full).
            session.execute(delete(Preference).where(Preference.round_id == round_id,
                                                     Preference.student_id == sid))
        if not first:
            continue
        base = f"/student/rounds/{round_id}"
        pages: dict[str, tuple[str, str, int, Any]] = {
            "rounds": ("GET", "/student/", 200, None),
            "offers, page 1": ("GET", f"{base}/offers", 200, None),
            "offers, sector + 25 km + words": (
                "GET", f"{base}/offers?sector={sector}&km=25&q=e", 200, None),
            "offers, last page": ("GET", f"{base}/offers?page={max(1, -(-eligible // 20))}",
                                  200, None),
            "offer": ("GET", f"{base}/offers/{first[0]}", 200, None),
            "list: add (post)": ("POST", f"{base}/list", 302,
                                 lambda i, first=first: {
                                     "csrf_token": "bench", "action": "add",
                                     "offer_id": first[i % len(first)]}),
            "list: move to 1 (post)": ("POST", f"{base}/list", 302,
                                       lambda i, first=first: {
                                           "csrf_token": "bench", "action": "move",
                                           "offer_id": first[0], "position": "1"}),
            "my list (round page)": ("GET", base, 200, None),
        }
        for name, (method, path, expect, data) in pages.items():
            times, size, ok = timed(client, method, path, args.repeat, expect, data)
            rows.setdefault(name, []).extend(times)
            sizes[name] = size
            failed |= not ok
    big = make_big_company(app, args.big_company) if args.big_company else None
    failed |= company_pages(app, args, rows, sizes, published=False, big=big)
    if args.result:
        with app.app_context():
            with db.transaction() as session:
                rnd = session.get(Round, round_id)
                assert rnd is not None
                transition(session, None, rnd, "close")
                job_id = request_job(session, ADMIN, rnd, JobKind.ALLOCATE).id
            execute(job_id, "bench")
            with db.transaction() as session:
                rnd = session.get(Round, round_id)
                assert rnd is not None
                transition(session, None, rnd, "publish")
        for sid in counts:
            times, size, ok = timed(signed_in(app, sid), "GET", f"/student/rounds/{round_id}",
                                    args.repeat, 200)
            rows.setdefault("placement (round page, published)", []).extend(times)
            sizes["placement (round page, published)"] = size
            failed |= not ok
        failed |= company_pages(app, args, rows, sizes, published=True, big=big)
    print("| page | median s | max s | bytes |\n|---|---:|---:|---:|")
    for name, times in rows.items():
        print(f"| {name} | {statistics.median(times):.3f} | {max(times):.3f} | "
              f"{sizes[name]:,} |")
    print(f"# answers over {TARGET_S:.3f} s: {len(SLOW)} of "
          f"{sum(len(t) for t in rows.values())}")
    for line in SLOW:
        print(f"#   {line}")
    tmp.cleanup()
    return 1 if failed else 0


def make_big_company(app: Any, n: int) -> int:
    """Give the company with the highest id the ``n`` offers with the highest ids: a large
    employer (a hospital group, a retail chain) whose home page shows 50 offers a page, each
    with its listed count. The generator's companies have three offers at most."""
    with app.app_context(), db.transaction() as session:
        company_id = int(session.scalar(select(func.max(Company.id))) or 0)
        ids = list(session.scalars(select(Offer.id).order_by(Offer.id.desc()).limit(n)))
        session.execute(update(Offer).where(Offer.id.in_(ids)).values(company_id=company_id))
    return company_id


def company_pages(app: Any, args: argparse.Namespace, rows: dict[str, list[float]],
                  sizes: dict[str, int], published: bool, big: int | None) -> bool:
    """Time the company pages for the companies with the most offers (and the large company
    ``big``, if any); True if one failed.

    While the round is open the home page and an offer page show how many students listed
    each offer; once it is published, the proposed students (and the POK list exists)."""
    with app.app_context():
        busiest = list(db.session.execute(
            select(Offer.company_id, func.min(Offer.id)).where(Offer.company_id != (big or 0))
            .group_by(Offer.company_id)
            # company_id breaks ties, so SQLite and PostgreSQL time the same companies
            .order_by(func.count().desc(), Offer.company_id).limit(args.students_timed)))
    failed = False
    if big is not None:
        phase = "published" if published else "listed counts"
        client = signed_in(app, big, "company")
        for name, path in {
                f"company with {args.big_company} offers: home, page 1 ({phase})": "/bedrijf",
                f"company with {args.big_company} offers: home, last page ({phase})":
                    f"/bedrijf?page={-(-args.big_company // 50)}"}.items():
            times, size, ok = timed(client, "GET", path, args.repeat, 200)
            rows.setdefault(name, []).extend(times)
            sizes[name] = size
            failed |= not ok
    for company_id, offer_id in busiest:
        client = signed_in(app, company_id, "company")
        if published:
            pages = {"company: home (published)": "/bedrijf",
                     "company: offer (proposed students)": f"/bedrijf/aanbod/{offer_id}",
                     "company: POK list": "/bedrijf/praktijkovereenkomsten"}
        else:
            pages = {"company: home (listed counts)": "/bedrijf",
                     "company: offer (listed count)": f"/bedrijf/aanbod/{offer_id}",
                     "company: offer form": f"/bedrijf/aanbod/{offer_id}/wijzigen",
                     "company: profile": "/bedrijf/profiel"}
        for name, path in pages.items():
            times, size, ok = timed(client, "GET", path, args.repeat, 200)
            rows.setdefault(name, []).extend(times)
            sizes[name] = size
            failed |= not ok
    return failed


if __name__ == "__main__":
    sys.exit(main())
