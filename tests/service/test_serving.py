"""gunicorn as deployed (service.serving.ProblemWorker, or ProblemThreadWorker for gthread):
its own refusals are problem+json."""

from __future__ import annotations

import contextlib
import gc
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from service.app import create_app
from service.serving import ProblemThreadWorker, ProblemWorker, compile_templates

from .servers import free_port

WORKERS = {"sync": ["--worker-class", "service.serving.ProblemWorker"],
           "gthread": ["--worker-class", "service.serving.ProblemThreadWorker", "--threads", "2"]}


def serve(args: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn serving the app on a fresh SQLite file with ``args``; yields its port once
    /healthz answers, and stops it at the end."""
    port = free_port()
    url = f"sqlite:///{tmp_path_factory.mktemp('serving') / 'db.sqlite'}"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", *args,
         "--log-level", "critical", "service.app:create_app()"],
        env={**os.environ, "DATABASE_URL": url})
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):  # not listening yet
                if _get(port, "/healthz")[0].status == 200:
                    break
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module", params=sorted(WORKERS))
def gunicorn_port(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    yield from serve(WORKERS[request.param], tmp_path_factory)


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


@pytest.mark.parametrize("worker_class", [ProblemWorker, ProblemThreadWorker])
def test_the_worker_compiles_every_page_template_as_it_loads_the_app(
        tmp_path: Path, worker_class: type[ProblemWorker]) -> None:
    # As gunicorn builds the worker's app: ProblemWorker.load_wsgi with the app loader's
    # wsgi(); the first request of a page then finds its template compiled.
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                            "SECRET_KEY": "test",
                            "EMBEDDED_SWEEPS": False})  # none outliving the test
    pages = {n for n in flask_app.jinja_env.list_templates() if n.endswith(".html")}
    assert {"company/home.html", "company/offer.html", "student/offers.html"} <= pages
    worker = worker_class.__new__(worker_class)  # no sockets or signals: only loading
    worker.app = SimpleNamespace(wsgi=lambda: flask_app)
    worker.load_wsgi()
    assert worker.wsgi is flask_app
    cached = {name for _loader, name in flask_app.jinja_env.cache}
    assert cached >= pages


@pytest.mark.parametrize("worker_class", [ProblemWorker, ProblemThreadWorker])
def test_the_worker_freezes_the_loaded_app_out_of_later_collections(
        tmp_path: Path, worker_class: type[ProblemWorker]) -> None:
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                            "SECRET_KEY": "test",
                            "EMBEDDED_SWEEPS": False})  # none outliving the test
    worker = worker_class.__new__(worker_class)
    worker.app = SimpleNamespace(wsgi=lambda: flask_app)
    gc.unfreeze()
    try:
        worker.load_wsgi()
        assert gc.get_freeze_count() > 10_000  # the app and all it loaded
    finally:
        gc.unfreeze()


def test_compile_templates_leaves_a_plain_wsgi_callable_alone() -> None:
    assert compile_templates(lambda environ, start_response: []) == 0


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


@pytest.fixture(scope="module")
def one_thread_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The threaded worker with a single thread: a connection holding it shows."""
    yield from serve(["--worker-class", "service.serving.ProblemThreadWorker",
                      "--threads", "1", "--keep-alive", "30"], tmp_path_factory)


def test_a_quiet_kept_alive_connection_does_not_hold_the_only_thread(
        one_thread_port: int) -> None:
    """The thread waits a moment for a connection's next request, not for its keep-alive
    time (30 s here): another client is answered at once while the first stays open."""
    quiet = http.client.HTTPConnection("127.0.0.1", one_thread_port, timeout=10)
    quiet.request("GET", "/healthz")
    first = quiet.getresponse()
    first.read()
    assert first.status == 200 and not first.will_close
    start = time.monotonic()
    response, _ = _get(one_thread_port, "/healthz")
    assert response.status == 200 and time.monotonic() - start < 5
    quiet.request("GET", "/healthz")  # and the quiet one is still served
    assert quiet.getresponse().status == 200
    quiet.close()


def test_requests_sent_back_to_back_are_answered_in_order(one_thread_port: int) -> None:
    """Two requests in one write (the second read ahead with the first) on one connection,
    and a third after the answers: each answered, in order, on the same connection."""
    with socket.create_connection(("127.0.0.1", one_thread_port), timeout=10) as sock:
        reader = sock.makefile("rb")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                     b"GET /api/v1/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n")
        assert [_status(reader), _status(reader)] == [200, 404]
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _status(reader) == 200


def _status(reader: Any) -> int:
    """The status of the next response on ``reader``, its body read past."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    reader.read(length)
    return status
