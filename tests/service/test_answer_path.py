"""An answer's path (docs/PERFORMANCE.md "Answers: read first, write last"): few statements,
the first write late, and a placement changed between the answer's read and its write judged
again from the row as it is, on SQLite as on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text

from service.extensions import db
from service.models import Assignment, AuditEvent, Base, Environment, Offer, Pok, Round
from service.placements import assignments as placements
from service.placements.assignments import _SEATS

from .conftest import Factory, assert_problem, statements
from .test_assignments import _published
from .test_concurrency import race, rendezvous


def _dialect(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def test_an_accept_reads_first_and_writes_last_in_few_statements(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    """The token, then one read of everything the answer needs, then the first write (the
    answer and its status), and after it only the seat count (on PostgreSQL after locking
    the offer's row), the audit event, the POK and its event: the write lock SQLite takes at
    the first write is held for those few. The code before this took 15 statements, its
    first write the fourth."""
    a = _published(client, make)
    with statements(app) as seen:
        response = client.post(f"/api/v1/assignments/{a['id']}/accept", headers=a["me"])
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    first_write = next(i for i, s in enumerate(seen) if not s.startswith("SELECT"))
    assert first_write == 2, seen
    assert seen[first_write].startswith("UPDATE assignments SET status="), seen
    after = seen[first_write + 1:]
    locks = ["SELECT offers.environment_id FROM offers"] if _dialect(app) == "postgresql" else []
    expected = [*locks, "SELECT offers.capacity", "INSERT INTO audit_events",
                "INSERT INTO poks", "INSERT INTO audit_events"]
    assert len(after) == len(expected), after
    assert all(s.startswith(e) for s, e in zip(after, expected, strict=True)), after
    assert len(seen) == (8 if _dialect(app) == "postgresql" else 7)


def test_a_decline_and_a_first_bbl_accept_write_once(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    """No seat is counted and no POK made where none is settled: the token, the read, the
    write, the event."""
    for verb, pathway in (("decline", "BOL"), ("accept", "BBL")):
        a = _published(client, make, pathway=pathway)
        with statements(app) as seen:
            response = client.post(f"/api/v1/assignments/{a['id']}/{verb}", headers=a["me"])
        assert response.status_code == 200
        assert len(seen) == 4, seen


def _between_read_and_write(monkeypatch: pytest.MonkeyPatch, act: Any) -> None:
    """Run ``act`` once, in its own request and transaction, after the next answer has read
    its placement and before it writes (where it asks whether the company must consent)."""
    real, done = placements.masks_need_consent, []

    def needs(*args: Any) -> bool:
        if not done:
            done.append(True)
            # Another thread: a request of its own (a nested one would share this one's
            # application context, and so its session and transaction).
            worker = threading.Thread(target=act)
            worker.start()
            worker.join(30)
        return real(*args)

    monkeypatch.setattr(placements, "masks_need_consent", needs)


def _events(app: Flask, assignment_id: int) -> list[tuple[str, str, Any, Any]]:
    with app.app_context():
        return [(e.action, e.actor_role, e.before, e.after) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "assignment",
                                     AuditEvent.entity_id == assignment_id)
            .order_by(AuditEvent.id))]


def test_a_companys_accept_between_the_students_read_and_write_is_kept(
        app: Flask, client: FlaskClient, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The student's answer read the BBL placement unanswered; the company accepts before
    the student's write. The student's write must not go on from that stale read (it would
    leave the placement proposed with both answers in): it is judged again and settles it."""
    a = _published(client, make, pathway="BBL")
    url = f"/api/v1/assignments/{a['id']}/accept"
    company: list[str] = []
    _between_read_and_write(monkeypatch, lambda: company.append(
        app.test_client().post(url, headers=a["company"]).get_json()["status"]))
    response = client.post(url, headers=a["me"])
    assert company == ["proposed"]
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    with app.app_context():
        row = db.session.get(Assignment, a["id"])
        assert row is not None
        assert (row.status, row.student_response, row.company_response) == (
            "accepted", "accepted", "accepted")
        assert db.session.scalar(select(Pok.assignment_id)) == a["id"]
    assert _events(app, a["id"]) == [
        ("assignment.accept", "company", {"company_response": None},
         {"company_response": "accepted"}),
        ("assignment.accept", "student", {"status": "proposed", "student_response": None},
         {"status": "accepted", "student_response": "accepted"})]


def test_a_decline_between_the_read_and_the_write_is_not_overwritten(
        app: Flask, client: FlaskClient, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The company declines between the student's read and write: the student's accept is
    409, as for any placement already settled, and the decline stands."""
    a = _published(client, make, pathway="BBL")
    _between_read_and_write(monkeypatch, lambda: app.test_client().post(
        f"/api/v1/assignments/{a['id']}/decline", headers=a["company"]))
    refused = assert_problem(client.post(f"/api/v1/assignments/{a['id']}/accept",
                                         headers=a["me"]), 409)
    assert refused["detail"] == f"assignment {a['id']} is already declined"
    with app.app_context():
        row = db.session.get(Assignment, a["id"])
        assert row is not None and row.status == "declined"
        assert row.student_response is None
        assert db.session.scalar(select(Pok.id)) is None
    assert [e[:2] for e in _events(app, a["id"])] == [("assignment.decline", "company")]


def test_the_round_moving_on_between_the_read_and_the_write_is_409(
        app: Flask, client: FlaskClient, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The round leaves ``published`` between the read and the write: no answer is written
    into it."""
    a = _published(client, make)

    def finish() -> None:
        with app.app_context(), db.transaction() as session:
            rnd = session.get(Round, session.get(Assignment, a["id"]).round_id)  # type: ignore[union-attr]
            assert rnd is not None
            rnd.status = "finished"

    _between_read_and_write(monkeypatch, finish)
    refused = assert_problem(client.post(f"/api/v1/assignments/{a['id']}/accept",
                                         headers=a["me"]), 409)
    assert refused["detail"] == "assignments are answered while their round is published"
    with app.app_context():
        row = db.session.get(Assignment, a["id"])
        assert row is not None and (row.status, row.student_response) == ("proposed", None)


def test_a_student_and_a_company_answering_at_once_settle_it(
        app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads, each with its own connection: both read the BBL placement unanswered, then
    both write at once (SQLite lets one write at a time; the second finds the first's
    answer). test_concurrency.py runs the same race on PostgreSQL."""
    if _dialect(app) != "sqlite":
        pytest.skip("test_concurrency.py races this on PostgreSQL")
    client = app.test_client()
    a = _published(client, make, pathway="BBL")
    meet, real = rendezvous(2), placements.masks_need_consent

    def needs(*args: Any) -> bool:
        meet()  # both have read the placement, neither has written
        return real(*args)

    monkeypatch.setattr(placements, "masks_need_consent", needs)
    responses = race(app, [
        lambda c, h=h: c.post(f"/api/v1/assignments/{a['id']}/accept", headers=h)
        for h in (a["me"], a["company"])])
    assert [r.status_code for r in responses] == [200, 200]
    assert sorted(r.get_json()["status"] for r in responses) == ["accepted", "proposed"]
    with app.app_context():
        row = db.session.get(Assignment, a["id"])
        assert row is not None and row.status == "accepted"
        assert len(db.session.scalars(select(Pok.id)).all()) == 1


def test_two_accepts_of_the_last_seat_on_sqlite_let_exactly_one_win(
        app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both accepts read a free seat before either writes; the seat is counted after the
    write, under SQLite's write lock, so the second counts the first's acceptance."""
    if _dialect(app) != "sqlite":
        pytest.skip("test_concurrency.py races this on PostgreSQL")
    client = app.test_client()
    a = _published(client, make, students=2, capacity=2)
    with app.app_context(), db.transaction() as session:
        offer = session.get(Offer, a["offer"])
        assert offer is not None
        offer.capacity = 1  # both were placed; one seat is left to accept
    tokens = a["students"]
    mine = [client.get("/api/v1/assignments", headers=t).get_json()[0]["id"] for t in tokens]
    meet, real = rendezvous(2), placements.masks_need_consent

    def needs(*args: Any) -> bool:
        meet()
        return real(*args)

    monkeypatch.setattr(placements, "masks_need_consent", needs)
    responses = race(app, [
        lambda c, i=i: c.post(f"/api/v1/assignments/{mine[i]}/accept", headers=tokens[i])
        for i in range(2)])
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert f"offer {a['offer']} has no seat left: all 1 are taken" in loser.get_json()["detail"]
    with app.app_context():
        statuses = db.session.scalars(select(Assignment.status).where(
            Assignment.offer_id == a["offer"])).all()
    assert sorted(statuses) == ["accepted", "proposed"]


def test_the_seat_counts_read_the_offers_index() -> None:
    """The answer's seat count (``_SEATS``) looks the offer's and the environment's accepted
    placements up by ``ix_assignments_offer_round``, never through the round's (all 56,000
    of a province round). Checked on SQLite without statistics, as the demo runs it."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.connect() as conn:
        sql = str(_SEATS.compile(engine))
        plan = " / ".join(row[-1] for row in conn.execute(
            text("EXPLAIN QUERY PLAN " + sql.replace("?", "1"))))
    engine.dispose()
    assert plan.count("ix_assignments_offer_round (offer_id=? AND round_id=? AND status=?)"
                      ) == 2, plan
    assert "ix_assignments_round_id" not in plan, plan


def _environment_round(make: Factory, capacity: int, in_environment: bool
                       ) -> tuple[int, list[int], list[int], list[dict[str, str]]]:
    """A published round with two offers, each proposed to one student; both offers in one
    learning environment of ``capacity`` seats if ``in_environment`` (else none yet).
    Returns the environment, the offers, the assignments and the students' tokens."""
    school = make.school()
    env = make._add(Environment(name="Leerwerkplaats", capacity=capacity))
    rid = make._add(Round(name="R", school_id=school, status="published"))
    offers = [make.offer(round_id=rid, capacity=5,
                         environment_id=env if in_environment else None) for _ in range(2)]
    students = [make.student(school) for _ in range(2)]
    ids = [make._add(Assignment(round_id=rid, student_id=s, offer_id=o, rank=1))
           for s, o in zip(students, offers, strict=True)]
    return env, offers, ids, [make.token("student", f"student:{s}") for s in students]


def test_an_accept_beyond_the_environments_seats_is_409(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    """Two offers share an environment's one seat: the second accept (at the other offer,
    which has seats of its own left) is refused, and leaves nothing behind."""
    env, _offers, ids, tokens = _environment_round(make, 1, in_environment=True)
    assert client.post(f"/api/v1/assignments/{ids[0]}/accept",
                       headers=tokens[0]).get_json()["status"] == "accepted"
    refused = assert_problem(client.post(f"/api/v1/assignments/{ids[1]}/accept",
                                         headers=tokens[1]), 409)
    assert refused["detail"] == (f"learning environment {env} has no seat left: all 1 are "
                                 "taken by accepted placements")
    with app.app_context():
        row = db.session.get(Assignment, ids[1])
        assert row is not None and (row.status, row.student_response) == ("proposed", None)
        assert db.session.scalars(select(Pok.assignment_id)).all() == [ids[0]]
    assert _events(app, ids[1]) == []


def test_an_offer_moved_into_a_full_environment_before_the_write_is_409(
        app: Flask, client: FlaskClient, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer read the offer outside every environment; before its write the offer
    joins one with no seat: the seats are counted as they are under the lock."""
    env, offers, ids, tokens = _environment_round(make, 0, in_environment=False)

    def move() -> None:
        with app.app_context(), db.transaction() as session:
            offer = session.get(Offer, offers[0])
            assert offer is not None
            offer.environment_id = env

    _between_read_and_write(monkeypatch, move)
    refused = assert_problem(client.post(f"/api/v1/assignments/{ids[0]}/accept",
                                         headers=tokens[0]), 409)
    assert refused["detail"] == (f"learning environment {env} has no seat left: all 0 are "
                                 "taken by accepted placements")
