"""Liveness and readiness need no token and never answer 500."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from service.app import create_app

from .conftest import assert_problem


def test_healthz_answers_without_a_token(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_readyz_checks_the_database_and_configured_redis(client: FlaskClient) -> None:
    # .ci/run sets REDIS_URL to the real Redis: then it is checked too, and must answer.
    response = client.get("/readyz")
    assert response.status_code == 200
    expected = {"database": "ok"}
    if client.application.config.get("REDIS_URL"):
        expected["redis"] = "ok"
    assert response.get_json()["checks"] == expected


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}"
    client = create_app({"TESTING": True, "DATABASE_URL": url}).test_client()
    assert_problem(client.get("/readyz"), 503)


def test_readyz_is_503_when_configured_redis_is_unreachable(tmp_path: Path) -> None:
    client = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
                         "REDIS_URL": "redis://127.0.0.1:1/0"}).test_client()
    body = assert_problem(client.get("/readyz"), 503)
    assert "redis" in body["detail"]
