"""Idempotency-Key: a retried write returns the first response instead of writing twice.

Every test runs in the embedded mode (records in the process) and, when REDIS_URL is set,
against that real Redis.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from service.app import create_app
from service.extensions import db

from .conftest import (
    REDIS_URL,
    Factory,
    app_config,
    assert_problem,
    create_schema,
    database_url,
)


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, store_url: str | None
        ) -> Iterator[Flask]:
    url = database_url("sqlite", request, tmp_path)
    app = create_app(app_config(DATABASE_URL=url, REDIS_URL=store_url))
    yield app
    with app.app_context():
        db.engine.dispose()


def offer_body(company_id: int, **kw: Any) -> dict[str, Any]:
    return {"company_id": company_id, "levels": [2], "pathways": ["BOL"], "sector": "zorg-welzijn",
            "region": "twente", "capacity": 1, "qualifications": ["25180"], **kw}


def offer_count(client: FlaskClient, headers: dict[str, str]) -> int:
    return len(client.get("/api/v1/offers", headers=headers).get_json())


def test_a_retried_post_returns_the_first_response_and_writes_once(
        client: FlaskClient, make: Factory) -> None:
    company, headers = make.company(), make.admin()
    keyed = {**headers, "Idempotency-Key": "post-offer-1"}
    first = client.post("/api/v1/offers", json=offer_body(company), headers=keyed)
    retry = client.post("/api/v1/offers", json=offer_body(company), headers=keyed)
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert offer_count(client, headers) == 1


def test_without_a_key_a_repeated_post_writes_twice(client: FlaskClient,
                                                    make: Factory) -> None:
    company, headers = make.company(), make.admin()
    for _ in range(2):
        assert client.post("/api/v1/offers", json=offer_body(company),
                           headers=headers).status_code == 201
    assert offer_count(client, headers) == 2


def test_a_retried_put_is_replayed(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    round_id = client.post("/api/v1/rounds", json={"name": "R", "school_id": school},
                           headers=make.admin()).get_json()["id"]
    keyed = {**make.admin(), "Idempotency-Key": "open-1"}
    first = client.post(f"/api/v1/rounds/{round_id}/open", headers=keyed)
    retry = client.post(f"/api/v1/rounds/{round_id}/open", headers=keyed)
    # Without the key the second open would be a 409 (the round is already open).
    assert first.status_code == retry.status_code == 200
    assert retry.get_json() == first.get_json()


def test_the_same_key_from_another_token_is_another_request(client: FlaskClient,
                                                            make: Factory) -> None:
    company = make.company()
    for headers in (make.admin(), make.admin()):
        response = client.post("/api/v1/offers", json=offer_body(company),
                               headers={**headers, "Idempotency-Key": "shared-key"})
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response.headers
    assert offer_count(client, make.admin()) == 2


def test_a_key_reused_with_another_body_is_refused(client: FlaskClient,
                                                   make: Factory) -> None:
    company, headers = make.company(), {**make.admin(), "Idempotency-Key": "k"}
    assert client.post("/api/v1/offers", json=offer_body(company),
                       headers=headers).status_code == 201
    response = client.post("/api/v1/offers", json=offer_body(company, capacity=5),
                           headers=headers)
    assert_problem(response, 422, "Idempotency-Key")


def test_a_key_reused_on_another_path_is_refused(client: FlaskClient, make: Factory) -> None:
    headers = {**make.admin(), "Idempotency-Key": "k"}
    assert client.post("/api/v1/schools", headers=headers, json={
        "name": "S", "code": "s", "region": "twente"}).status_code == 201
    response = client.post("/api/v1/companies", headers=headers, json={
        "name": "S", "code": "s", "region": "twente"})
    assert_problem(response, 422, "Idempotency-Key")


def test_a_client_error_is_stored_and_replayed(client: FlaskClient, make: Factory) -> None:
    headers = {**make.admin(), "Idempotency-Key": "bad-offer"}
    first = client.post("/api/v1/offers", json=offer_body(999), headers=headers)
    retry = client.post("/api/v1/offers", json=offer_body(999), headers=headers)
    assert_problem(first, 422, "company_id")
    assert_problem(retry, 422, "company_id")
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_a_server_error_is_not_stored_so_the_retry_runs(
        app: Flask, client: FlaskClient, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from service.api import offers

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer the 500 as production does
    company, headers = make.company(), make.admin()
    real_save = offers.save_offer
    monkeypatch.setattr(offers, "save_offer", lambda *a: (_ for _ in ()).throw(
        RuntimeError("database went away")))
    keyed = {**headers, "Idempotency-Key": "flaky"}
    assert_problem(client.post("/api/v1/offers", json=offer_body(company), headers=keyed),
                   500)
    monkeypatch.setattr(offers, "save_offer", real_save)
    retry = client.post("/api/v1/offers", json=offer_body(company), headers=keyed)
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers
    assert offer_count(client, headers) == 1


def test_a_duplicate_while_the_first_still_runs_is_a_conflict(
        app: Flask, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.api import offers

    company, headers = make.company(), make.admin()
    keyed = {**headers, "Idempotency-Key": "slow"}
    inside, release = threading.Event(), threading.Event()
    real_save = offers.save_offer

    def slow_save(*args: Any) -> Any:
        inside.set()
        assert release.wait(30)
        return real_save(*args)

    monkeypatch.setattr(offers, "save_offer", slow_save)
    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(
        app.test_client().post("/api/v1/offers", json=offer_body(company), headers=keyed)))
    first.start()
    try:
        assert inside.wait(30)
        duplicate = app.test_client().post("/api/v1/offers", json=offer_body(company),
                                           headers=keyed)
    finally:
        release.set()
        first.join(30)
    body = assert_problem(duplicate, 409, "Idempotency-Key")
    assert duplicate.headers["Retry-After"] == "1" and "still" in body["detail"]
    assert results[0].status_code == 201
    after = app.test_client().post("/api/v1/offers", json=offer_body(company), headers=keyed)
    assert after.status_code == 201 and after.get_json() == results[0].get_json()
    assert offer_count(app.test_client(), headers) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "sleutel-é"])
def test_a_malformed_key_is_refused(client: FlaskClient, make: Factory, key: str) -> None:
    company = make.company()
    headers = {**make.admin(), "Idempotency-Key": key}
    response = client.post("/api/v1/offers", json=offer_body(company), headers=headers)
    assert_problem(response, 422, "Idempotency-Key")
    assert offer_count(client, make.admin()) == 0


def test_a_key_is_ignored_on_reads(client: FlaskClient, make: Factory) -> None:
    company, headers = make.company(), make.admin()
    keyed = {**headers, "Idempotency-Key": "read"}
    assert client.get("/api/v1/offers", headers=keyed).get_json() == []
    client.post("/api/v1/offers", json=offer_body(company), headers=headers)
    assert len(client.get("/api/v1/offers", headers=keyed).get_json()) == 1


def test_a_stored_response_expires_after_the_configured_time(
        app: Flask, client: FlaskClient, make: Factory, store_url: str | None) -> None:
    app.config["IDEMPOTENCY_TTL_SECONDS"] = 3600
    company, headers = make.company(), {**make.admin(), "Idempotency-Key": "ttl"}
    client.post("/api/v1/offers", json=offer_body(company), headers=headers)
    store = app.extensions["idempotency"]
    if store_url is None:
        ((expires, _),) = store._records.values()
        remaining = expires - time.monotonic()
    else:
        (name,) = store._redis.keys(app.config["RATELIMIT_KEY_PREFIX"] + ":idempotency:*")
        remaining = store._redis.ttl(name)
    assert 3500 < remaining <= 3600


if REDIS_URL:
    def test_a_retry_on_another_api_process_is_replayed(tmp_path: Path) -> None:
        # Two apps on one database and one Redis: two API processes behind a load balancer.
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
        engine = create_engine(url)
        create_schema(engine)
        engine.dispose()
        config = app_config(DATABASE_URL=url, REDIS_URL=REDIS_URL)
        first_app, second_app = create_app(config), create_app(config)
        make = Factory(first_app)
        company = make.company()
        headers = {**make.admin(), "Idempotency-Key": "across"}
        first = first_app.test_client().post("/api/v1/offers", json=offer_body(company),
                                             headers=headers)
        retry = second_app.test_client().post("/api/v1/offers", json=offer_body(company),
                                              headers=headers)
        assert first.status_code == retry.status_code == 201
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert offer_count(second_app.test_client(), headers) == 1


def test_an_unreachable_store_refuses_the_keyed_write(request: pytest.FixtureRequest,
                                                      tmp_path: Path) -> None:
    app = create_app(app_config(DATABASE_URL=database_url("sqlite", request, tmp_path),
                                REDIS_URL="redis://127.0.0.1:1/0"))
    client, make = app.test_client(), Factory(app)
    company, headers = make.company(), make.admin()
    response = client.post("/api/v1/offers", json=offer_body(company),
                           headers={**headers, "Idempotency-Key": "k"})
    assert_problem(response, 503)
    assert response.headers["Retry-After"] == "5"
    assert offer_count(client, headers) == 0
