"""Every error is application/problem+json; bad input never causes a 500."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from .conftest import Factory, assert_problem


def test_unknown_url_is_a_problem_not_an_html_page(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_unsupported_method_is_a_problem(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.put("/api/v1/schools", headers=make.admin(), json={}), 405)


def test_malformed_json_is_a_400_problem(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/schools", data="{oops", headers=make.admin(),
                           content_type="application/json")
    assert_problem(response, 400)


def test_a_json_array_instead_of_an_object_is_422(client: FlaskClient, make: Factory) -> None:
    assert_problem(client.post("/api/v1/schools", json=[1, 2], headers=make.admin()), 422)


def test_unknown_fields_are_named(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/schools", headers=make.admin(),
                           json={"name": "A", "code": "a", "region": "twente", "colour": "red"})
    assert_problem(response, 422, "colour")


def test_wrong_types_are_named_with_their_path(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/offers", headers=make.admin(), json={
        "company_id": make.company(), "levels": [2, "x"], "pathways": ["BOL"],
        "sector": "zorg-welzijn", "region": "twente", "capacity": 1})
    assert_problem(response, 422, "levels.1")


def test_an_unexpected_exception_is_a_500_problem_without_internals(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["TESTING"] = False  # let Flask handle it as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = assert_problem(app.test_client().get("/boom"), 500)
    assert "secret" not in body["detail"]
