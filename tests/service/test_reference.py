"""Reference validation: regions, places, sectors and codes must be known, typos get a hint."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from service.extensions import db
from service.models import RefPlace, RefQualification
from service.seeding import seed_reference

from .conftest import Factory, assert_problem, offer_body, statements, student_body


def message(body: dict[str, Any], field: str) -> str:
    return next(e["message"] for e in body["errors"] if e["field"] == field)


def test_a_student_region_typo_is_refused_with_the_nearest_region(client: FlaskClient,
                                                                 make: Factory) -> None:
    admin = make.admin()
    response = client.post("/api/v1/students", headers=admin,
                           json=student_body(make.school(), regions=["twente", "twnete"]))
    body = assert_problem(response, 422, "regions.1")
    assert 'bedoelde je "twente"?' in message(body, "regions.1")
    assert client.get("/api/v1/students", headers=admin).get_json() == []


@pytest.mark.parametrize(("field", "value", "hint"), [
    ("region", "utrecht", None), ("sector", "economy", "economie"),
    ("region", "Twente", "twente")])
def test_an_offer_names_known_values(client: FlaskClient, make: Factory, field: str,
                                     value: str, hint: str | None) -> None:
    response = client.post("/api/v1/offers", headers=make.admin(),
                           json=offer_body(make.company(), **{field: value}))
    body = assert_problem(response, 422, field)
    text = message(body, field)
    assert value in text
    assert (f'bedoelde je "{hint}"?' in text) if hint else ("bedoelde" not in text)


def test_an_offer_qualification_must_be_a_known_code(client: FlaskClient,
                                                     make: Factory) -> None:
    company = make.company(qualifications=["25180", "99999"])
    response = client.post("/api/v1/offers", headers=make.admin(),
                           json=offer_body(company, qualifications=["25180", "99999"]))
    assert_problem(response, 422, "qualifications.1")


def test_a_changed_offer_is_checked_too(client: FlaskClient, make: Factory) -> None:
    response = client.patch(f"/api/v1/offers/{make.offer()}", headers=make.admin(),
                            json={"sector": "zorg"})
    assert 'bedoelde je "zorg-welzijn"?' in message(assert_problem(response, 422, "sector"),
                                                    "sector")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("schools", {"name": "S", "code": "s", "region": "twente", "main_place": "Enschde"},
     "main_place"),
    ("schools", {"name": "S", "code": "s", "region": "overijssel"}, "region"),
    ("companies", {"name": "C", "kvk_number": "12345678", "qualifications": ["12345"]},
     "qualifications.0"),
    ("companies", {"name": "C", "kvk_number": "12345678", "region": "zwolle"}, "region"),
    ("environments", {"name": "E", "capacity": 2, "region": "twent"}, "region"),
    ("rounds", {"name": "R", "region": "stedendriehoeck"}, "region")])
def test_every_record_names_known_values(client: FlaskClient, make: Factory, path: str,
                                         body: dict[str, Any], field: str) -> None:
    assert_problem(client.post(f"/api/v1/{path}", headers=make.admin(), json=body), 422,
                   field)


def test_a_student_home_place_and_code_must_be_known(client: FlaskClient,
                                                     make: Factory) -> None:
    response = client.post("/api/v1/students", headers=make.admin(), json=student_body(
        make.school(), home_place="Hengeloo", qualification="12345"))
    body = assert_problem(response, 422, "home_place")
    assert 'bedoelde je "Hengelo"?' in message(body, "home_place")
    assert "qualification" in [e["field"] for e in body["errors"]]


def test_a_csv_import_names_the_line_and_the_nearest_value(client: FlaskClient,
                                                           make: Factory) -> None:
    school = make.school()
    text = ("school_id,student_number,level,pathways,sector,regions\n"
            f"{school},a1,2,BOL,gastvrijheid,twente\n"
            f"{school},a2,2,BOL,gastvrijheid,twente;regio-zwole\n")
    response = client.post("/api/v1/students/import", headers=make.admin(), data=text,
                           content_type="text/csv")
    body = assert_problem(response, 422, "line.3.regions.1")
    assert 'bedoelde je "regio-zwolle"?' in message(body, "line.3.regions.1")
    assert client.get("/api/v1/students", headers=make.admin()).get_json() == []


def test_a_json_offer_import_is_checked(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    response = client.post("/api/v1/offers/import", headers=make.admin(), json=[
        offer_body(company), offer_body(company, sector="ict")])
    assert_problem(response, 422, "1.sector")


def test_a_round_document_is_checked(client: FlaskClient, make: Factory) -> None:
    make.school(code="roc")
    doc = {"format": "leerplek-round/1", "round": {"id": "r"}, "offers": [
        {"id": "o1", "company_id": "kvk-12345678", "levels": [2], "pathways": ["BOL"],
         "qualifications": ["25180"], "sector": "gastvrijheid", "region": "twnete",
         "capacity": 1}], "students": [
        {"id": "s1", "school_id": "roc", "level": 2, "pathways": ["BOL"],
         "sector": "economy", "regions": ["twente", "zwolle"], "preferences": ["o1"]}]}
    response = client.post("/api/v1/rounds/import", headers=make.admin(), json=doc)
    body = assert_problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"offers[0].region", "students[0].sector", "students[0].regions[1]"} <= fields
    assert client.get("/api/v1/rounds", headers=make.admin()).get_json() == []


def test_known_values_are_checked_in_one_statement(client: FlaskClient,
                                                   make: Factory) -> None:
    """Only the values a record names are looked up, all kinds in one statement; the
    tables are not read whole (before: four statements, each a whole table)."""
    with statements(client.application) as seen:
        response = client.post("/api/v1/students", headers=make.admin(), json=student_body(
            make.school(), regions=["twente", "regio-zwolle"], home_place="Hengelo",
            location={"lat": 52.26, "lon": 6.79}, qualification="25180"))
    assert response.status_code == 201, response.get_json()
    reading = [s for s in seen if "ref_" in s]
    assert len(reading) == 1 and all(
        table in reading[0] for table in ("ref_regions", "ref_places", "ref_sectors",
                                          "ref_qualifications")), reading


@pytest.mark.parametrize("emptied", [RefPlace, RefQualification])
def test_a_table_left_empty_is_503_even_when_the_values_named_are_known(
        client: FlaskClient, make: Factory, emptied: type[Any]) -> None:
    """As when the tables were read whole: one reference table without rows means the
    reference data is missing, whichever values the record names."""
    school = make.school()
    with client.application.app_context(), db.transaction() as session:
        session.execute(delete(emptied))
    try:
        response = client.post("/api/v1/rounds", headers=make.admin(),
                               json={"name": "R", "region": "twente"})
        assert "leerplek seed reference" in assert_problem(response, 503)["detail"]
        response = client.post("/api/v1/students", headers=make.admin(),
                               json=student_body(school))
        assert_problem(response, 503)
    finally:  # PostgreSQL keeps the reference tables from test to test
        with client.application.app_context(), db.transaction() as session:
            seed_reference(session, schools=False)


def test_a_place_of_two_regions_counts_once(client: FlaskClient, make: Factory) -> None:
    """A place name several regions share is one known value, not two."""
    with client.application.app_context(), db.transaction() as session:
        place = session.scalars(select(RefPlace).where(RefPlace.name == "Hengelo")).one()
        twin = RefPlace(region_id="regio-zwolle", name="Hengelo", province=place.province,
                        lat=place.lat, lon=place.lon)
        session.add(twin)
    try:
        response = client.post("/api/v1/offers", headers=make.admin(),
                               json=offer_body(make.company(), place="Hengelo"))
        assert response.status_code == 201, response.get_json()
    finally:  # PostgreSQL keeps the reference tables from test to test
        with client.application.app_context(), db.transaction() as session:
            session.execute(delete(RefPlace).where(RefPlace.id == twin.id))


class TestWithoutReferenceData:
    """A database nobody ran ``leerplek seed reference`` on."""

    @pytest.fixture
    def with_reference(self) -> bool:
        return False

    def test_a_write_naming_reference_values_is_503_saying_what_to_run(
            self, client: FlaskClient, make: Factory) -> None:
        response = client.post("/api/v1/schools", headers=make.admin(),
                               json={"name": "S", "code": "s", "region": "twente"})
        body = assert_problem(response, 503)
        assert "leerplek seed reference" in body["detail"]

    def test_a_write_naming_none_still_works(self, client: FlaskClient,
                                             make: Factory) -> None:
        response = client.post("/api/v1/rounds", headers=make.admin(), json={"name": "R"})
        assert response.status_code == 201, response.get_json()
