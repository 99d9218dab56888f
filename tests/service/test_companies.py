"""Companies (leerbedrijven): KvK numbers and recognised crebo codes are validated."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .conftest import Factory, assert_problem

NEW = {"name": "Hotel De Wolff", "kvk_number": "12345678", "qualifications": ["25180"]}


def test_a_coordinator_registers_a_company(client: FlaskClient, make: Factory) -> None:
    headers = make.token("coordinator", f"school:{make.school()}")
    response = client.post("/api/v1/companies", json=NEW, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["kvk_number"] == "12345678"


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "", 12345678])
def test_the_kvk_number_must_be_8_digits(client: FlaskClient, make: Factory,
                                         kvk: object) -> None:
    response = client.post("/api/v1/companies", json={**NEW, "kvk_number": kvk},
                           headers=make.admin())
    assert_problem(response, 422, "kvk_number")


def test_qualifications_must_be_crebo_codes(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/companies", json={**NEW, "qualifications": ["25180", "kok"]},
                           headers=make.admin())
    assert_problem(response, 422, "qualifications.1")


def test_a_kvk_number_is_registered_once(client: FlaskClient, make: Factory) -> None:
    make.company(kvk_number="12345678")
    response = client.post("/api/v1/companies", json=NEW, headers=make.admin())
    assert_problem(response, 409, "kvk_number")


def test_a_company_edits_itself(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    response = client.patch(f"/api/v1/companies/{company}", json={"region": "twente"},
                            headers=make.token("company", f"company:{company}"))
    assert response.status_code == 200 and response.get_json()["region"] == "twente"


def test_a_company_may_not_edit_another(client: FlaskClient, make: Factory) -> None:
    own, other = make.company(), make.company()
    response = client.patch(f"/api/v1/companies/{other}", json={"name": "Taken over"},
                            headers=make.token("company", f"company:{own}"))
    assert_problem(response, 403)


@pytest.mark.parametrize("role", ["company", "student"])
def test_companies_and_students_may_not_register_companies(client: FlaskClient, make: Factory,
                                                           role: str) -> None:
    scope = f"company:{make.company()}" if role == "company" else f"student:{make.student()}"
    assert_problem(client.post("/api/v1/companies", json=NEW, headers=make.token(role, scope)),
                   403)


def test_a_company_with_offers_cannot_be_deleted(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    make.offer(company)
    assert_problem(client.delete(f"/api/v1/companies/{company}", headers=make.admin()), 409)
    assert client.get(f"/api/v1/companies/{company}", headers=make.admin()).status_code == 200


def test_admin_deletes_a_company(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    assert client.delete(f"/api/v1/companies/{company}", headers=make.admin()).status_code == 204


def test_an_unknown_company_is_404(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.get("/api/v1/companies/999", headers=make.admin()), 404)


def test_companies_are_listed_page_by_page(client: FlaskClient, make: Factory) -> None:
    ids = [make.company() for _ in range(3)]
    response = client.get("/api/v1/companies?page_size=2", headers=make.admin())
    assert [c["id"] for c in response.get_json()] == ids[:2]


def test_companies_filter_by_region(client: FlaskClient, make: Factory) -> None:
    make.company(region="twente")
    zwolle = make.company(region="regio-zwolle")
    response = client.get("/api/v1/companies?region=regio-zwolle", headers=make.admin())
    assert [c["id"] for c in response.get_json()] == [zwolle]
