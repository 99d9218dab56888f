"""Faults, for real: a private PostgreSQL and a private Redis (tests/service/servers.py) are
stopped while the app serves, then started again. Requests fail cleanly (503 problem+json),
nothing is half-written, a running job fails with its round unchanged, and the same app
instance serves again once the server is back, without a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, select

from service.app import create_app
from service.config import normalise_database_url
from service.extensions import db
from service.models import Assignment, Base, Round, Student

from .conftest import Factory, app_config, assert_problem, create_schema
from .servers import PrivatePostgres, PrivateRedis


@pytest.fixture(scope="module")
def pg() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def pg_app(pg: PrivatePostgres) -> Iterator[Flask]:
    """An app on the private PostgreSQL, tables fresh; the server is up when the test ends."""
    engine = create_engine(normalise_database_url(pg.url))
    Base.metadata.drop_all(engine)
    create_schema(engine)
    engine.dispose()
    app = create_app(app_config(DATABASE_URL=pg.url))
    yield app
    if not _up(pg):
        pg.start()
    with app.app_context():
        db.engine.dispose()


def _up(pg: PrivatePostgres) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", pg.port)) == 0


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_requests_answer_503_while_the_database_is_down_and_the_app_recovers(
        pg: PrivatePostgres, pg_app: Flask) -> None:
    make = Factory(pg_app)
    client = pg_app.test_client()
    staff = make.token("coordinator", f"school:{make.school()}")
    assert client.get("/api/v1/offers", headers=staff).status_code == 200

    pg.stop()
    started = time.monotonic()
    body = assert_problem(client.get("/api/v1/offers", headers=staff), 503)
    assert "database" in body["detail"]
    assert_problem(client.post("/api/v1/rounds", headers=staff, json={"name": "BPV"}), 503)
    ready = assert_problem(client.get("/readyz"), 503)
    assert "database unreachable" in ready["detail"]
    assert time.monotonic() - started < 30  # refused at once, never held until a timeout

    pg.start()
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/v1/offers", headers=staff).status_code == 200
    assert client.post("/api/v1/rounds", headers=staff, json={"name": "BPV"}).status_code == 201


def test_a_write_in_flight_when_the_database_stops_leaves_nothing_written(
        pg: PrivatePostgres, pg_app: Flask) -> None:
    make = Factory(pg_app)
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rows = [{"school_id": school, "student_number": f"n{n:04d}", "level": 2,
             "pathways": ["BOL"], "sector": "zorg-welzijn", "regions": ["twente"]}
            for n in range(50)]
    # Hold the import inside its transaction, all 50 rows sent but not committed, while
    # the server stops under it.
    reached, go = threading.Event(), threading.Event()

    def hold(_session: Any) -> None:
        reached.set()
        go.wait(30)

    sessions = pg_app.extensions["database"][1]
    event.listen(sessions, "before_commit", hold)
    answers: list[Any] = []
    writer = threading.Thread(target=lambda: answers.append(pg_app.test_client().post(
        "/api/v1/students/import", headers=staff, json=rows)))
    try:
        writer.start()
        assert reached.wait(30)
        pg.stop()
        go.set()
        writer.join(30)
    finally:
        go.set()
        event.remove(sessions, "before_commit", hold)
    assert_problem(answers[0], 503)

    pg.start()
    assert _count(pg_app, Student) == 0
    # The client's retry, as it is, now succeeds whole.
    retry = pg_app.test_client().post("/api/v1/students/import", headers=staff, json=rows)
    assert retry.status_code == 200, retry.get_json()
    assert _count(pg_app, Student) == 50


def test_a_job_running_when_the_database_stops_fails_and_leaves_the_round_unchanged(
        pg: PrivatePostgres, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    engine = create_engine(normalise_database_url(pg.url))
    Base.metadata.drop_all(engine)
    create_schema(engine)
    engine.dispose()
    app = create_app(app_config(DATABASE_URL=pg.url, JOBS_MODE="thread",
                                JOB_HEARTBEAT_S=0.2, JOB_EXPIRY_S=1.0))
    make = Factory(app)
    client = app.test_client()
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", headers=staff, json={"name": "BPV"}).get_json()["id"]
    offers = [make.offer(round_id=rid) for _ in range(2)]
    students = [make.student(school) for _ in range(3)]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    for sid in students:
        assert client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", headers=staff,
                          json={"offers": offers}).status_code == 200
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff)

    # The job waits inside its write transaction, assignments flushed, until the gate opens.
    gate = tmp_path / "go"
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_AT", "writing")
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_FILE", str(gate))
    started = client.post(f"/api/v1/rounds/{rid}/allocate", headers=staff)
    assert started.status_code == 202
    job_id = started.get_json()["id"]
    deadline = time.monotonic() + 30
    while client.get(f"/api/v1/jobs/{job_id}", headers=staff).get_json()["phase"] != "writing":
        assert time.monotonic() < deadline, "the job never reached its write"
        time.sleep(0.05)

    try:
        pg.stop()
        gate.touch()
        time.sleep(1.0)  # the job's commit meets a closed connection
        assert_problem(client.get(f"/api/v1/jobs/{job_id}", headers=staff), 503)
    finally:
        pg.start()

    # Its heartbeat stopped with it: the job is failed once it expires, the round is as before.
    deadline = time.monotonic() + 30
    while (job := client.get(f"/api/v1/jobs/{job_id}", headers=staff).get_json())[
            "status"] != "failed":
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    with app.app_context():
        rnd = db.session.get(Round, rid)
        assert rnd is not None and rnd.status == "closed" and rnd.report is None
    assert _count(app, Assignment) == 0
    # The round is free again: a new allocation runs to the end.
    monkeypatch.delenv("LEERPLEK_JOB_PAUSE_AT")
    again = client.post(f"/api/v1/rounds/{rid}/allocate", headers=staff)
    assert again.status_code == 202, again.get_json()
    deadline = time.monotonic() + 30
    while (job := client.get(f"/api/v1/jobs/{again.get_json()['id']}", headers=staff)
           .get_json())["status"] != "finished":
        assert job["status"] != "failed" and time.monotonic() < deadline, job
        time.sleep(0.1)
    assert _count(app, Assignment) == 3
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def test_redis_down_keyed_writes_refused_unkeyed_go_on_and_all_recover(
        private_redis: PrivateRedis, tmp_path: Path) -> None:
    # Idempotency fails closed (a keyed write could otherwise run twice); rate limits fail
    # open to counting in the process; /readyz says Redis is down.
    url = f"sqlite:///{tmp_path / 'redis-fault.sqlite'}"
    engine = create_engine(url)
    create_schema(engine)
    engine.dispose()
    app = create_app(app_config(DATABASE_URL=url, REDIS_URL=private_redis.url))
    make = Factory(app)
    client = app.test_client()
    staff = make.token("coordinator", f"school:{make.school()}")

    def create(name: str, key: str | None = None) -> Any:
        headers = {**staff, **({"Idempotency-Key": key} if key else {})}
        return client.post("/api/v1/rounds", headers=headers, json={"name": name})

    assert create("before", "k-1").status_code == 201
    private_redis.stop()
    assert_problem(create("keyed", "k-2"), 503)
    assert create("unkeyed").status_code == 201
    assert client.get("/api/v1/rounds", headers=staff).status_code == 200
    assert "redis unreachable" in assert_problem(client.get("/readyz"), 503)["detail"]

    private_redis.start()  # an empty Redis on the same port: the app reconnects by itself
    assert client.get("/readyz").status_code == 200
    assert create("keyed", "k-2").status_code == 201
    replay = create("keyed", "k-2")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        names = sorted(db.session.scalars(select(Round.name)))
    assert names == ["before", "keyed", "unkeyed"]
