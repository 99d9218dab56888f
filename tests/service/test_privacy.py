"""AVG/GDPR: data export, erasure that keeps round statistics, retention purge, clean logs."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, update

from service.cli import main
from service.extensions import db
from service.models import AuditEvent, Round, Student

from .conftest import Factory, assert_problem

NUMBER = "NR-5551234"


def _finished_round(client: FlaskClient, make: Factory, finish: bool = True
                    ) -> dict[str, Any]:
    """A school's round with two students, one placed and accepted; finished if asked."""
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    offer = make.offer(round_id=rid, capacity=1)
    placed = make.student(school, student_number=NUMBER, home_place="Hengelo",
                          location={"lat": 52.26, "lon": 6.79}, max_travel_km=25,
                          priority=True, available_from=dt.date(2025, 2, 1))
    other = make.student(school)
    me = make.token("student", f"student:{placed}")
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    for sid in (placed, other):
        client.put(f"{url}/preferences/{sid}", json={"offers": [offer]}, headers=staff)
    client.post(f"{url}/close", headers=staff)
    client.post(f"{url}/allocate", headers=staff)
    client.post(f"{url}/publish", headers=staff)
    rows = client.get(f"{url}/assignments", headers=staff).get_json()
    for row in rows:
        party = me if row["student_id"] == placed else make.token("student",
                                                                  f"student:{other}")
        client.post(f"/api/v1/assignments/{row['id']}/accept", headers=party)
    if finish:
        assert client.post(f"{url}/finish", headers=staff).status_code == 200
    return {"round": rid, "school": school, "staff": staff, "student": placed, "me": me,
            "other": other, "offer": offer}


