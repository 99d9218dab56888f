"""List filters: each narrows the list to what it names, on top of the caller's scope."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.extensions import db
from service.models import Assignment, Round

from .conftest import Factory, assert_problem


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()]


def test_offers_by_words_in_the_title(client: FlaskClient, make: Factory) -> None:
    chef = make.offer(title="Zelfstandig werkend Kok")
    make.offer(title="Kapper")
    odd = make.offer(title="Kok_assistent 100%")
    assert ids(client.get("/api/v1/offers?q=kok%20werkend", headers=make.admin())) == [chef]
    # LIKE's wildcards in the query are matched literally
    assert ids(client.get("/api/v1/offers?q=100%25", headers=make.admin())) == [odd]
    assert ids(client.get("/api/v1/offers?q=_", headers=make.admin())) == [odd]


def test_offers_by_environment(client: FlaskClient, make: Factory, app: Flask) -> None:
    from service.models import Environment

    with app.app_context(), db.transaction() as session:
        env = Environment(name="Hybride keuken", capacity=2)
        session.add(env)
        session.flush()
        env_id = env.id
    inside = make.offer(environment_id=env_id)
    make.offer()
    assert ids(client.get(f"/api/v1/offers?environment_id={env_id}",
                          headers=make.admin())) == [inside]


def test_companies_by_kvk_number_and_name(client: FlaskClient, make: Factory) -> None:
    bakery = make.company(name="Bakkerij De Korenschoof", kvk_number="12345678")
    make.company(name="Garage Oost")
    assert ids(client.get("/api/v1/companies?kvk_number=12345678",
                          headers=make.admin())) == [bakery]
    assert ids(client.get("/api/v1/companies?q=korenschoof", headers=make.admin())) == [bakery]


def test_schools_by_code(client: FlaskClient, make: Factory) -> None:
    deltion = make.school(code="deltion")
    make.school()
    assert ids(client.get("/api/v1/schools?code=deltion", headers=make.admin())) == [deltion]


def test_students_by_number(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    wanted = make.student(school, student_number="2027-001")
    make.student(school, student_number="2027-002")
    assert ids(client.get("/api/v1/students?student_number=2027-001",
                          headers=make.admin())) == [wanted]


def _assignments(app: Flask, make: Factory) -> tuple[int, list[int]]:
    school = make.school()
    offer = make.offer()
    students = [make.student(school) for _ in range(3)]
    with app.app_context(), db.transaction() as session:
        rnd = Round(name="r", school_id=school, status="published")
        session.add(rnd)
        session.flush()
        rows = [Assignment(round_id=rnd.id, student_id=s, offer_id=offer, rank=1,
                           status=status)
                for s, status in zip(students, ["proposed", "accepted", "declined"],
                                     strict=True)]
        session.add_all(rows)
        session.flush()
        return rnd.id, [a.id for a in rows]


def test_assignments_by_status(client: FlaskClient, make: Factory, app: Flask) -> None:
    round_id, (_, accepted, _) = _assignments(app, make)
    assert ids(client.get("/api/v1/assignments?status=accepted",
                          headers=make.admin())) == [accepted]
    assert ids(client.get(f"/api/v1/rounds/{round_id}/assignments?status=accepted",
                          headers=make.admin())) == [accepted]


def test_an_unknown_status_is_refused(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.get("/api/v1/assignments?status=maybe", headers=make.admin()),
                   422, "status")
    assert_problem(client.get("/api/v1/rounds?status=maybe", headers=make.admin()),
                   422, "status")


def test_rounds_by_school(client: FlaskClient, make: Factory, app: Flask) -> None:
    school = make.school()
    with app.app_context(), db.transaction() as session:
        mine, other = Round(name="a", school_id=school), Round(name="b", region="twente")
        session.add_all([mine, other])
        session.flush()
        mine_id = mine.id
    assert ids(client.get(f"/api/v1/rounds?school_id={school}",
                          headers=make.admin())) == [mine_id]
