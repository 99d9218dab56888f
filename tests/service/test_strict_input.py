"""Strict input: JSON types as sent, no control characters anywhere, honest 413/414/415."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from seeds.generator import generate_round

from .conftest import Factory, assert_problem, offer_body, student_body

SCHOOL = {"name": "ROC", "code": "roc", "region": "twente"}
COMPANY = {"name": "Bedrijf", "kvk_number": "12345678", "qualifications": ["25180"]}


@pytest.mark.parametrize(("field", "value"), [
    ("capacity", 1.5), ("capacity", 2.0), ("capacity", "2"), ("capacity", True),
    ("reserved_priority", False)])
def test_an_offer_integer_must_be_a_json_integer(client: FlaskClient, make: Factory,
                                                field: str, value: Any) -> None:
    admin = make.admin()
    response = client.post("/api/v1/offers", headers=admin,
                           json=offer_body(make.company(), **{field: value}))
    assert_problem(response, 422, field)
    assert client.get("/api/v1/offers", headers=admin).get_json() == []


def test_a_level_in_a_list_must_be_an_integer(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/offers", headers=make.admin(),
                           json=offer_body(make.company(), levels=[2, 2.5]))
    assert_problem(response, 422, "levels.1")


def test_a_preference_entry_must_be_an_integer(client: FlaskClient, make: Factory) -> None:
    student = make.student()
    response = client.put(f"/api/v1/rounds/1/preferences/{student}", headers=make.admin(),
                          json={"offers": [make.offer(), 18.5]})
    assert_problem(response, 422, "offers.1")


@pytest.mark.parametrize("value", ["yes", 1, "true", None])
def test_priority_must_be_a_json_boolean(client: FlaskClient, make: Factory,
                                         value: Any) -> None:
    admin = make.admin()
    response = client.post("/api/v1/students", headers=admin,
                           json=student_body(make.school(), priority=value))
    assert_problem(response, 422, "priority")
    assert client.get("/api/v1/students", headers=admin).get_json() == []


def test_a_round_policy_boolean_must_be_a_json_boolean(client: FlaskClient,
                                                       make: Factory) -> None:
    response = client.post("/api/v1/rounds", headers=make.admin(),
                           json={"name": "R", "place_unranked": "no"})
    assert_problem(response, 422, "place_unranked")


def test_a_location_must_be_numbers(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/students", headers=make.admin(),
                           json=student_body(make.school(),
                                             location={"lat": "52.2", "lon": 6.9}))
    assert_problem(response, 422, "location.lat")


@pytest.mark.parametrize("text", ["a\x00b", "a\x01", "tab\there", "line\nbreak", "\x7f",
                                  "\x85", "\ud800"])
@pytest.mark.parametrize("kind", ["school", "company", "offer", "student", "round",
                                  "environment"])
def test_control_characters_in_text_are_refused(client: FlaskClient, make: Factory,
                                                kind: str, text: str) -> None:
    path, body, field = {
        "school": ("schools", {**SCHOOL, "name": text}, "name"),
        "company": ("companies", {**COMPANY, "name": text}, "name"),
        "offer": ("offers", offer_body(make.company(), title=text), "title"),
        "student": ("students", student_body(make.school(), student_number=text),
                    "student_number"),
        "round": ("rounds", {"name": text}, "name"),
        "environment": ("environments", {"name": text, "capacity": 1}, "name"),
    }[kind]
    assert_problem(client.post(f"/api/v1/{path}", headers=make.admin(), json=body), 422,
                   field)


def test_a_control_character_in_a_list_item_is_refused(client: FlaskClient,
                                                       make: Factory) -> None:
    response = client.post("/api/v1/students", headers=make.admin(),
                           json=student_body(make.school(), regions=["twente", "x\x00"]))
    assert_problem(response, 422, "regions.1")


@pytest.mark.parametrize("path", ["offers", "students", "companies", "schools", "rounds",
                                  "environments", "assignments", "tokens", "audit", "jobs"])
def test_a_nul_in_a_query_parameter_is_422_not_500(client: FlaskClient, make: Factory,
                                                   path: str) -> None:
    response = client.get(f"/api/v1/{path}?region=twen%00te", headers=make.admin())
    body = assert_problem(response, 422, "region")
    assert body["errors"][0]["location"] == "query"


def test_a_control_character_in_a_query_name_is_refused(client: FlaskClient,
                                                        make: Factory) -> None:
    response = client.get("/api/v1/offers?re%01gion=twente", headers=make.admin())
    assert_problem(response, 422, "re\x01gion")


def test_a_control_character_in_a_dashboard_query_is_refused(client: FlaskClient) -> None:
    response = client.get("/dashboard/login?next=%00")
    assert response.status_code == 422


def test_a_json_body_sent_as_text_plain_is_415(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/schools", headers=make.admin(), data='{"name": "x"}',
                           content_type="text/plain")
    assert_problem(response, 415)


def test_a_round_document_sent_as_csv_is_415(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/rounds/import", headers=make.admin(), data="a,b\n1,2\n",
                           content_type="text/csv")
    assert_problem(response, 415)


def test_an_upload_takes_csv_and_json_only(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    assert_problem(client.post("/api/v1/offers/import", headers=admin, data="<x/>",
                               content_type="application/xml"), 415)
    ok = client.post("/api/v1/offers/import", headers=admin, data="[]",
                     content_type="application/json; charset=utf-8")
    assert ok.status_code == 200, ok.get_json()


def test_a_write_without_a_body_needs_no_content_type(client: FlaskClient,
                                                      make: Factory) -> None:
    admin = make.admin()
    rnd = client.post("/api/v1/rounds", headers=admin, json={"name": "R"}).get_json()["id"]
    response = client.post(f"/api/v1/rounds/{rnd}/open", headers=admin)
    assert response.status_code == 200, response.get_json()


def test_an_overlong_query_is_414_problem_json(client: FlaskClient, make: Factory) -> None:
    response = client.get("/api/v1/offers?q=" + "a" * 10_000, headers=make.admin())
    assert_problem(response, 414)


def test_an_overlong_query_is_414_before_authentication(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/offers?q=" + "a" * 10_000), 414)


def test_a_413_closes_the_connection_and_says_so(client: FlaskClient, make: Factory) -> None:
    big = {**SCHOOL, "name": "x" * 3 * 1024 * 1024}
    response = client.post("/api/v1/schools", headers=make.admin(), json=big)
    assert_problem(response, 413)
    assert response.headers["Connection"] == "close"


def test_a_round_document_with_a_control_character_is_refused(client: FlaskClient,
                                                              make: Factory) -> None:
    doc = {"format": "leerplek-round/1", "round": {"id": "r"}, "offers": [], "students": [
        {"id": "s\x00", "school_id": "roc", "level": 2, "pathways": ["BOL"],
         "sector": "gastvrijheid", "regions": ["twente"]}]}
    make.school(code="roc")
    response = client.post("/api/v1/rounds/import", headers=make.admin(), json=doc)
    assert_problem(response, 422, "students[0].id")


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x1f"])
def test_a_valid_round_with_a_control_character_is_refused_as_bytes(
        client: FlaskClient, make: Factory, char: str, ascii_only: bool) -> None:
    """The compiled reader takes valid documents; one that spells a control character in
    an offer's title, escaped or raw, must still be named, not stored."""
    doc = generate_round(12, seed=2)
    doc["offers"][1]["title"] = f"kok{char}"
    body = json.dumps(doc, ensure_ascii=ascii_only).encode()
    response = client.post("/api/v1/rounds/import", headers=make.admin(), data=body,
                           content_type="application/json")
    assert_problem(response, 422, "offers[1].title")


def test_csv_cells_are_typed_by_their_column(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    text = ("school_id,student_number,level,pathways,sector,regions,priority\n"
            f"{school},a1,2,BOL,gastvrijheid,twente,ja\n"
            f"{school},a2,2.5,BOL,gastvrijheid,twente,misschien\n")
    response = client.post("/api/v1/students/import", headers=make.admin(), data=text,
                           content_type="text/csv")
    body = assert_problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"line.3.level", "line.3.priority"}
