"""Rate limits per token: 429 problem+json with Retry-After once a token's budget is spent.

Every test runs in the embedded mode (counters in the process) and, when REDIS_URL is set,
against that real Redis. The test config allows 3 requests a minute per token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from service.app import create_app
from service.extensions import db
from service.identity.throttling import LockedMemoryStorage

from .conftest import (
    REDIS_URL,
    Factory,
    app_config,
    assert_problem,
    create_schema,
    database_url,
)

LIMIT = 3


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, store_url: str | None
        ) -> Iterator[Flask]:
    url = database_url("sqlite", request, tmp_path)
    app = create_app(app_config(DATABASE_URL=url, REDIS_URL=store_url,
                                RATELIMIT_APPLICATION=f"{LIMIT} per minute"))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_token_over_its_limit_gets_429_with_retry_after(client: FlaskClient,
                                                          make: Factory) -> None:
    headers = make.admin()
    for _ in range(LIMIT):
        assert client.get("/api/v1/schools", headers=headers).status_code == 200
    response = client.get("/api/v1/schools", headers=headers)
    body = assert_problem(response, 429)
    assert "rate limit" in body["detail"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_limit_spans_every_endpoint(client: FlaskClient, make: Factory) -> None:
    headers = make.admin()
    for path in ("/api/v1/schools", "/api/v1/companies", "/api/v1/offers"):
        assert client.get(path, headers=headers).status_code == 200
    assert_problem(client.get("/api/v1/students", headers=headers), 429)


def test_writes_count_too(client: FlaskClient, make: Factory) -> None:
    headers = make.admin()
    for n in range(LIMIT):
        assert client.post("/api/v1/schools", headers=headers, json={
            "name": "S", "code": f"s{n}", "region": "twente"}).status_code == 201
    response = client.post("/api/v1/schools", headers=headers,
                           json={"name": "S", "code": "late", "region": "twente"})
    assert_problem(response, 429)
    assert len(client.get("/api/v1/schools", headers=make.admin()).get_json()) == LIMIT


def test_each_token_has_its_own_budget(client: FlaskClient, make: Factory) -> None:
    spent, fresh = make.admin(), make.admin()
    for _ in range(LIMIT):
        client.get("/api/v1/schools", headers=spent)
    assert_problem(client.get("/api/v1/schools", headers=spent), 429)
    assert client.get("/api/v1/schools", headers=fresh).status_code == 200


def test_requests_without_a_token_are_limited_by_address(client: FlaskClient) -> None:
    for _ in range(LIMIT):
        assert_problem(client.get("/api/v1/schools"), 401)
    assert_problem(client.get("/api/v1/schools"), 429)
    other = {"REMOTE_ADDR": "192.0.2.7"}
    assert_problem(client.get("/api/v1/schools", environ_base=other), 401)


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_are_exempt(client: FlaskClient, path: str) -> None:
    for _ in range(LIMIT * 3):
        assert client.get(path).status_code == 200


def test_a_path_that_matches_no_route_is_not_counted(client: FlaskClient, make: Factory
                                                      ) -> None:
    headers = make.admin()
    for _ in range(LIMIT * 2):
        assert_problem(client.get("/api/v1/no-such-thing", headers=headers), 404)
    assert client.get("/api/v1/schools", headers=headers).status_code == 200


def test_static_files_are_not_counted(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        stylesheet = url_for("web.static", filename="dashboard.css")
    for _ in range(LIMIT * 2):
        assert client.get(stylesheet).status_code == 200
    assert_problem(client.get("/api/v1/schools"), 401)  # the address's budget is untouched


def test_a_per_endpoint_limit_counts_each_endpoint_apart(
        request: pytest.FixtureRequest, tmp_path: Path, store_url: str | None) -> None:
    app = create_app(app_config(DATABASE_URL=database_url("sqlite", request, tmp_path),
                                REDIS_URL=store_url, RATELIMIT_APPLICATION="100 per minute",
                                RATELIMIT_DEFAULT="2 per minute"))
    client, headers = app.test_client(), Factory(app).admin()
    for _ in range(2):
        assert client.get("/api/v1/schools", headers=headers).status_code == 200
    response = client.get("/api/v1/schools", headers=headers)
    assert_problem(response, 429)
    # The spent limit is the one announced, and the other endpoint has its own budget.
    assert response.headers["RateLimit-Policy"] == "2;w=60"
    assert client.get("/api/v1/companies", headers=headers).status_code == 200


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                              request: pytest.FixtureRequest,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("RATELIMIT_APPLICATION", "1 per hour")
    app = create_app(app_config(DATABASE_URL=database_url("sqlite", request, tmp_path)))
    client, headers = app.test_client(), Factory(app).admin()
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert_problem(client.get("/api/v1/schools", headers=headers), 429)


if REDIS_URL:
    def test_api_processes_share_one_budget_through_redis(tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
        engine = create_engine(url)
        create_schema(engine)
        engine.dispose()
        config = app_config(DATABASE_URL=url, REDIS_URL=REDIS_URL,
                            RATELIMIT_APPLICATION=f"{LIMIT} per minute")
        apps = [create_app(config), create_app(config)]
        headers = Factory(apps[0]).admin()
        for n in range(LIMIT):
            assert apps[n % 2].test_client().get("/api/v1/schools",
                                                 headers=headers).status_code == 200
        assert_problem(apps[LIMIT % 2].test_client().get("/api/v1/schools", headers=headers),
                       429)

    def _redis_app(tmp_path: Path) -> Flask:
        url = f"sqlite:///{tmp_path / 'pinned.sqlite'}"
        engine = create_engine(url)
        create_schema(engine)
        engine.dispose()
        return create_app(app_config(DATABASE_URL=url, REDIS_URL=REDIS_URL,
                                     RATELIMIT_APPLICATION=f"{LIMIT} per minute"))

    def _remaining(client: FlaskClient, headers: dict[str, str]) -> int:
        response = client.get("/api/v1/schools", headers=headers)
        assert response.status_code == 200
        return int(response.headers["RateLimit-Remaining"])

    def test_a_script_the_server_forgot_is_loaded_again(tmp_path: Path) -> None:
        app = _redis_app(tmp_path)
        client, headers = app.test_client(), Factory(app).admin()
        assert _remaining(client, headers) == LIMIT - 1
        redis.Redis.from_url(REDIS_URL).script_flush()  # as a restarted server would
        assert _remaining(client, headers) == LIMIT - 2

    def test_a_connection_the_server_dropped_is_replaced_and_the_hit_counted(
            tmp_path: Path) -> None:
        app = _redis_app(tmp_path)
        client, headers = app.test_client(), Factory(app).admin()
        assert _remaining(client, headers) == LIMIT - 1
        storage = app.extensions["rate_limiter"].storage
        (idle,) = storage._idle  # the connection the increment used
        host, port = idle._sock.getsockname()[:2]
        assert redis.Redis.from_url(REDIS_URL).client_kill(f"{host}:{port}")
        assert _remaining(client, headers) == LIMIT - 2
        assert _remaining(client, headers) == 0

    def test_threads_one_after_another_count_on_one_connection(tmp_path: Path) -> None:
        """A server with a thread per request (werkzeug's) opens no connection per request."""
        app = _redis_app(tmp_path)
        headers = Factory(app).admin()
        storage = app.extensions["rate_limiter"].storage
        answers: list[int] = []
        for _ in range(LIMIT):
            thread = threading.Thread(
                target=lambda: answers.append(_remaining(app.test_client(), headers)))
            thread.start()
            thread.join()
        assert answers == [LIMIT - 1, LIMIT - 2, 0]
        assert len(storage._idle) == 1

    def test_a_connection_in_use_is_never_handed_to_another_request(tmp_path: Path) -> None:
        app = _redis_app(tmp_path)
        client, headers = app.test_client(), Factory(app).admin()
        assert _remaining(client, headers) == LIMIT - 1
        storage = app.extensions["rate_limiter"].storage
        busy = storage._idle.pop()  # as while another thread's increment is under way
        assert _remaining(client, headers) == LIMIT - 2
        (other,) = storage._idle
        assert other is not busy

    def test_a_connection_made_in_another_process_is_not_used(tmp_path: Path) -> None:
        app = _redis_app(tmp_path)
        client, headers = app.test_client(), Factory(app).admin()
        assert _remaining(client, headers) == LIMIT - 1
        storage = app.extensions["rate_limiter"].storage
        (inherited,) = storage._idle
        storage._idle_pid = -1  # as in a worker forked after the connection was made
        assert _remaining(client, headers) == LIMIT - 2
        assert storage._idle and inherited not in storage._idle


def test_an_unreachable_redis_falls_back_to_counting_in_process(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    app = create_app(app_config(DATABASE_URL=database_url("sqlite", request, tmp_path),
                                REDIS_URL="redis://127.0.0.1:1/0",
                                RATELIMIT_APPLICATION=f"{LIMIT} per minute"))
    client, headers = app.test_client(), Factory(app).admin()
    for _ in range(LIMIT):
        assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert_problem(client.get("/api/v1/schools", headers=headers), 429)


def test_counting_returns_to_redis_once_it_answers_again(
        request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(app_config(DATABASE_URL=database_url("sqlite", request, tmp_path),
                                REDIS_URL="redis://127.0.0.1:1/0",
                                RATELIMIT_APPLICATION=f"{LIMIT} per minute"))
    client, headers = app.test_client(), Factory(app).admin()
    limits = app.extensions["rate_limiter"]
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert limits.limiter.storage is not limits.storage  # counting in the process
    # Redis answers again (a stand-in: its storage counts in memory from now on); it is
    # asked again once the wait after the failure (1 s) has passed.
    counted: list[str] = []
    monkeypatch.setattr(limits.storage, "check", lambda: True)
    monkeypatch.setattr(limits.storage, "incr",
                        lambda key, expiry, amount=1: counted.append(key) or 1)
    monkeypatch.setattr(limits.storage, "get_expiry", lambda key: time.time() + 60)
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert counted == []  # too soon to ask
    monkeypatch.setattr(limits, "_recheck_at", 0.0)
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert len(counted) == 1 and limits.limiter.storage is limits.storage


def test_without_redis_the_process_counts_under_one_lock(request: pytest.FixtureRequest,
                                                          tmp_path: Path) -> None:
    app = create_app(app_config(DATABASE_URL=database_url("sqlite", request, tmp_path),
                                REDIS_URL=None))
    assert isinstance(app.extensions["rate_limiter"].storage, LockedMemoryStorage)


def test_the_in_process_counters_let_one_thread_in_at_a_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # limits 5.8's MemoryStorage let two requests at once restart its expiry timer together
    # ("threads can only be started once"), which reached the demo's requests as a 500.
    # Here a second thread tries to count while the first is inside the storage (making its
    # expiry timer): it must wait until the first is out.
    import limits.storage.memory

    storage = LockedMemoryStorage()
    storage.timer.join()
    time.sleep(0.02)  # the first sweep has run: the next count makes a new timer
    other = threading.Thread(target=storage.incr, args=("other", 60))
    seen: list[bool] = []
    real_timer = threading.Timer

    def timer_with_a_visitor(*args: Any, **kwargs: Any) -> threading.Timer:
        if not seen:
            other.start()
            other.join(timeout=0.3)
            seen.append(other.is_alive())  # still waiting for the storage
        return real_timer(*args, **kwargs)

    monkeypatch.setattr(limits.storage.memory.threading, "Timer", timer_with_a_visitor)
    storage.incr("first", 60)
    other.join(timeout=5)
    assert seen == [True]
    assert not other.is_alive()
    assert storage.get("other") == 1 and storage.get("first") == 1


def test_the_in_process_counters_are_swept_seconds_apart_not_after_every_count() -> None:
    # limits sweeps every counter 10 ms after each count; with a counter per token that
    # walked thousands of keys a hundred times a second in each serving process.
    storage = LockedMemoryStorage()
    storage.timer.join()  # the sweep its start schedules
    storage.incr("token:a", 60)
    assert storage.timer.interval == LockedMemoryStorage.SWEEP_S >= 1
    assert storage.timer.daemon  # a pending sweep does not hold up the process's exit


def test_an_in_process_counter_past_its_window_reads_zero_before_any_sweep() -> None:
    storage = LockedMemoryStorage()
    storage.timer.join()
    storage.incr("token:b", 0.05)
    assert storage.get("token:b") == 1
    time.sleep(0.1)
    assert storage.timer.is_alive()  # no sweep has run since the count
    assert storage.get("token:b") == 0
