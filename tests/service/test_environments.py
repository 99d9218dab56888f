"""Hybrid learning environments: staff set them up with partner companies; everyone reads."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .conftest import Factory, assert_problem


def _new(*partners: int) -> dict[str, object]:
    return {"name": "House of Skills Almelo", "capacity": 12, "region": "twente",
            "partner_ids": list(partners)}


def test_a_coordinator_creates_an_environment_with_partners(client: FlaskClient,
                                                            make: Factory) -> None:
    a, b = make.company(), make.company()
    headers = make.token("coordinator", f"school:{make.school()}")
    response = client.post("/api/v1/environments", json=_new(a, b), headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["partner_ids"] == [a, b] and body["capacity"] == 12


def test_an_unknown_partner_is_named(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/environments", json=_new(987654), headers=make.admin())
    assert_problem(response, 422, "partner_ids")


def test_a_negative_capacity_is_named(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/environments", json=dict(_new(), capacity=-1),
                           headers=make.admin())
    assert_problem(response, 422, "capacity")


@pytest.mark.parametrize("role", ["company", "student"])
def test_only_staff_create_environments(client: FlaskClient, make: Factory, role: str) -> None:
    school = make.school()
    scope = {"company": f"company:{make.company()}",
             "student": f"student:{make.student(school)}"}[role]
    response = client.post("/api/v1/environments", json=_new(),
                           headers=make.token(role, scope))
    assert_problem(response, 403)


def test_a_missing_token_is_401(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/environments"), 401)


def test_partners_change_and_the_list_filters_by_region(client: FlaskClient,
                                                        make: Factory) -> None:
    a, b = make.company(), make.company()
    headers = make.admin()
    env = client.post("/api/v1/environments", json=_new(a), headers=headers).get_json()["id"]
    client.post("/api/v1/environments", json=dict(_new(), region="regio-zwolle"),
                headers=headers)
    patched = client.patch(f"/api/v1/environments/{env}", json={"partner_ids": [b]},
                           headers=headers)
    assert patched.status_code == 200 and patched.get_json()["partner_ids"] == [b]
    listed = client.get("/api/v1/environments?region=twente",
                        headers=make.token("company", f"company:{a}")).get_json()
    assert [e["id"] for e in listed] == [env]


def test_an_unknown_environment_is_404(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.get("/api/v1/environments/4242", headers=make.admin()), 404)
