"""Students: pseudonymous, scoped to their school or region; priority is for staff only."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import Factory, assert_problem


def new_student(school_id: int, **kw: Any) -> dict[str, Any]:
    return {"school_id": school_id, "student_number": "2027-0042", "level": 3,
            "pathways": ["BOL", "HYBRID"], "qualification": "25603", "sector": "zorg-welzijn",
            "regions": ["twente", "regio-zwolle"], "home_place": "Almelo",
            "location": {"lat": 52.357, "lon": 6.663}, "max_travel_km": 30.0,
            "priority": True, "available_from": "2027-02-01",
            "available_until": "2027-06-30", **kw}


def test_a_coordinator_adds_a_student_to_their_school(client: FlaskClient,
                                                      make: Factory) -> None:
    school = make.school()
    response = client.post("/api/v1/students", json=new_student(school),
                           headers=make.token("coordinator", f"school:{school}"))
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in new_student(school)} == new_student(school)


def test_a_student_has_no_name_field(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    response = client.post("/api/v1/students", json=new_student(school, name="Jan"),
                           headers=make.admin())
    assert_problem(response, 422, "name")


def test_a_student_number_is_unique_within_a_school(client: FlaskClient,
                                                    make: Factory) -> None:
    school = make.school()
    make.student(school, student_number="2027-0042")
    response = client.post("/api/v1/students", json=new_student(school), headers=make.admin())
    assert_problem(response, 409, "student_number")


def test_the_same_number_may_exist_at_another_school(client: FlaskClient,
                                                     make: Factory) -> None:
    make.student(make.school(), student_number="2027-0042")
    response = client.post("/api/v1/students", json=new_student(make.school()),
                           headers=make.admin())
    assert response.status_code == 201


@pytest.mark.parametrize(("change", "field"), [
    ({"level": 5}, "level"), ({"pathways": []}, "pathways"), ({"regions": []}, "regions"),
    ({"qualification": "123"}, "qualification"), ({"max_travel_km": -1}, "max_travel_km"),
    ({"available_until": "2027-01-01"}, "available_until"), ({"school_id": 999}, "school_id"),
    ({"priority": "yes please"}, "priority"),
])
def test_invalid_student_fields_are_named(client: FlaskClient, make: Factory,
                                          change: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/students", json={**new_student(make.school()), **change},
                           headers=make.admin())
    assert_problem(response, 422, field)


def test_a_coordinator_may_not_add_to_another_school(client: FlaskClient,
                                                     make: Factory) -> None:
    own, other = make.school(), make.school()
    response = client.post("/api/v1/students", json=new_student(other),
                           headers=make.token("coordinator", f"school:{own}"))
    assert_problem(response, 403, "school_id")


def test_another_schools_student_is_404_for_a_coordinator(client: FlaskClient,
                                                         make: Factory) -> None:
    own, other = make.school(), make.school()
    student = make.student(other)
    headers = make.token("coordinator", f"school:{own}")
    assert_problem(client.get(f"/api/v1/students/{student}", headers=headers), 404)
    assert_problem(client.patch(f"/api/v1/students/{student}", json={"level": 4},
                                headers=headers), 404)
    assert_problem(client.delete(f"/api/v1/students/{student}", headers=headers), 404)


def test_a_regional_coordinator_sees_students_in_the_region(client: FlaskClient,
                                                            make: Factory) -> None:
    school = make.school()
    inside = make.student(school, regions=["stedendriehoek", "twente"])
    make.student(school, regions=["regio-zwolle"])
    headers = make.token("coordinator", "region:twente")
    assert [s["id"] for s in client.get("/api/v1/students", headers=headers).get_json()] == [
        inside]


def test_a_student_sees_themselves_without_the_priority_flag(client: FlaskClient,
                                                             make: Factory) -> None:
    student = make.student(priority=True)
    response = client.get(f"/api/v1/students/{student}",
                          headers=make.token("student", f"student:{student}"))
    assert response.status_code == 200
    assert "priority" not in response.get_json()


def test_a_coordinator_sees_the_priority_flag(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    student = make.student(school, priority=True)
    response = client.get(f"/api/v1/students/{student}",
                          headers=make.token("coordinator", f"school:{school}"))
    assert response.get_json()["priority"] is True


def test_a_student_lists_only_themselves(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    me = make.student(school)
    make.student(school)
    response = client.get("/api/v1/students", headers=make.token("student", f"student:{me}"))
    assert [s["id"] for s in response.get_json()] == [me]
    assert "priority" not in response.get_json()[0]


def test_another_student_is_404_for_a_student(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    me, other = make.student(school), make.student(school)
    response = client.get(f"/api/v1/students/{other}",
                          headers=make.token("student", f"student:{me}"))
    assert_problem(response, 404)


def test_a_student_may_not_edit_their_record(client: FlaskClient, make: Factory) -> None:
    me = make.student()
    response = client.patch(f"/api/v1/students/{me}", json={"priority": True},
                            headers=make.token("student", f"student:{me}"))
    assert_problem(response, 403)


def test_a_company_may_not_list_students(client: FlaskClient, make: Factory) -> None:
    headers = make.token("company", f"company:{make.company()}")
    assert_problem(client.get("/api/v1/students", headers=headers), 403)


def test_a_student_is_404_for_a_company(client: FlaskClient, make: Factory) -> None:
    student = make.student()
    headers = make.token("company", f"company:{make.company()}")
    assert_problem(client.get(f"/api/v1/students/{student}", headers=headers), 404)


def test_a_coordinator_edits_a_student(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    student = make.student(school)
    response = client.patch(f"/api/v1/students/{student}",
                            json={"regions": ["twente", "stedendriehoek"], "level": 4},
                            headers=make.token("coordinator", f"school:{school}"))
    assert response.status_code == 200
    assert response.get_json()["regions"] == ["twente", "stedendriehoek"]


def test_a_coordinator_deletes_a_student(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    student = make.student(school)
    headers = make.token("coordinator", f"school:{school}")
    assert client.delete(f"/api/v1/students/{student}", headers=headers).status_code == 204
    assert_problem(client.get(f"/api/v1/students/{student}", headers=headers), 404)


@pytest.mark.parametrize(("query", "expected"), [
    ("region=stedendriehoek", ["deventer"]), ("sector=zorg", ["zorg"]), ("level=4", ["zorg"]),
    ("pathway=BBL", ["deventer"]), ("school_id=other", ["other"]),
])
def test_students_filter(client: FlaskClient, make: Factory, query: str,
                         expected: list[str]) -> None:
    school, other_school = make.school(), make.school()
    ids = {
        "twente": make.student(school),
        "deventer": make.student(school, regions=["stedendriehoek"], pathways=["BBL"]),
        "zorg": make.student(school, sector="zorg", level=4),
        "other": make.student(other_school),
    }
    query = query.replace("=other", f"={other_school}")
    response = client.get(f"/api/v1/students?{query}", headers=make.admin())
    assert [s["id"] for s in response.get_json()] == [ids[name] for name in expected]


def test_students_are_paginated(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    ids = [make.student(school) for _ in range(3)]
    response = client.get("/api/v1/students?page=2&page_size=2", headers=make.admin())
    assert [s["id"] for s in response.get_json()] == ids[2:]
