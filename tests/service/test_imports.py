"""Bulk imports: students and offers by upload, rounds from a document; all or nothing."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from seeds.generator import generate_round
from service.bulk import lock_existing, may_skip_row_triggers
from service.extensions import db
from service.identity.principals import Principal
from service.models import Company, Offer, Preference, Role, Round, School, Student
from service.rounds import imports
from service.rounds.loading import round_model
from solver import allocate
from solver.document import parse_round

from .conftest import Factory, assert_problem
from .test_offers import new_offer
from .test_students import new_student


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def csv_post(client: FlaskClient, url: str, text: str, headers: dict[str, str]) -> Any:
    return client.post(url, data=text.encode(), headers={**headers,
                                                          "Content-Type": "text/csv"})


# Students ---------------------------------------------------------------------------------

def test_students_import_from_a_json_array(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    rows = [new_student(school, student_number=f"n{i}") for i in range(3)]
    response = client.post("/api/v1/students/import", json=rows,
                           headers=make.token("coordinator", f"school:{school}"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["created"] == 3 and body["updated"] == 0 and len(body["ids"]) == 3
    stored = client.get(f"/api/v1/students/{body['ids'][1]}", headers=make.admin()).get_json()
    assert {k: stored[k] for k in rows[1]} == rows[1]


def test_students_import_from_csv(client: FlaskClient, make: Factory, app: Flask) -> None:
    school = make.school()
    text = ("school_id,student_number,level,pathways,sector,regions,lat,lon,priority\n"
            f"{school},a1,2,BOL;BBL,zorg-welzijn,twente;regio-zwolle,52.3,6.6,true\n"
            f"{school},a2,4,BBL,techniek,twente,,,\n")
    response = csv_post(client, "/api/v1/students/import", text, make.admin())
    assert response.status_code == 200, response.get_json()
    first, second = (client.get(f"/api/v1/students/{i}", headers=make.admin()).get_json()
                     for i in response.get_json()["ids"])
    assert first["pathways"] == ["BOL", "BBL"] and first["regions"] == ["twente",
                                                                        "regio-zwolle"]
    assert first["location"] == {"lat": 52.3, "lon": 6.6} and first["priority"] is True
    assert second["location"] is None and second["priority"] is False


def test_every_bad_row_is_named_and_nothing_is_written(client: FlaskClient, make: Factory,
                                                       app: Flask) -> None:
    school = make.school()
    rows = [new_student(school, student_number="ok"), new_student(school, level=7),
            new_student(999, student_number="x")]
    body = assert_problem(client.post("/api/v1/students/import", json=rows,
                                      headers=make.admin()), 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"1.level", "2.school_id"}
    assert count(app, Student) == 0


def test_csv_errors_name_the_line(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    text = ("school_id,student_number,level,pathways,sector,regions\n"
            f"{school},a1,2,BOL,zorg-welzijn,twente\n"
            f"{school},a2,five,BOL,zorg-welzijn,twente\n")
    assert_problem(csv_post(client, "/api/v1/students/import", text, make.admin()), 422,
                   "line.3.level")


def test_a_number_twice_in_one_upload_is_refused(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    rows = [new_student(school), new_student(school)]
    assert_problem(client.post("/api/v1/students/import", json=rows, headers=make.admin()),
                   422, "1.student_number")


def test_a_known_number_is_refused_unless_updating(client: FlaskClient, make: Factory,
                                                   app: Flask) -> None:
    school = make.school()
    make.student(school, student_number="2027-0042", level=2)
    rows = [new_student(school, level=4)]
    assert_problem(client.post("/api/v1/students/import", json=rows, headers=make.admin()),
                   422, "0.student_number")
    response = client.post("/api/v1/students/import?on_conflict=update", json=rows,
                           headers=make.admin())
    assert response.get_json()["updated"] == 1 and response.get_json()["created"] == 0
    stored = client.get(f"/api/v1/students/{response.get_json()['ids'][0]}",
                        headers=make.admin()).get_json()
    assert stored["level"] == 4 and stored["regions"] == ["twente", "regio-zwolle"]
    assert count(app, Student) == 1


def test_a_coordinator_cannot_import_another_schools_students(client: FlaskClient,
                                                              make: Factory,
                                                              app: Flask) -> None:
    mine, other = make.school(), make.school()
    rows = [new_student(mine, student_number="a"), new_student(other, student_number="b")]
    assert_problem(client.post("/api/v1/students/import", json=rows,
                               headers=make.token("coordinator", f"school:{mine}")),
                   403, "1.school_id")
    assert count(app, Student) == 0


@pytest.mark.parametrize("role", ["company", "student"])
def test_only_staff_import_students(client: FlaskClient, make: Factory, role: str) -> None:
    scope = f"company:{make.company()}" if role == "company" else f"student:{make.student()}"
    assert_problem(client.post("/api/v1/students/import", json=[],
                               headers=make.token(role, scope)), 403)


def test_an_upload_needs_a_token(client: FlaskClient) -> None:
    assert_problem(client.post("/api/v1/students/import", json=[]), 401)


def test_an_upload_of_another_type_is_refused(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/students/import", data=b"<xml/>",
                           headers={**make.admin(), "Content-Type": "application/xml"})
    assert_problem(response, 415)


def test_malformed_json_is_a_bad_request(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/students/import", data=b"[{",
                           headers={**make.admin(), "Content-Type": "application/json"})
    assert_problem(response, 400)


def test_an_upload_must_be_an_array(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.post("/api/v1/students/import", json={"a": 1},
                               headers=make.admin()), 422, "_schema")


# Offers -----------------------------------------------------------------------------------

def test_a_company_imports_its_own_offers(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    rows = [new_offer(), new_offer(title="Zelfstandig werkend kok", capacity=1,
                                   reserved_priority=0)]
    response = client.post("/api/v1/offers/import", json=rows,
                           headers=make.token("company", f"company:{company}"))
    assert response.status_code == 200, response.get_json()
    ids = response.get_json()["ids"]
    stored = client.get(f"/api/v1/offers/{ids[1]}", headers=make.admin()).get_json()
    assert stored["company_id"] == company and stored["title"] == "Zelfstandig werkend kok"
    assert stored["levels"] == [2, 3] and stored["pathways"] == ["BOL", "BBL"]


def test_a_company_cannot_import_offers_for_another(client: FlaskClient, make: Factory,
                                                    app: Flask) -> None:
    mine, other = make.company(), make.company()
    response = client.post("/api/v1/offers/import", json=[new_offer(), new_offer(other)],
                           headers=make.token("company", f"company:{mine}"))
    assert_problem(response, 403, "1.company_id")
    assert count(app, Offer) == 0


def test_offer_rows_break_cross_field_rules(client: FlaskClient, make: Factory,
                                            app: Flask) -> None:
    company = make.company(qualifications=["25180"])
    text = ("company_id,title,levels,pathways,qualifications,sector,region,capacity,"
            "reserved_priority\n"
            f"{company},Kok,2;3,BOL,25180,gastvrijheid,twente,2,0\n"
            f"{company},Zorg,3,BOL,25603,zorg-welzijn,twente,2,0\n"
            f"{company},Kok,2,BBL,25180,gastvrijheid,twente,1,2\n"
            f"{company + 100},Kok,2,BBL,25180,gastvrijheid,twente,1,0\n")
    body = assert_problem(csv_post(client, "/api/v1/offers/import", text, make.admin()), 422)
    assert {e["field"] for e in body["errors"]} == {
        "line.3.qualifications", "line.4.reserved_priority", "line.5.company_id"}
    assert count(app, Offer) == 0


def test_staff_name_the_company_of_each_offer(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.post("/api/v1/offers/import", json=[new_offer()],
                               headers=make.admin()), 422, "0.company_id")


# Rounds -----------------------------------------------------------------------------------

def small_round(students: int = 40, seed: int = 3) -> dict[str, Any]:
    doc: dict[str, Any] = generate_round(students, seed=seed)
    return doc


def test_an_admin_imports_a_generated_round_province_wide(client: FlaskClient,
                                                          make: Factory,
                                                          app: Flask) -> None:
    doc = small_round()
    response = client.post("/api/v1/rounds/import", json=doc, headers=make.admin())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["round"]["status"] == "draft"
    assert body["round"]["school_id"] is None and body["round"]["region"] is None
    assert body["offers"] == len(doc["offers"])
    assert body["environments"] == len(doc["environments"])
    assert body["students_created"] == body["students_in_round"] == len(doc["students"])
    assert body["preferences"] == sum(len(s["preferences"]) for s in doc["students"])
    assert body["companies_created"] == len({o["company_id"] for o in doc["offers"]})
    with app.app_context():
        codes = set(db.session.scalars(select(School.code)))
        kvks = set(db.session.scalars(select(Company.kvk_number)))
    assert codes == {s["school_id"] for s in doc["students"]}
    assert kvks == {o["company_id"].removeprefix("kvk-") for o in doc["offers"]}


def test_an_imported_round_allocates_as_its_document_does(client: FlaskClient,
                                                          make: Factory, app: Flask) -> None:
    doc = small_round(60, seed=5)
    body = client.post("/api/v1/rounds/import", json=doc, headers=make.admin()).get_json()
    with app.app_context():
        stored = round_model(db.session, db.session.get(Round, body["round"]["id"]))
    offers = {o["id"] for o in doc["offers"]}
    for s in doc["students"]:  # as the import stores lists: unknown and repeated dropped
        s["preferences"] = [o for o in dict.fromkeys(s["preferences"]) if o in offers]
    direct, imported = allocate(parse_round(doc)), allocate(stored)
    assert imported.stats.students == direct.stats.students
    assert imported.stats.placed == direct.stats.placed > 0
    assert imported.stats.rank_profile == direct.stats.rank_profile
    assert imported.stats.placed_priority == direct.stats.placed_priority


def test_an_exported_round_imports_again_with_database_ids(client: FlaskClient,
                                                           make: Factory,
                                                           app: Flask) -> None:
    first = client.post("/api/v1/rounds/import", json=small_round(),
                        headers=make.admin()).get_json()
    exported = client.get(f"/api/v1/rounds/{first['round']['id']}/export",
                          headers=make.admin()).get_json()
    response = client.post("/api/v1/rounds/import?ids=database", json=exported,
                           headers=make.admin())
    assert response.status_code == 201, response.get_json()
    second = response.get_json()
    assert second["students_matched"] == first["students_created"]
    assert second["students_created"] == second["companies_created"] == 0
    assert second["preferences"] == first["preferences"]
    again = client.get(f"/api/v1/rounds/{second['round']['id']}/export",
                       headers=make.admin()).get_json()
    assert [s["preferences"] != [] for s in again["students"]] == [
        s["preferences"] != [] for s in exported["students"]]
    assert count(app, Student) == first["students_created"]


def test_importing_again_updates_the_students(client: FlaskClient, make: Factory,
                                              app: Flask) -> None:
    doc = small_round()
    client.post("/api/v1/rounds/import", json=doc, headers=make.admin())
    changed = copy.deepcopy(doc)
    changed["students"][0]["level"] = 1 + changed["students"][0]["level"] % 4
    body = client.post("/api/v1/rounds/import", json=changed, headers=make.admin()).get_json()
    assert body["students_updated"] == len(doc["students"]) and body["students_created"] == 0
    with app.app_context():
        level = db.session.scalar(select(Student.level).where(
            Student.student_number == doc["students"][0]["id"]))
    assert level == changed["students"][0]["level"]


def test_a_malformed_document_names_the_field(client: FlaskClient, make: Factory,
                                              app: Flask) -> None:
    doc = small_round()
    doc["students"][2]["level"] = 9
    assert_problem(client.post("/api/v1/rounds/import", json=doc, headers=make.admin()),
                   422, "students[2].level")
    assert count(app, Round) == 0


def test_an_unknown_company_writes_nothing(client: FlaskClient, make: Factory,
                                           app: Flask) -> None:
    doc = small_round()
    doc["offers"][1]["company_id"] = "bakkerij-jansen"
    assert_problem(client.post("/api/v1/rounds/import", json=doc, headers=make.admin()),
                   422, "offers[1].company_id")
    assert count(app, Round) == count(app, Company) == count(app, School) == 0


def test_unknown_and_repeated_preferences_are_dropped_with_a_warning(
        client: FlaskClient, make: Factory, app: Flask) -> None:
    doc = small_round()
    first, second = doc["offers"][0]["id"], doc["offers"][1]["id"]
    doc["students"][0]["preferences"] = [first, "of-999999", first, second]
    body = client.post("/api/v1/rounds/import", json=doc, headers=make.admin()).get_json()
    assert [w["field"] for w in body["warnings"] if w["field"].startswith("students[0]")] == [
        "students[0].preferences[1]", "students[0].preferences[2]"]
    exported = client.get(f"/api/v1/rounds/{body['round']['id']}/export",
                          headers=make.admin()).get_json()
    assert len(exported["students"][0]["preferences"]) == 2
    assert count(app, Preference) == body["preferences"]


def test_company_rankings_are_not_stored(client: FlaskClient, make: Factory) -> None:
    doc = small_round()
    doc["company_rankings"] = {doc["offers"][0]["id"]: [doc["students"][0]["id"]]}
    assert_problem(client.post("/api/v1/rounds/import", json=doc, headers=make.admin()),
                   422, "company_rankings")


def test_a_school_coordinator_imports_only_their_schools_students(client: FlaskClient,
                                                                  make: Factory,
                                                                  app: Flask) -> None:
    doc = small_round()
    school = make.school(code="deltion", region="regio-zwolle")
    make.school(code="rocvantwente", region="twente")
    make.school(code="aventus", region="stedendriehoek")
    make.school(code="landstede", region="regio-zwolle")
    make.school(code="cibap", region="regio-zwolle")
    headers = make.token("coordinator", f"school:{school}")
    body = assert_problem(client.post("/api/v1/rounds/import", json=doc, headers=headers),
                          422)
    others = [i for i, s in enumerate(doc["students"]) if s["school_id"] != "deltion"]
    assert f"students[{others[0]}].school_id" in [e["field"] for e in body["errors"]]
    assert count(app, Round) == 0
    doc["students"] = [s for s in doc["students"] if s["school_id"] == "deltion"]
    assert doc["students"]
    response = client.post("/api/v1/rounds/import", json=doc, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["round"]["school_id"] == school


def test_a_regional_round_takes_only_students_of_the_region(app: Flask, client: FlaskClient,
                                                            make: Factory) -> None:
    doc = small_round()
    response = client.post("/api/v1/rounds/import?region=twente", json=doc,
                           headers=make.admin())
    body = assert_problem(response, 422)
    outside = [i for i, s in enumerate(doc["students"]) if "twente" not in s["regions"]]
    assert f"students[{outside[0]}].regions" in [e["field"] for e in body["errors"]]
    # Refused whole: the students written before the check are gone with the round.
    assert (count(app, Round), count(app, Student)) == (0, 0)


def test_pinned_placements_become_accepted_assignments(client: FlaskClient, make: Factory,
                                                       app: Flask) -> None:
    doc = small_round()
    student = next(s for s in doc["students"] if s["preferences"])
    doc["pinned"] = [{"student_id": student["id"], "offer_id": student["preferences"][0]}]
    body = client.post("/api/v1/rounds/import", json=doc, headers=make.admin()).get_json()
    assert body["pinned"] == 1
    exported = client.get(f"/api/v1/rounds/{body['round']['id']}/export",
                          headers=make.admin()).get_json()
    assert len(exported["pinned"]) == 1


@pytest.mark.parametrize("role", ["company", "student"])
def test_only_staff_import_rounds(client: FlaskClient, make: Factory, role: str) -> None:
    scope = f"company:{make.company()}" if role == "company" else f"student:{make.student()}"
    assert_problem(client.post("/api/v1/rounds/import", json=small_round(),
                               headers=make.token(role, scope)), 403)


def test_a_round_import_needs_a_json_body(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/rounds/import", data=json.dumps(small_round())[:50],
                           headers={**make.admin(), "Content-Type": "application/json"})
    assert_problem(response, 400)


# The preferences of a round import on PostgreSQL: checked set-wise, COPYed without row triggers

def postgresql_only(app: Flask) -> None:
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("session_replication_role and row locks are PostgreSQL's")


def spy_on_trigger_switch(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records each use of ``row_triggers_off`` by the import."""
    used: list[bool] = []
    real = imports.row_triggers_off

    @contextmanager
    def spy(session: Session) -> Iterator[None]:
        used.append(True)
        with real(session):
            yield

    monkeypatch.setattr(imports, "row_triggers_off", spy)
    return used


