"""gunicorn as deployed (service.serving.ProblemWorker, or ProblemThreadWorker for gthread):
its own refusals are problem+json."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .servers import free_port

WORKERS = {"sync": ["--worker-class", "service.serving.ProblemWorker"],
           "gthread": ["--worker-class", "service.serving.ProblemThreadWorker", "--threads", "2"]}


@pytest.fixture(scope="module", params=sorted(WORKERS))
def gunicorn_port(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    url = f"sqlite:///{tmp_path_factory.mktemp('serving') / 'db.sqlite'}"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         *WORKERS[request.param], "--log-level", "critical",
         "service.app:create_app()"], env={**os.environ, "DATABASE_URL": url})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                assert connection.getresponse().status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _get(port: int, path: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response, response.read()


def test_a_request_line_over_gunicorns_limit_is_414_problem_json(gunicorn_port: int) -> None:
    response, body = _get(gunicorn_port, "/api/v1/offers?q=" + "a" * 10_000)
    assert response.status == 414
    assert response.getheader("Content-Type") == "application/problem+json"
    assert response.getheader("Connection") == "close"
    assert json.loads(body)["status"] == 414


def test_the_apps_own_answers_pass_unchanged(gunicorn_port: int) -> None:
    response, body = _get(gunicorn_port, "/api/v1/offers?q=a")
    assert response.status == 401
    assert json.loads(body)["status"] == 401


def test_the_threaded_worker_keeps_connections_open(gunicorn_port: int,
                                                   request: pytest.FixtureRequest) -> None:
    """gthread serves several requests on one connection, the sync worker closes each one:
    the saving docs/PERFORMANCE.md ("The fast path") measured."""
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn_port, timeout=10)
    closed = []
    for _ in range(3):
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        closed.append(response.will_close)
    threaded = request.node.callspec.params["gunicorn_port"] == "gthread"
    assert closed == [not threaded] * 3