def test_a_student_exports_everything_stored_about_them(client: FlaskClient,
                                                        make: Factory) -> None:
    r = _finished_round(client, make)
    response = client.get(f"/api/v1/students/{r['student']}/data-export", headers=r["me"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["format"] == "leerplek-data-export/1"
    assert body["student"]["student_number"] == NUMBER
    assert body["student"]["home_place"] == "Hengelo" and body["student"]["priority"] is True
    assert body["preferences"] == [{"round_id": r["round"], "round_name": "Voorjaar",
                                    "offers": [r["offer"]]}]
    [placement] = body["assignments"]
    assert placement["status"] == "accepted" and placement["student_response"] == "accepted"
    assert len(body["tokens"]) == 1 and "token" not in body["tokens"][0]
    actions = {e["action"] for e in body["audit_events"]}
    assert actions == {"preferences.submit", "assignment.accept", "token.create"}
    [pok] = body["praktijkovereenkomsten"]
    assert (pok["plaatsing_id"], pok["status"], pok["volgnummer"]) == (placement["id"],
                                                                       "voorlopig", 1)
    assert not any("naam" in key or "email" in key for key in pok)


def test_staff_in_scope_export_and_others_do_not(client: FlaskClient, make: Factory) -> None:
    r = _finished_round(client, make)
    url = f"/api/v1/students/{r['student']}/data-export"
    assert client.get(url, headers=r["staff"]).status_code == 200
    assert_problem(client.get(url, headers=make.token("coordinator",
                                                      f"school:{make.school()}")), 404)
    assert_problem(client.get(url, headers=make.token("student", f"student:{r['other']}")),
                   404)
    assert_problem(client.get(url, headers=make.token("company",
                                                      f"company:{make.company()}")), 403)


def test_erasure_leaves_nothing_personal_in_the_export(client: FlaskClient,
                                                       make: Factory) -> None:
    r = _finished_round(client, make)
    response = client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"])
    assert response.status_code == 200
    assert response.get_json()["student_number"].startswith("erased-")
    export = client.get(f"/api/v1/students/{r['student']}/data-export",
                        headers=r["staff"]).get_json()
    text = json.dumps(export)
    for personal in (NUMBER, "Hengelo", "52.26", "6.79", "2025-02-01", "25180"):
        assert personal not in text
    student = export["student"]
    assert student["location"] is None and student["max_travel_km"] is None
    assert student["priority"] is False and student["erased_at"]
    assert export["tokens"] == []
    # What the statistics need stays.
    assert (student["level"], student["sector"], student["regions"]) == (
        2, "gastvrijheid", ["twente"])


def test_erasure_keeps_the_round_statistics(client: FlaskClient, make: Factory) -> None:
    r = _finished_round(client, make)
    url = f"/api/v1/rounds/{r['round']}"
    report = client.get(f"{url}/report", headers=r["staff"]).get_json()
    assignments = client.get(f"{url}/assignments", headers=r["staff"]).get_json()
    assert NUMBER not in json.dumps(report)
    client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"])
    assert client.get(f"{url}/report", headers=r["staff"]).get_json() == report
    assert client.get(f"{url}/assignments", headers=r["staff"]).get_json() == assignments


def test_erasure_revokes_the_students_tokens(client: FlaskClient, make: Factory) -> None:
    r = _finished_round(client, make)
    client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"])
    assert_problem(client.get("/api/v1/assignments", headers=r["me"]), 401)


def test_erasure_waits_for_the_round_to_finish(client: FlaskClient, make: Factory) -> None:
    r = _finished_round(client, make, finish=False)
    assert_problem(client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"]),
                   409)


def test_erasing_twice_is_a_conflict(client: FlaskClient, make: Factory) -> None:
    r = _finished_round(client, make)
    client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"])
    assert_problem(client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"]),
                   409)


def test_only_staff_in_scope_erase(client: FlaskClient, make: Factory) -> None:
    r = _finished_round(client, make)
    url = f"/api/v1/students/{r['student']}/erase"
    assert_problem(client.post(url, headers=r["me"]), 403)
    assert_problem(client.post(url, headers=make.token("coordinator",
                                                       f"school:{make.school()}")), 404)


def test_erasure_is_audited_without_the_erased_values(client: FlaskClient,
                                                      make: Factory) -> None:
    r = _finished_round(client, make)
    client.post(f"/api/v1/students/{r['student']}/erase", headers=r["staff"])
    events = client.get("/api/v1/audit", headers=make.admin(),
                        query_string={"page_size": 100}).get_data(as_text=True)
    assert "student.erase" in events and NUMBER not in events and "Hengelo" not in events


# Retention purge ----------------------------------------------------------------------------

def _age(app: Flask, round_id: int, days: int) -> None:
    """Move a round's finish, and every audit event, ``days`` into the past."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with app.app_context(), db.transaction() as session:
        session.execute(update(Round).where(Round.id == round_id).values(finished_at=past))
        session.execute(update(AuditEvent).values(at=past))


def _numbers(app: Flask) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(select(Student.id, Student.student_number)).all())


def test_purge_erases_students_of_rounds_finished_long_ago(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    old = _finished_round(client, make)
    _age(app, old["round"], 800)
    recent = _finished_round(client, make)
    running = _finished_round(client, make, finish=False)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["purge", "--older-than-days", "730"]) == 0
    assert "erased 2 students" in capsys.readouterr().out
    numbers = _numbers(app)
    assert numbers[old["student"]].startswith("erased-")
    assert numbers[old["other"]].startswith("erased-")
    for kept in (recent["student"], running["student"], running["other"]):
        assert not numbers[kept].startswith("erased-")


def test_purge_deletes_audit_events_past_retention(
        app: Flask, client: FlaskClient, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = _finished_round(client, make)
    _age(app, old["round"], 800)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["purge", "--older-than-days", "730"]) == 0
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert actions == {"student.erase", "token.delete"}


def test_purge_takes_its_period_from_the_configuration(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    old = _finished_round(client, make)
    _age(app, old["round"], 100)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["purge"]) == 0  # the default, 730 days: nothing yet
    assert "erased 0 students" in capsys.readouterr().out
    monkeypatch.setenv("RETENTION_DAYS", "90")
    assert main(["purge"]) == 0
    assert "erased 2 students" in capsys.readouterr().out


def _past_retention(app: Flask, client: FlaskClient, make: Factory,
                    monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """A round finished 800 days ago, the command line pointed at the test database; the
    student numbers before any purge."""
    old = _finished_round(client, make)
    _age(app, old["round"], 800)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    return _numbers(app)


def test_a_dry_run_counts_and_changes_nothing(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = _past_retention(app, client, make, monkeypatch)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert main(["purge", "--older-than-days", "730", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would erase 2 students and would delete {events} audit events" in out
    assert _numbers(app) == before


def test_purge_refuses_a_period_below_one_day(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["purge", "--older-than-days", "-3"]) == 2
    assert "at least one day" in capsys.readouterr().err


def test_purge_refuses_zero_days_instead_of_using_the_default(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = _past_retention(app, client, make, monkeypatch)
    assert main(["purge", "--older-than-days", "0"]) == 2
    assert "at least one day" in capsys.readouterr().err
    assert _numbers(app) == before  # not the 730-day default's erasure


# Logs -----------------------------------------------------------------------------------------

def test_logs_never_contain_tokens_or_student_numbers(
        app: Flask, client: FlaskClient, make: Factory, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "werkzeug", "flask", "service"):
        caplog.set_level(logging.DEBUG, logger=name)
    school = make.school()
    issued = client.post("/api/v1/tokens", headers=make.admin(), json={"role": "admin"})
    admin_token = issued.get_json()["token"]
    admin = {"Authorization": f"Bearer {admin_token}"}
    staff = make.token("coordinator", f"school:{school}")
    secrets = [admin_token, staff["Authorization"].split()[1]]
    numbers = ["LEAK-000001", "LEAK-000002", "LEAK-000003"]

    # Valid and invalid tokens, reads with a student-number filter, writes, an import.
    client.post("/api/v1/students", headers=staff, json={
        "school_id": school, "student_number": numbers[0], "level": 2, "pathways": ["BOL"],
        "sector": "zorg-welzijn", "regions": ["twente"]})
    client.get("/api/v1/students", headers=staff, query_string={"student_number": numbers[0]})
    client.get("/api/v1/schools", headers={"Authorization": "Bearer lp_not-a-real-token"})
    csv = f"school_id,student_number,level,pathways,sector,regions\n" \
          f"{school},{numbers[1]},2,BOL,zorg,twente\n{school},{numbers[1]},9,BOL,zorg,twente\n"
    client.post("/api/v1/students/import", headers=staff, data=csv,
                content_type="text/csv")
    client.post("/api/v1/students/import", headers=staff, data=csv.splitlines()[0] + "\n"
                + csv.splitlines()[1] + "\n", content_type="text/csv")
    rid = client.post("/api/v1/rounds", json={"name": "R"}, headers=staff).get_json()["id"]
    offer = make.offer(round_id=rid)
    sid = client.get("/api/v1/students", headers=staff,
                     query_string={"student_number": numbers[0]}).get_json()[0]["id"]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    me = client.post("/api/v1/tokens", headers=staff,
                     json={"role": "student", "scope": f"student:{sid}"}).get_json()["token"]
    secrets.append(me)
    client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", json={"offers": [offer]},
               headers={"Authorization": f"Bearer {me}"})
    client.get(f"/api/v1/students/{sid}/data-export", headers=admin)

    # A write that collides in the database itself (a race the check did not see):
    # the integrity error's text names the values on PostgreSQL.
    import service.api.students as views

    def colliding_save(session: Any, actor: Any, student: Any, data: dict[str, Any]) -> Any:
        session.execute(insert(Student).values(
            school_id=school, student_number=numbers[0], level=2, pathway_mask=1,
            sector="zorg"))
        raise AssertionError("the insert must collide")

    monkeypatch.setattr(views, "save_student", colliding_save)
    collided = client.post("/api/v1/students", headers=staff, json={
        "school_id": school, "student_number": numbers[2], "level": 2, "pathways": ["BOL"],
        "sector": "zorg-welzijn", "regions": ["twente"]})
    assert collided.status_code == 409

    # An unexpected failure: the 500 path logs its traceback.
    def failing_save(session: Any, actor: Any, student: Any, data: dict[str, Any]) -> Any:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(views, "save_student", failing_save)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failed = client.post("/api/v1/students", headers=staff, json={
        "school_id": school, "student_number": numbers[2], "level": 2, "pathways": ["BOL"],
        "sector": "zorg-welzijn", "regions": ["twente"]})
    assert failed.status_code == 500

    logged = caplog.text
    assert "INSERT INTO students" in logged  # the SQL log was captured, so it was checked
    assert "Traceback" in logged
    for secret in [*secrets, "lp_not-a-real-token"]:
        assert secret not in logged
    for number in numbers:
        assert number not in logged


def test_the_access_log_leaves_query_strings_out() -> None:
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    command = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["api"][
        "command"]
    fmt = command[command.index("--access-logformat") + 1]
    assert "%(U)s" in fmt and "%(r)s" not in fmt and "%(q)s" not in fmt
    assert fmt in (root / "Dockerfile").read_text().replace('\\"', '"')