def test_a_round_import_copies_its_preferences_without_row_triggers(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    postgresql_only(app)
    used = spy_on_trigger_switch(monkeypatch)
    doc = small_round()
    with app.app_context():
        summary = imports.import_round(db.session, Principal(Role.ADMIN, ""),
                                       json.dumps(doc).encode())
        # Switched on again inside the same transaction, right after the COPY.
        assert db.session.scalar(text("SHOW session_replication_role")) == "origin"
        db.session.commit()
        stored = db.session.scalar(select(func.count()).select_from(Preference))
    assert used == [True]
    assert stored == summary.preferences == sum(len(s["preferences"]) for s in doc["students"])


def test_the_tables_written_without_row_triggers_have_only_their_foreign_keys(
        app: Flask) -> None:
    """The import's window without row triggers is safe because the only row triggers of the
    tables it writes are their foreign keys' checks, which it replaces. A trigger of any
    other kind added to them would be skipped silently there: this test makes it a decision
    (check it in ``imports._Checks``, or write that table outside the window)."""
    postgresql_only(app)
    with app.app_context():
        own = db.session.execute(text(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = ANY(ARRAY['offers', 'students', 'student_regions', "
            "'preferences']::regclass[])")).all()
    assert own == []


def test_a_role_that_may_not_switch_triggers_off_imports_with_them(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    postgresql_only(app)
    used = spy_on_trigger_switch(monkeypatch)
    role = f"import_plain_{uuid.uuid4().hex[:12]}"
    doc = small_round()
    with app.app_context():
        session = db.session
        # All of it in one transaction that is rolled back: the role leaves nothing behind.
        session.execute(text(f"CREATE ROLE {role} NOSUPERUSER NOLOGIN"))
        session.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        session.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        session.execute(text(f"SET LOCAL ROLE {role}"))
        assert not may_skip_row_triggers(session)
        summary = imports.import_round(session, Principal(Role.ADMIN, ""),
                                       json.dumps(doc).encode())
        stored = session.scalar(select(func.count()).select_from(Preference))
        session.rollback()
    assert used == []
    assert stored == summary.preferences == sum(len(s["preferences"]) for s in doc["students"])


def test_a_role_granted_the_setting_may_switch_triggers_off(app: Flask) -> None:
    postgresql_only(app)
    role = f"import_granted_{uuid.uuid4().hex[:12]}"
    with app.app_context():
        session = db.session
        if (session.connection().dialect.server_version_info or (0,)) < (15,):
            pytest.skip("GRANT SET ON PARAMETER is PostgreSQL 15's")
        session.execute(text(f"CREATE ROLE {role} NOSUPERUSER NOLOGIN"))
        session.execute(text(f"GRANT SET ON PARAMETER session_replication_role TO {role}"))
        session.execute(text(f"SET LOCAL ROLE {role}"))
        assert may_skip_row_triggers(session)
        session.rollback()


def test_the_set_wise_check_locks_what_it_finds_and_names_what_it_does_not(
        app: Flask, make: Factory) -> None:
    postgresql_only(app)
    student = make.student()
    with app.app_context():
        assert lock_existing(db.session, Student, [student, student + 1000]) == {student + 1000}
        # Locked FOR KEY SHARE as a foreign key's check would: a deletion must wait, an
        # update of its other columns need not (nor another round's list naming it).
        with db.engine.connect() as other:
            other.execute(text("SET lock_timeout = '200ms'"))
            other.execute(text("UPDATE students SET level = 3 WHERE id = :id"),
                          {"id": student})
            other.rollback()
            other.execute(text("SET lock_timeout = '200ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                other.execute(text("DELETE FROM students WHERE id = :id"), {"id": student})
        db.session.rollback()


def test_a_student_deleted_during_the_import_is_named_and_nothing_is_written(
        client: FlaskClient, make: Factory, app: Flask,
        monkeypatch: pytest.MonkeyPatch) -> None:
    postgresql_only(app)
    doc = small_round()
    real = imports.lock_existing

    def second_student_gone(session: Session, model: type[Any], ids: Any) -> set[int]:
        missing = real(session, model, ids)
        return missing | {sorted(ids)[1]} if model is Student else missing

    monkeypatch.setattr(imports, "lock_existing", second_student_gone)
    response = client.post("/api/v1/rounds/import", json=doc, headers=make.admin())
    body = assert_problem(response, 409)
    assert [e["field"] for e in body["errors"]] == ["students[1].id"]
    assert body["errors"][0]["message"] == (f"student {doc['students'][1]['id']!r} was "
                                            "deleted during the import")
    assert (count(app, Round), count(app, Student), count(app, Preference)) == (0, 0, 0)


def test_a_company_deleted_before_its_offers_are_written_is_named(
        client: FlaskClient, make: Factory, app: Flask,
        monkeypatch: pytest.MonkeyPatch) -> None:
    postgresql_only(app)
    doc = small_round()
    ref = doc["offers"][2]["company_id"]  # a KvK number: registered, unless stored
    theirs = [i for i, o in enumerate(doc["offers"]) if o["company_id"] == ref]
    company = make.company(kvk_number=ref.removeprefix("kvk-"), qualifications=sorted(
        {q for i in theirs for q in doc["offers"][i]["qualifications"]}))
    first = theirs[0]
    real = imports.lock_existing

    def stored_company_gone(session: Session, model: type[Any], ids: Any) -> set[int]:
        missing = real(session, model, ids)
        return missing | {company} if model is Company else missing

    monkeypatch.setattr(imports, "lock_existing", stored_company_gone)
    body = assert_problem(client.post("/api/v1/rounds/import", json=doc,
                                      headers=make.admin()), 409)
    assert [e["field"] for e in body["errors"]] == [f"offers[{first}].company_id"]
    assert (count(app, Round), count(app, Offer), count(app, Preference)) == (0, 0, 0)


def test_one_unknown_value_among_a_rounds_known_ones_is_named(client: FlaskClient,
                                                              make: Factory) -> None:
    # The distinct values are checked first; one unknown sends every record through the
    # record-by-record check, which names it.
    doc = small_round()
    doc["students"][-1]["regions"] = [*doc["students"][-1]["regions"], "twnete"]
    body = assert_problem(client.post("/api/v1/rounds/import", json=doc,
                                      headers=make.admin()), 422)
    last = len(doc["students"]) - 1
    assert [e["field"] for e in body["errors"]] == [
        f"students[{last}].regions[{len(doc['students'][-1]['regions']) - 1}]"]
