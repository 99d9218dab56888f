"""Real races on PostgreSQL: threads, each with its own connection, writing at once.

SQLite serialises every write, so these run on the PostgreSQL of TEST_DATABASE_URL. Each race
holds its threads at a rendezvous placed after the point where the code takes its row lock:
without the lock, all threads meet there and then write at once (and the tests fail); with
it, they pass the rendezvous one by one (each waits briefly for the others, then goes on).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.extensions import db
from service.models import Assignment, Preference, Round

from .conftest import PG_URL, Factory, app_config, database_url

RENDEZVOUS_SECONDS = 1.0


def rendezvous(parties: int) -> Callable[[], None]:
    barrier = threading.Barrier(parties, timeout=RENDEZVOUS_SECONDS)

    def meet() -> None:
        # Broken after the timeout: the others are queued on a lock, so go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    return meet


def race(app: Flask, requests: list[Callable[[Any], Any]]) -> list[Any]:
    """Run each request in its own thread with its own test client; results in order."""
    results: list[Any] = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def run(i: int) -> None:
        client = app.test_client()
        start.wait()
        results[i] = requests[i](client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


if PG_URL:
    @pytest.fixture
    def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
        app = create_pg_app(request, tmp_path)
        yield app
        with app.app_context():
            db.engine.dispose()

    def create_pg_app(request: pytest.FixtureRequest, tmp_path: Path) -> Flask:
        from service.app import create_app

        return create_app(app_config(DATABASE_URL=database_url("postgresql", request,
                                                               tmp_path)))

    def published_round(make: Factory, school: int) -> int:
        return make._add(Round(name="R", school_id=school, status="published"))

    def test_two_accepts_of_the_last_seat_let_exactly_one_win(
            app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
        from service.placements import assignments as placements

        school = make.school()
        rid = published_round(make, school)
        offer = make.offer(round_id=rid, capacity=1)
        students = [make.student(school) for _ in range(2)]
        ids = [make._add(Assignment(round_id=rid, student_id=s, offer_id=offer, rank=1))
               for s in students]
        tokens = [make.token("student", f"student:{s}") for s in students]
        meet, real_count = rendezvous(2), placements.count_seats

        def counted(*args: Any) -> Any:
            seats = real_count(*args)
            meet()  # both accepts have counted the free seat, unless the offer lock queued one
            return seats

        monkeypatch.setattr(placements, "count_seats", counted)
        responses = race(app, [
            lambda c, i=i: c.post(f"/api/v1/assignments/{ids[i]}/accept", headers=tokens[i])
            for i in range(2)])
        assert sorted(r.status_code for r in responses) == [200, 409]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.mimetype == "application/problem+json"
        assert "no seat left" in loser.get_json()["detail"]
        with app.app_context():
            statuses = db.session.scalars(select(Assignment.status).where(
                Assignment.offer_id == offer)).all()
        assert sorted(statuses) == ["accepted", "proposed"]

    def test_a_company_and_a_student_accepting_a_bbl_placement_at_once_settle_it(
            app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
        from service.placements import assignments as placements

        school, company = make.school(), make.company()
        rid = published_round(make, school)
        offer = make.offer(company, round_id=rid, pathways=["BBL"])
        student = make.student(school, pathways=["BBL"])
        aid = make._add(Assignment(round_id=rid, student_id=student, offer_id=offer, rank=1))
        parties = [make.token("student", f"student:{student}"),
                   make.token("company", f"company:{company}")]
        meet, real_needs = rendezvous(2), placements.masks_need_consent

        def needs(*args: Any) -> bool:
            # Reached by both after reading the placement (no answers yet) and before either
            # writes: both then write at once, and the row lock queues the second write,
            # which must find the first's answer (not write over it on a stale read).
            meet()
            return real_needs(*args)

        monkeypatch.setattr(placements, "masks_need_consent", needs)
        responses = race(app, [
            lambda c, h=h: c.post(f"/api/v1/assignments/{aid}/accept", headers=h)
            for h in parties])
        assert [r.status_code for r in responses] == [200, 200]
        with app.app_context():
            assert db.session.get(Assignment, aid).status == "accepted"  # type: ignore[union-attr]

    def test_concurrent_preference_lists_for_one_student_leave_exactly_one(
            app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
        # solver exports a function called verify, so reach the module itself
        verify = importlib.import_module("solver.verify")
        school = make.school()
        rid = make._add(Round(name="R", school_id=school, status="open"))
        offers = [make.offer(round_id=rid) for _ in range(4)]
        student = make.student(school)
        me = make.token("student", f"student:{student}")
        lists = [[offers[(i + k) % 4] for k in range(1 + i % 4)] for i in range(8)]
        meet, real_check = rendezvous(8), verify.ineligibility
        checked: set[int] = set()

        def check(*args: Any) -> Any:
            key = threading.get_ident()
            if key not in checked:  # once per submission, after the student's row lock
                checked.add(key)
                meet()
            return real_check(*args)

        monkeypatch.setattr(verify, "ineligibility", check)
        responses = race(app, [
            lambda c, body=body: c.put(f"/api/v1/rounds/{rid}/preferences/{student}",
                                       json={"offers": body}, headers=me)
            for body in lists])
        assert [r.status_code for r in responses] == [200] * 8
        with app.app_context():
            stored = db.session.scalars(select(Preference).where(
                Preference.round_id == rid, Preference.student_id == student)
                .order_by(Preference.rank)).all()
        assert [p.offer_id for p in stored] in lists
        assert [p.rank for p in stored] == list(range(1, len(stored) + 1))

    def test_two_stale_offer_edits_at_once_let_exactly_one_win(
            app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
        from service.api import etags

        company = make.company()
        offer = make.offer(company, capacity=2)
        staff = make.token("coordinator", f"school:{make.school()}")
        own = make.token("company", f"company:{company}")
        tag = app.test_client().get(f"/api/v1/offers/{offer}", headers=staff).headers["ETag"]
        meet, real_check = rendezvous(2), etags.check_if_match

        def check(current: str) -> None:
            meet()  # both writers hold the same ETag; without the row lock both pass
            real_check(current)

        monkeypatch.setattr("service.api.offers.check_if_match", check)
        edits = [(staff, {"capacity": 5}), (own, {"title": "Kok (leerling)"})]
        responses = race(app, [
            lambda c, h=h, body=body: c.patch(f"/api/v1/offers/{offer}", json=body,
                                              headers={**h, "If-Match": tag})
            for h, body in edits])
        assert sorted(r.status_code for r in responses) == [200, 412]
        winner = next(r for r in responses if r.status_code == 200)
        final = app.test_client().get(f"/api/v1/offers/{offer}", headers=staff)
        assert final.get_json() == winner.get_json()
        assert final.headers["ETag"] == winner.headers["ETag"]
