"""gunicorn as deployed (service.serving.ProblemWorker, or ProblemThreadWorker for gthread):
its own refusals are problem+json."""

from __future__ import annotations

import gc
import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from service.app import create_app
from service.serving import ProblemThreadWorker, ProblemWorker, compile_templates

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


@pytest.mark.parametrize("worker_class", [ProblemWorker, ProblemThreadWorker])
def test_the_worker_compiles_every_page_template_as_it_loads_the_app(
        tmp_path: Path, worker_class: type[ProblemWorker]) -> None:
    # As gunicorn builds the worker's app: ProblemWorker.load_wsgi with the app loader's
    # wsgi(); the first request of a page then finds its template compiled.
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                            "SECRET_KEY": "test"})
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
                            "SECRET_KEY": "test"})
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
