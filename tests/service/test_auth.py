"""Bearer tokens: missing or bad is 401; tokens are stored only as hashes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.identity.principals import hash_token, parse_scope
from service.identity.tokens import issue_tokens
from service.models import ApiToken

from .conftest import Factory, assert_problem


def test_a_request_without_a_token_is_401(client: FlaskClient) -> None:
    response = client.get("/api/v1/schools")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/schools",
                              headers={"Authorization": "Bearer lp_not-a-token"}), 401)


def test_another_scheme_is_401(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/schools",
                              headers={"Authorization": "Basic dXNlcjpwdw=="}), 401)


def test_a_valid_token_is_accepted(client: FlaskClient, make: Factory) -> None:
    assert client.get("/api/v1/schools", headers=make.admin()).status_code == 200


def test_only_the_hash_of_a_token_is_stored(app: Flask, make: Factory) -> None:
    token = make.admin()["Authorization"].removeprefix("Bearer ")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hash_token(token)] and token not in stored


@pytest.mark.parametrize(("role", "scope"), [
    ("admin", "school:1"), ("coordinator", ""), ("coordinator", "company:1"),
    ("company", "company:999"), ("student", "student:x"), ("janitor", ""),
])
def test_a_scope_that_does_not_fit_the_role_is_refused(app: Flask, role: str,
                                                       scope: str) -> None:
    with app.app_context(), pytest.raises(ValueError):
        parse_scope(db.session, role, scope)


def test_a_regional_coordinator_scope_needs_no_record(app: Flask) -> None:
    with app.app_context():
        assert parse_scope(db.session, "coordinator", "region:twente").region == "twente"


def test_tokens_issued_in_bulk_each_act_for_their_own_student(app: Flask, client: FlaskClient,
                                                              make: Factory) -> None:
    school = make.school()
    students = [make.student(school) for _ in range(3)]
    with app.app_context(), db.transaction() as session:
        tokens = issue_tokens(session, "student", [f"student:{s}" for s in students])
    for sid, token in zip(students, tokens, strict=True):
        rows = client.get("/api/v1/students", headers={"Authorization": f"Bearer {token}"})
        assert [s["id"] for s in rows.get_json()] == [sid]


def test_bulk_tokens_refuse_a_scope_without_its_record(app: Flask, make: Factory) -> None:
    student = make.student()
    with app.app_context(), db.transaction() as session, \
            pytest.raises(ValueError, match="no student with id 999"):
        issue_tokens(session, "student", [f"student:{student}", "student:999"])
