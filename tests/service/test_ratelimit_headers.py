"""Every API answer announces its rate limit (IETF draft RateLimit headers); the spec says so.

Same app as test_ratelimit.py: 3 requests a minute per token, counters in the process and,
when REDIS_URL is set, in that real Redis.
"""

from __future__ import annotations

import pytest
import yaml
from flask.testing import FlaskClient

from service.commands import openapi_yaml
from service.identity.throttling import WindowRedisStorage

from .conftest import Factory, assert_problem
from .test_ratelimit import LIMIT, app  # noqa: F401  (the fixture: a 3-a-minute app)


def test_each_answer_counts_down_the_remaining_requests(client: FlaskClient,
                                                        make: Factory) -> None:
    headers = make.admin()
    remaining = []
    for _ in range(LIMIT):
        response = client.get("/api/v1/schools", headers=headers)
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == str(LIMIT)
        assert response.headers["RateLimit-Policy"] == f"{LIMIT};w=60"
        assert 0 <= int(response.headers["RateLimit-Reset"]) <= 60
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == [LIMIT - 1, LIMIT - 2, 0]


def test_the_429_says_none_remain_and_when_to_retry(client: FlaskClient,
                                                    make: Factory) -> None:
    headers = make.admin()
    for _ in range(LIMIT):
        client.get("/api/v1/schools", headers=headers)
    response = client.get("/api/v1/schools", headers=headers)
    assert_problem(response, 429)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_errors_carry_the_headers_too(client: FlaskClient, make: Factory) -> None:
    response = client.get("/api/v1/schools/999", headers=make.admin())
    assert_problem(response, 404)
    assert response.headers["RateLimit-Remaining"] == str(LIMIT - 1)


def test_health_checks_announce_no_limit(client: FlaskClient) -> None:
    assert "RateLimit-Limit" not in client.get("/healthz").headers


def test_the_spec_documents_the_headers() -> None:
    spec = yaml.safe_load(openapi_yaml())
    headers = spec["components"]["headers"]
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy",
            "Retry-After"} <= set(headers)
    too_many = spec["components"]["responses"]["TOO_MANY_REQUESTS"]
    assert too_many["headers"]["Retry-After"] == {"$ref": "#/components/headers/Retry-After"}
    listed = spec["paths"]["/api/v1/schools"]["get"]["responses"]["200"]
    assert listed["headers"]["RateLimit-Remaining"] == {
        "$ref": "#/components/headers/RateLimit-Remaining"}


def test_with_redis_the_headers_come_with_the_hit(client: FlaskClient, make: Factory,
                                                  store_url: str | None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter's increment answers its TTL too, so the headers need no read after it:
    one Redis round trip fewer on every API request (docs/PERFORMANCE.md, issue 16)."""
    if store_url is None:
        pytest.skip("the counters are in Redis only with REDIS_URL")
    headers = make.admin()
    storage = client.application.extensions["rate_limiter"].storage
    assert isinstance(storage, WindowRedisStorage)
    reads: list[str] = []
    connection = storage.get_connection()
    monkeypatch.setattr(connection, "pipeline", lambda *a, **k: reads.append("pipeline"))
    monkeypatch.setattr(connection, "ttl", lambda *a, **k: reads.append("ttl"))
    remaining = []
    for _ in range(LIMIT):
        response = client.get("/api/v1/schools", headers=headers)
        assert response.status_code == 200
        assert 55 <= int(response.headers["RateLimit-Reset"]) <= 60
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == [LIMIT - 1, LIMIT - 2, 0]
    assert reads == []
