"""Schools: a public directory that admins manage."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .conftest import Factory, assert_problem

NEW = {"name": "Deltion College", "code": "deltion", "region": "regio-zwolle"}


def test_admin_creates_a_school(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/schools", json=NEW, headers=make.admin())
    assert response.status_code == 201
    body = response.get_json()
    assert {key: body[key] for key in NEW} == NEW and isinstance(body["id"], int)


def test_every_role_reads_a_school(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    headers = make.token("student", f"student:{make.student(school)}")
    assert client.get(f"/api/v1/schools/{school}", headers=headers).get_json()["id"] == school


def test_a_duplicate_code_is_409_naming_code(client: FlaskClient, make: Factory) -> None:
    make.school(code="deltion")
    assert_problem(client.post("/api/v1/schools", json=NEW, headers=make.admin()), 409, "code")


def test_a_missing_name_is_named(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/schools", json={"code": "x", "region": "twente"},
                           headers=make.admin())
    assert_problem(response, 422, "name")


@pytest.mark.parametrize("role", ["coordinator", "company", "student"])
def test_only_admins_create_schools(client: FlaskClient, make: Factory, role: str) -> None:
    school = make.school()
    scope = {"coordinator": f"school:{school}", "company": f"company:{make.company()}",
             "student": f"student:{make.student(school)}"}[role]
    response = client.post("/api/v1/schools", json=NEW, headers=make.token(role, scope))
    assert_problem(response, 403)


def test_a_coordinator_edits_their_own_school(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    response = client.patch(f"/api/v1/schools/{school}", json={"name": "Renamed"},
                            headers=make.token("coordinator", f"school:{school}"))
    assert response.status_code == 200 and response.get_json()["name"] == "Renamed"


def test_a_coordinator_may_not_edit_another_school(client: FlaskClient, make: Factory) -> None:
    own, other = make.school(), make.school()
    response = client.patch(f"/api/v1/schools/{other}", json={"name": "Mine now"},
                            headers=make.token("coordinator", f"school:{own}"))
    assert_problem(response, 403)


def test_admin_deletes_a_school(client: FlaskClient, make: Factory) -> None:
    school, headers = make.school(), make.admin()
    assert client.delete(f"/api/v1/schools/{school}", headers=headers).status_code == 204
    assert_problem(client.get(f"/api/v1/schools/{school}", headers=headers), 404)


def test_a_school_with_students_cannot_be_deleted(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    make.student(school)
    assert_problem(client.delete(f"/api/v1/schools/{school}", headers=make.admin()), 409)


def test_schools_filter_by_region(client: FlaskClient, make: Factory) -> None:
    make.school(region="twente")
    zwolle = make.school(region="regio-zwolle")
    response = client.get("/api/v1/schools?region=regio-zwolle", headers=make.admin())
    assert [s["id"] for s in response.get_json()] == [zwolle]
