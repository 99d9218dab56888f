"""The praktijkovereenkomst (POK): made when a placement is accepted, completed by company
and school within the law's bounds, voorlopig → volledig → definitief, exported for school
systems as JSON and CSV, and printed as a bpv-blad (PDF)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from service.extensions import db
from service.models import AuditEvent, Pok, Round
from service.placements.assignments import settle_round
from service.pok.records import COLUMNS

from .conftest import Factory, assert_problem

COMPANY_PART = {"leerbedrijf_sbb_code": "100234567", "leerbedrijf_adres": "Stationsstraat 1",
                "leerbedrijf_postcode": "7511 AB", "leerbedrijf_plaats": "Enschede",
                "uren_per_week": 32, "dagen_per_week": 4}
SCHOOL_PART = {"begindatum": "2027-02-01", "geplande_einddatum": "2027-06-20",
               "uren_totaal": 640}


def _round(client: FlaskClient, make: Factory, pathway: str = "BOL", accept: bool = True,
           students: int = 1, school: int | None = None,
           respond_by: str | None = None) -> dict[str, Any]:
    """A published school round with one offer (starting 1 February 2027) that each student
    ranks; the first student accepts unless ``accept`` is False."""
    school = school or make.school(code=f"0{make.count + 1}AB")
    staff = make.token("coordinator", f"school:{school}")
    body: dict[str, Any] = {"name": "Voorjaar", **({"respond_by": respond_by,
                                                     "no_response": "accept"}
                                                    if respond_by else {})}
    rid = client.post("/api/v1/rounds", json=body, headers=staff).get_json()["id"]
    company = make.company()
    offer = make.offer(company, round_id=rid, pathways=[pathway], capacity=students,
                       start=dt.date(2027, 2, 1), end=dt.date(2027, 6, 20))
    ids = [make.student(school, pathways=[pathway]) for _ in range(students)]
    tokens = [make.token("student", f"student:{sid}") for sid in ids]
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    for sid, me in zip(ids, tokens, strict=True):
        client.put(f"{url}/preferences/{sid}", json={"offers": [offer]}, headers=me)
    client.post(f"{url}/close", headers=staff)
    client.post(f"{url}/allocate", headers=staff)
    client.post(f"{url}/publish", headers=staff)
    rows = client.get(f"{url}/assignments", headers=staff).get_json()
    company_token = make.token("company", f"company:{company}")
    if accept:
        for row, me in zip(rows, tokens, strict=True):
            client.post(f"/api/v1/assignments/{row['id']}/accept", headers=me)
            if pathway == "BBL":
                client.post(f"/api/v1/assignments/{row['id']}/accept", headers=company_token)
    return {"id": rows[0]["id"], "ids": [r["id"] for r in rows], "rid": rid, "me": tokens[0],
            "staff": staff, "school": school, "company": company_token,
            "pok": f"/api/v1/assignments/{rows[0]['id']}/pok"}


def _poks(app: Flask) -> list[Pok]:
    with app.app_context():
        return list(db.session.scalars(select(Pok).order_by(Pok.id)))


def _complete(client: FlaskClient, r: dict[str, Any]) -> dict[str, Any]:
    assert client.patch(r["pok"], json=COMPANY_PART, headers=r["company"]).status_code == 200
    response = client.patch(r["pok"], json=SCHOOL_PART, headers=r["staff"])
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


# Made when accepted -----------------------------------------------------------------------

def test_accepting_a_placement_makes_its_pok(app: Flask, client: FlaskClient,
                                             make: Factory) -> None:
    r = _round(client, make)
    [pok] = _poks(app)  # stored by the accept itself, before anyone reads it
    assert (pok.assignment_id, pok.sequence, pok.status) == (r["id"], 1, "voorlopig")
    shown = client.get(r["pok"], headers=r["me"]).get_json()
    assert shown["crebo"] == "25180" and shown["kwalificatie"]
    assert (shown["leerweg"], shown["niveau"], shown["begindatum"],
            shown["geplande_einddatum"]) == ("BOL", 2, "2027-02-01", "2027-06-20")


def test_a_proposal_has_no_pok_yet(app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _round(client, make, accept=False)
    assert_problem(client.get(r["pok"], headers=r["staff"]), 409)
    assert _poks(app) == []


def test_a_declined_placement_gets_no_pok(app: Flask, client: FlaskClient,
                                          make: Factory) -> None:
    r = _round(client, make, accept=False)
    client.post(f"/api/v1/assignments/{r['id']}/decline", headers=r["me"])
    assert _poks(app) == []


def test_a_placement_accepted_at_the_deadline_gets_its_pok_when_the_round_is_read(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _round(client, make, accept=False, respond_by="2030-01-01T00:00:00Z")
    with app.app_context(), db.transaction() as session:
        rnd = session.get(Round, r["rid"])
        assert rnd is not None
        assert settle_round(session, rnd, dt.datetime(2030, 1, 2, tzinfo=dt.UTC)) == 1
    assert _poks(app) == []
    rows = client.get(f"/api/v1/rounds/{r['rid']}/pok", headers=r["staff"]).get_json()
    assert [row["plaatsing_id"] for row in rows] == [r["id"]]
    assert len(_poks(app)) == 1
    client.get(f"/api/v1/rounds/{r['rid']}/pok", headers=r["staff"])
    assert len(_poks(app)) == 1  # reading again makes no second one


def test_a_placement_kept_in_a_follow_up_round_keeps_its_pok(app: Flask, client: FlaskClient,
                                                              make: Factory) -> None:
    r = _round(client, make)
    _complete(client, r)
    nxt = client.post(f"/api/v1/rounds/{r['rid']}/follow-up", headers=r["staff"]).get_json()
    rows = client.get(f"/api/v1/rounds/{nxt['id']}/pok", headers=r["staff"]).get_json()
    [kept] = client.get(f"/api/v1/rounds/{nxt['id']}/assignments",
                        headers=r["staff"]).get_json()
    assert [(row["plaatsing_id"], row["volgnummer"], row["status"]) for row in rows] == [
        (kept["id"], 1, "volledig")]
    assert client.get(f"/api/v1/assignments/{kept['id']}/pok",
                      headers=r["staff"]).get_json()["uren_totaal"] == 640
    assert len(_poks(app)) == 1


def test_a_students_second_placement_is_their_second_bpv(client: FlaskClient,
                                                         make: Factory) -> None:
    school = make.school()
    first = _round(client, make, school=school)
    student = client.get(f"/api/v1/assignments/{first['id']}",
                         headers=first["staff"]).get_json()["student_id"]
    staff = first["staff"]
    rid = client.post("/api/v1/rounds", json={"name": "Najaar"}, headers=staff).get_json()["id"]
    offer = make.offer(round_id=rid, capacity=1)
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    client.put(f"{url}/preferences/{student}", json={"offers": [offer]}, headers=staff)
    for step in ("close", "allocate", "publish"):
        client.post(f"{url}/{step}", headers=staff)
    [row] = client.get(f"{url}/assignments", headers=staff).get_json()
    client.post(f"/api/v1/assignments/{row['id']}/accept", headers=first["me"])
    shown = client.get(f"/api/v1/assignments/{row['id']}/pok", headers=staff).get_json()
    assert shown["volgnummer"] == 2


# Who sees and completes what ----------------------------------------------------------------

def test_only_the_placements_parties_see_its_pok(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    for own in (r["me"], r["company"], r["staff"], make.admin()):
        assert client.get(r["pok"], headers=own).status_code == 200
    others = [make.token("company", f"company:{make.company()}"),
              make.token("coordinator", f"school:{make.school()}"),
              make.token("student", f"student:{make.student()}")]
    for other in others:
        assert_problem(client.get(r["pok"], headers=other), 404)
        assert_problem(client.get(f"{r['pok']}/pdf", headers=other), 404)


def test_a_student_reads_but_does_not_fill_in(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    assert_problem(client.patch(r["pok"], json={"uren_totaal": 400}, headers=r["me"]), 403)


def test_the_company_may_not_fill_in_the_schools_part(client: FlaskClient,
                                                      make: Factory) -> None:
    r = _round(client, make)
    assert_problem(client.patch(r["pok"], json={"crebo": "25603"}, headers=r["company"]),
                   403, "crebo")


def test_the_school_may_not_fill_in_the_companys_part(client: FlaskClient,
                                                      make: Factory) -> None:
    r = _round(client, make)
    assert_problem(client.patch(r["pok"], json={"leerbedrijf_sbb_code": "1234567"},
                                headers=r["staff"]), 403, "leerbedrijf_sbb_code")


def test_the_company_fills_in_its_part(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    shown = client.patch(r["pok"], json=COMPANY_PART, headers=r["company"]).get_json()
    assert {k: shown[k] for k in COMPANY_PART} == COMPANY_PART
    assert shown["status"] == "voorlopig"  # the school's total hours are still missing


# Validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "body", "field"), [
    ("staff", {"begindatum": "2027-06-01", "geplande_einddatum": "2027-05-01"},
     "geplande_einddatum"),
    ("staff", {"geplande_einddatum": "2027-02-01"}, "geplande_einddatum"),
    ("staff", {"uren_totaal": 5121}, "uren_totaal"),
    ("staff", {"uren_totaal": 0}, "uren_totaal"),
    ("staff", {"crebo": "99999"}, "crebo"),
    ("staff", {"crebo": "2518"}, "crebo"),
    ("staff", {"leerweg": "BBL"}, "leerweg"),
    ("staff", {"leerweg": "HYBRID"}, "leerweg"),
    ("company", {"uren_per_week": 61}, "uren_per_week"),
    ("company", {"uren_per_week": 40, "dagen_per_week": 3}, "uren_per_week"),
    ("company", {"dagen_per_week": 7}, "dagen_per_week"),
    ("company", {"leerbedrijf_postcode": "0511 AB"}, "leerbedrijf_postcode"),
    ("company", {"leerbedrijf_sbb_code": "12ab"}, "leerbedrijf_sbb_code"),
    ("company", {"uren_per_week": "32"}, "uren_per_week"),
])
def test_a_broken_rule_is_refused_naming_the_field(client: FlaskClient, make: Factory,
                                                   who: str, body: dict[str, Any],
                                                   field: str) -> None:
    r = _round(client, make)
    assert_problem(client.patch(r["pok"], json=body, headers=r[who]), 422, field)


def test_a_crebo_of_another_level_is_refused(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)  # the student is at level 2; 25603 is taught at level 3
    body = assert_problem(client.patch(r["pok"], json={"crebo": "25603"}, headers=r["staff"]),
                          422, "crebo")
    assert "level 2" in body["detail"]


def test_more_hours_than_the_weeks_hold_are_refused(client: FlaskClient,
                                                    make: Factory) -> None:
    r = _round(client, make)
    client.patch(r["pok"], json=COMPANY_PART, headers=r["company"])
    # 1 February to 20 June is 20 weeks: at 32 hours a week, 640 hours at most.
    assert_problem(client.patch(r["pok"], json={"uren_totaal": 641}, headers=r["staff"]),
                   422, "uren_totaal")
    assert client.patch(r["pok"], json={"uren_totaal": 640},
                        headers=r["staff"]).status_code == 200


def test_bbl_needs_610_hours_a_year(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make, pathway="BBL")
    one_year = {"begindatum": "2027-01-01", "geplande_einddatum": "2027-12-31"}
    assert_problem(client.patch(r["pok"], json={**one_year, "uren_totaal": 600},
                                headers=r["staff"]), 422, "uren_totaal")
    assert client.patch(r["pok"], json={**one_year, "uren_totaal": 1200},
                        headers=r["staff"]).status_code == 200


def test_names_of_people_are_refused_unless_the_deployment_stores_them(
        client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    assert_problem(client.patch(r["pok"], json={"praktijkopleider_naam": "J. de Vries"},
                                headers=r["company"]), 422, "praktijkopleider_naam")
    assert_problem(client.patch(r["pok"], json={"praktijkbegeleider_email": "a@school.nl"},
                                headers=r["staff"]), 422, "praktijkbegeleider_email")


class TestWithNames:
    @pytest.fixture
    def extra_config(self) -> dict[str, Any]:
        return {"POK_STORE_PEOPLE": True}

    def test_names_are_stored_and_required_but_never_audited(
            self, app: Flask, client: FlaskClient, make: Factory) -> None:
        r = _round(client, make)
        assert _complete(client, r)["status"] == "voorlopig"  # the names are still missing
        client.patch(r["pok"], json={"praktijkopleider_naam": "J. de Vries",
                                     "praktijkopleider_email": "j@bedrijf.nl"},
                     headers=r["company"])
        shown = client.patch(r["pok"], json={"praktijkbegeleider_naam": "A. Jansen",
                                             "praktijkbegeleider_email": "a@school.nl"},
                             headers=r["staff"]).get_json()
        assert (shown["status"], shown["praktijkopleider_naam"]) == ("volledig", "J. de Vries")
        with app.app_context():
            events = list(db.session.scalars(select(AuditEvent).where(
                AuditEvent.entity_type == "pok")))
        logged = repr([(e.before, e.after) for e in events])
        assert "Vries" not in logged and "a@school.nl" not in logged
        assert "[redacted]" in logged


# Status -------------------------------------------------------------------------------------

def test_both_parts_make_it_volledig_and_ready_to_sign(app: Flask, client: FlaskClient,
                                                       make: Factory) -> None:
    r = _round(client, make)
    assert _complete(client, r)["status"] == "volledig"
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_type == "pok").order_by(AuditEvent.id)))
    assert actions.count("pok.ready") == 1 and actions[-1] == "pok.ready"


def test_emptying_a_field_makes_it_voorlopig_again(client: FlaskClient,
                                                   make: Factory) -> None:
    r = _round(client, make)
    _complete(client, r)
    shown = client.patch(r["pok"], json={"uren_per_week": None}, headers=r["company"])
    assert shown.get_json()["status"] == "voorlopig"


def test_a_signed_pok_becomes_definitief_and_no_longer_changes(client: FlaskClient,
                                                               make: Factory) -> None:
    r = _round(client, make)
    _complete(client, r)
    shown = client.post(f"{r['pok']}/finalize", headers=r["staff"]).get_json()
    assert shown["status"] == "definitief" and shown["contractdatum"]
    assert_problem(client.patch(r["pok"], json={"uren_totaal": 600}, headers=r["staff"]),
                   409)
    assert_problem(client.post(f"{r['pok']}/finalize", headers=r["staff"]), 409)


def test_a_voorlopig_pok_cannot_become_definitief(client: FlaskClient,
                                                  make: Factory) -> None:
    r = _round(client, make)
    assert_problem(client.post(f"{r['pok']}/finalize", headers=r["staff"]), 409)


def test_only_staff_make_it_definitief(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    _complete(client, r)
    assert_problem(client.post(f"{r['pok']}/finalize", headers=r["company"]), 403)
    assert_problem(client.post(f"{r['pok']}/finalize", headers=r["me"]), 403)


# Exports ------------------------------------------------------------------------------------

def test_the_round_export_has_the_documented_columns(client: FlaskClient,
                                                     make: Factory) -> None:
    r = _round(client, make, students=2)
    _complete(client, r)
    rows = client.get(f"/api/v1/rounds/{r['rid']}/pok", headers=r["staff"]).get_json()
    assert [sorted(row) for row in rows] == [sorted(COLUMNS)] * 2
    assert [row["plaatsing_id"] for row in rows] == r["ids"]
    assert rows[0]["uren_totaal"] == 640 and rows[0]["status"] == "volledig"


def test_the_csv_export_is_one_row_per_pok_in_the_documented_order(
        client: FlaskClient, make: Factory) -> None:
    r = _round(client, make, students=2)
    _complete(client, r)
    response = client.get(f"/api/v1/rounds/{r['rid']}/pok", headers={
        **r["staff"], "Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    reader = csv.reader(io.StringIO(response.get_data(as_text=True)))
    header, *rows = list(reader)
    assert header == COLUMNS and len(rows) == 2
    first = dict(zip(header, rows[0], strict=True))
    assert (first["begindatum"], first["uren_totaal"], first["leerbedrijf_postcode"],
            first["status"]) == ("2027-02-01", "640", "7511 AB", "volledig")
    assert dict(zip(header, rows[1], strict=True))["uren_totaal"] == ""


def test_the_export_per_school(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    admin = make.admin()
    url = f"/api/v1/rounds/{r['rid']}/pok"
    assert len(client.get(f"{url}?school_id={r['school']}", headers=admin).get_json()) == 1
    assert client.get(f"{url}?school_id={make.school()}", headers=admin).get_json() == []


def test_the_export_is_for_staff_of_the_round(client: FlaskClient, make: Factory) -> None:
    r = _round(client, make)
    url = f"/api/v1/rounds/{r['rid']}/pok"
    assert_problem(client.get(url, headers=r["company"]), 403)
    assert_problem(client.get(url, headers=r["me"]), 403)
    other = make.token("coordinator", f"school:{make.school()}")
    assert_problem(client.get(url, headers=other), 404)


def test_the_bpv_blad_is_a_pdf_with_signature_lines(client: FlaskClient,
                                                    make: Factory) -> None:
    r = _round(client, make)
    _complete(client, r)
    response = client.get(f"{r['pok']}/pdf", headers=r["company"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1  # one sheet to print and sign
    text = " ".join(page.extract_text() for page in reader.pages)
    shown = client.get(r["pok"], headers=r["staff"]).get_json()
    assert shown["studentnummer"] in text and "Handtekeningen" in text
    assert "1 februari 2027" in text and "Namens het leerbedrijf" in text
