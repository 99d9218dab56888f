"""Preferences while a round is open, and the round exported as an engine document."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select

from service.extensions import db
from service.models import ApiToken, AuditEvent, Preference, Student
from solver import allocate, parse_round

from .conftest import Factory, assert_problem, statements


def _open_round(client: FlaskClient, make: Factory) -> dict[str, Any]:
    school = make.school()
    headers = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar", "max_preferences": 3},
                      headers=headers).get_json()["id"]
    good = make.offer(round_id=rid)
    far = make.offer(round_id=rid, region="regio-zwolle")
    student = make.student(school)
    client.post(f"/api/v1/rounds/{rid}/open", headers=headers)
    return {"rid": rid, "good": good, "far": far, "student": student, "staff": headers,
            "me": make.token("student", f"student:{student}")}


def test_a_student_submits_their_ranked_list(client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
                          json={"offers": [r["good"]]}, headers=r["me"])
    assert response.status_code == 200 and response.get_json()["offers"] == [r["good"]]


def test_an_ineligible_choice_is_refused_with_its_reason(client: FlaskClient,
                                                         make: Factory) -> None:
    r = _open_round(client, make)
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
                          json={"offers": [r["good"], r["far"]]}, headers=r["staff"])
    body = assert_problem(response, 422, "offers.1")
    assert "region" in str(body)


def test_a_refused_list_keeps_the_previous_one(client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    url = f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}"
    client.put(url, json={"offers": [r["good"]]}, headers=r["me"])
    client.put(url, json={"offers": [r["far"]]}, headers=r["me"])
    doc = client.get(f"/api/v1/rounds/{r['rid']}/export", headers=r["staff"]).get_json()
    assert doc["students"][0]["preferences"] == [str(r["good"])]


def test_a_submission_asks_the_database_the_same_few_times_however_long_the_list(
        client: FlaskClient, make: Factory) -> None:
    """The deadline-day path (docs/PERFORMANCE.md, "The fast path"): the token, the student
    (locked, with their regions and, for a student's own list, the round in the same
    statement), the listed offers, the old list deleted and returned, the new list in one
    INSERT (one executemany), the audit event. Nothing per listed offer. On PostgreSQL the
    listed offers come with the student, and the list's replacement (kept offers' ranks
    moved in place, the rest deleted or inserted) and the event are one statement."""
    r = _open_round(client, make)
    more = [make.offer(round_id=r["rid"]) for _ in range(2)]
    url = f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}"
    with client.application.app_context():
        engine = db.engine
    counts = []
    for offers in ([r["good"]], [*more, r["good"]]):
        statements: list[str] = []

        def count(*args: Any, into: list[str] = statements) -> None:
            into.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.put(url, json={"offers": offers}, headers=r["me"])
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200 and response.get_json()["offers"] == offers
        counts.append(len(statements))
    assert counts == ([3, 3] if engine.dialect.name == "postgresql" else [6, 6])


def test_a_submission_is_audited_once_when_the_list_changes_and_not_otherwise(
        client: FlaskClient, make: Factory) -> None:
    """On PostgreSQL the event is written by the statement that replaces the list: the same
    event as elsewhere (redacted, placed by the student's school and first region, naming
    the token), and none when the list stays the same (an empty list again included)."""
    r = _open_round(client, make)
    more = make.offer(round_id=r["rid"])
    url = f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}"
    sends = ([], [r["good"]], [r["good"]], [r["good"], more], [more, r["good"]],
             [more, r["good"]], [], [])
    for offers in sends:
        assert client.put(url, json={"offers": offers}, headers=r["me"]).status_code == 200
    with client.application.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "preferences.submit").order_by(AuditEvent.id)).all()
        token_id = db.session.scalar(select(ApiToken.id).where(
            ApiToken.scope == f"student:{r['student']}"))
        school_id = db.session.scalar(select(Student.school_id).where(
            Student.id == r["student"]))
    assert len(events) == 4  # [] -> [good], -> [good, more], reordered, -> []
    for e in events:
        assert (e.actor_token_id, e.actor_role, e.actor_scope, e.actor_surface) == (
            token_id, "student", f"student:{r['student']}", "api")
        assert (e.entity_type, e.entity_id, e.round_id, e.school_id, e.region) == (
            "student", r["student"], None, school_id, "twente")
        assert e.before == {"offers": "[redacted]"} and e.after == {"offers": "[redacted]"}
        assert e.at is not None


def test_a_list_reordered_shortened_and_emptied_is_stored_as_sent(
        client: FlaskClient, make: Factory) -> None:
    """The same offers again in another order (each kept offer takes another's rank), then
    fewer, then none: the replacement never meets the old rows in the unique constraints."""
    r = _open_round(client, make)
    more = [make.offer(round_id=r["rid"]) for _ in range(2)]
    url = f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}"
    for offers in ([r["good"], *more], [*more[::-1], r["good"]], [more[0]], []):
        response = client.put(url, json={"offers": offers}, headers=r["me"])
        assert response.status_code == 200 and response.get_json()["offers"] == offers
        doc = client.get(f"/api/v1/rounds/{r['rid']}/export", headers=r["staff"]).get_json()
        assert doc["students"][0]["preferences"] == [str(o) for o in offers]


def test_a_reordered_list_keeps_its_rows_and_moves_their_ranks(
        client: FlaskClient, make: Factory) -> None:
    """On PostgreSQL an offer kept in the list keeps its row and only its rank is written
    (no foreign key is checked again, docs/PERFORMANCE.md, session 10); an offer no longer
    listed loses its row and a new one gets one. Elsewhere the list is replaced whole."""
    r = _open_round(client, make)
    with client.application.app_context():
        if db.session.connection().dialect.name != "postgresql":
            pytest.skip("SQLite replaces the whole list")
    more = [make.offer(round_id=r["rid"]) for _ in range(3)]
    url = f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}"

    def rows() -> dict[int, tuple[int, int]]:
        with client.application.app_context():
            return {offer: (row_id, rank) for row_id, offer, rank in db.session.execute(
                select(Preference.id, Preference.offer_id, Preference.rank).where(
                    Preference.student_id == r["student"]))}

    assert client.put(url, json={"offers": [r["good"], more[0], more[1]]},
                      headers=r["me"]).status_code == 200
    before = rows()
    response = client.put(url, json={"offers": [more[1], r["good"], more[2]]}, headers=r["me"])
    assert response.status_code == 200
    after = rows()
    assert after[more[1]] == (before[more[1]][0], 1)
    assert after[r["good"]] == (before[r["good"]][0], 2)
    assert after[more[2]][1] == 3 and after[more[2]][0] not in {i for i, _ in before.values()}
    assert more[0] not in after


def test_preferences_outside_an_open_round_are_409(client: FlaskClient,
                                                   make: Factory) -> None:
    r = _open_round(client, make)
    client.post(f"/api/v1/rounds/{r['rid']}/close", headers=r["staff"])
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
                          json={"offers": [r["good"]]}, headers=r["me"])
    assert_problem(response, 409)


def test_a_student_may_not_submit_for_another(client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    other = make.token("student", f"student:{make.student()}")
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
                          json={"offers": [r["good"]]}, headers=other)
    assert_problem(response, 404)


def test_too_many_preferences_are_named(client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
                          json={"offers": [r["good"]] * 4}, headers=r["me"])
    assert_problem(response, 422, "offers")


def test_the_export_is_a_round_document_the_engine_solves(client: FlaskClient,
                                                          make: Factory) -> None:
    r = _open_round(client, make)
    client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
               json={"offers": [r["good"]]}, headers=r["me"])
    response = client.get(f"/api/v1/rounds/{r['rid']}/export", headers=r["staff"])
    assert response.status_code == 200
    rnd = parse_round(response.get_json())
    assert rnd.policy.max_preferences == 3 and len(rnd.offers) == 2
    result = allocate(rnd)
    assert [(a.student_id, a.offer_id, a.rank) for a in result.assignments] == [
        (str(r["student"]), str(r["good"]), 1)]


def test_a_company_may_not_export(client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    response = client.get(f"/api/v1/rounds/{r['rid']}/export",
                          headers=make.token("company", f"company:{make.company()}"))
    assert_problem(response, 403)


def test_allocating_a_closed_round_stores_assignments_and_report(client: FlaskClient,
                                                                 make: Factory) -> None:
    r = _open_round(client, make)
    url = f"/api/v1/rounds/{r['rid']}"
    client.put(f"{url}/preferences/{r['student']}", json={"offers": [r["good"]]},
               headers=r["me"])
    assert_problem(client.post(f"{url}/allocate", headers=r["staff"]), 409)  # still open
    assert_problem(client.get(f"{url}/report", headers=r["staff"]), 409)
    client.post(f"{url}/close", headers=r["staff"])
    response = client.post(f"{url}/allocate", headers=r["staff"])
    # The app under test runs jobs inside the request, so the 202's job is already done.
    job = response.get_json()
    assert response.status_code == 202 and response.headers["Location"] == \
        f"/api/v1/jobs/{job['id']}"
    assert job["status"] == "finished" and job["result"]["placed"] == 1
    assert client.get(url, headers=r["staff"]).get_json()["status"] == "allocated"
    rows = client.get(f"{url}/assignments", headers=r["staff"]).get_json()
    assert [(a["student_id"], a["offer_id"], a["rank"]) for a in rows] == [
        (r["student"], r["good"], 1)]
    report = client.get(f"{url}/report", headers=r["staff"]).get_json()
    assert report["status"] == "optimal" and report["stats"]["rank_profile"][0] == 1


def test_reallocating_replaces_the_assignments(client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    url = f"/api/v1/rounds/{r['rid']}"
    client.put(f"{url}/preferences/{r['student']}", json={"offers": [r["good"]]},
               headers=r["me"])
    client.post(f"{url}/close", headers=r["staff"])
    client.post(f"{url}/allocate", headers=r["staff"])
    client.post(f"{url}/allocate", headers=r["staff"])
    assert len(client.get(f"{url}/assignments", headers=r["staff"]).get_json()) == 1


def test_a_province_wide_round_takes_the_students_of_every_school(client: FlaskClient,
                                                                 make: Factory) -> None:
    admin = make.admin()
    rid = client.post("/api/v1/rounds", json={"name": "Overijssel"},
                      headers=admin).get_json()["id"]
    offer = make.offer(round_id=rid)
    twente = make.student(make.school(region="twente"))
    zwolle = make.student(make.school(region="regio-zwolle"), regions=["regio-zwolle"])
    client.post(f"/api/v1/rounds/{rid}/open", headers=admin)
    response = client.put(f"/api/v1/rounds/{rid}/preferences/{twente}", json={"offers": [offer]},
                          headers=make.token("student", f"student:{twente}"))
    assert response.status_code == 200
    students = client.get(f"/api/v1/rounds/{rid}/export", headers=admin).get_json()["students"]
    assert {s["id"] for s in students} == {str(twente), str(zwolle)}


def test_only_a_rounds_participants_submit_to_it(client: FlaskClient, make: Factory) -> None:
    """The participation rule on the submission path (read with the student, as plain
    values): a school's round takes its own students only, a regional round those who
    accept the region."""
    r = _open_round(client, make)
    outsider = make.student(make.school())
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{outsider}",
                          json={"offers": [r["good"]]},
                          headers=make.token("student", f"student:{outsider}"))
    assert_problem(response, 404)
    assert "does not take part" in response.get_json()["detail"]

    regional = make.token("coordinator", "region:twente")
    rid = client.post("/api/v1/rounds", json={"name": "Twente"},
                      headers=regional).get_json()["id"]
    offer = make.offer(round_id=rid)
    inside = make.student(make.school(), regions=["regio-zwolle", "twente"])
    outside = make.student(make.school(), regions=["regio-zwolle"])
    client.post(f"/api/v1/rounds/{rid}/open", headers=regional)
    accepted = client.put(f"/api/v1/rounds/{rid}/preferences/{inside}",
                          json={"offers": [offer]},
                          headers=make.token("student", f"student:{inside}"))
    assert accepted.status_code == 200, accepted.get_json()
    refused = client.put(f"/api/v1/rounds/{rid}/preferences/{outside}",
                         json={"offers": [offer]},
                         headers=make.token("student", f"student:{outside}"))
    assert_problem(refused, 404)
    assert "does not take part" in refused.get_json()["detail"]


def test_a_student_submitting_to_a_missing_round_gets_404(client: FlaskClient,
                                                          make: Factory) -> None:
    """The round is read with the student: no row tells no round from no student, and the
    answer still names the round."""
    r = _open_round(client, make)
    response = client.put(f"/api/v1/rounds/{r['rid'] + 1000}/preferences/{r['student']}",
                          json={"offers": [r["good"]]}, headers=r["me"])
    assert_problem(response, 404)
    assert "no round" in response.get_json()["detail"]


def test_a_student_of_two_regions_lists_offers_in_both(client: FlaskClient,
                                                       make: Factory) -> None:
    """The student's regions are read with the listed offers (on PostgreSQL in one
    statement, a row per region and offer): each region counts once, in the student's
    order, and every listed offer is judged."""
    admin = make.admin()
    rid = client.post("/api/v1/rounds", json={"name": "Overijssel"},
                      headers=admin).get_json()["id"]
    zwolle = make.offer(round_id=rid, region="regio-zwolle")
    twente = [make.offer(round_id=rid, region="twente") for _ in range(2)]
    student = make.student(make.school(region="twente"), regions=["regio-zwolle", "twente"])
    client.post(f"/api/v1/rounds/{rid}/open", headers=admin)
    me = make.token("student", f"student:{student}")
    url = f"/api/v1/rounds/{rid}/preferences/{student}"
    listed = [twente[0], zwolle, twente[1]]
    response = client.put(url, json={"offers": listed}, headers=me)
    assert response.status_code == 200 and response.get_json()["offers"] == listed
    with client.application.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "preferences.submit")).one()
    assert event.region == "regio-zwolle"  # the first of the student's regions
    # An offer of another round is no offer of this one, whatever its place in the list.
    other = make.offer(round_id=client.post("/api/v1/rounds", json={"name": "Ander"},
                                            headers=admin).get_json()["id"])
    body = assert_problem(client.put(url, json={"offers": [zwolle, other]}, headers=me),
                          422, "offers.1")
    assert f"offer {other} is not an open offer of this round" in str(body)


def test_a_list_longer_than_any_round_takes_is_refused_by_its_length(
        client: FlaskClient, make: Factory) -> None:
    r = _open_round(client, make)
    response = client.put(f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}",
                          json={"offers": list(range(1, 500))}, headers=r["me"])
    body = assert_problem(response, 422, "offers")
    assert "at most 3 preferences" in str(body)


def test_the_listed_offers_are_read_by_their_key_in_the_prepared_plan(
        client: FlaskClient, make: Factory) -> None:
    """A student's PUT reads the listed offers with a statement PostgreSQL runs prepared, so
    after five runs it is planned once for any round (a generic plan). That plan never
    reads the offers through the round's index: joined on the round, without statistics
    it ANDed the round's index with the key, reading every offer id of the round for each
    PUT (24,861 in a province; docs/PERFORMANCE.md, session 9)."""
    r = _open_round(client, make)
    with client.application.app_context():
        if db.session.connection().dialect.name != "postgresql":
            pytest.skip("prepared statements and their generic plans are PostgreSQL's")
    url = f"/api/v1/rounds/{r['rid']}/preferences/{r['student']}"
    with statements(client.application) as seen:
        assert client.put(url, json={"offers": [r["good"]]}, headers=r["me"]).status_code == 200
    (sql,) = [s for s in seen if "FOR UPDATE" in s and "offers" in s]
    names: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    values = {"round_id": str(r["rid"]), "offer_ids": "'{1,2,3}'",
              "student_id": str(r["student"])}
    with client.application.app_context():
        conn = db.session.connection()
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql("PREPARE lock_and_read AS "
                             + re.sub(r"%\((\w+)\)s", numbered, sql))
        plan = json.dumps(conn.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) EXECUTE lock_and_read("
            + ", ".join(values[n] for n in names) + ")").scalar())
        conn.exec_driver_sql("DEALLOCATE lock_and_read")
        db.session.rollback()
    indexes = re.findall(r'"Index Name": "(\w+)"', plan)
    assert "ix_offers_round_id" not in indexes, indexes
