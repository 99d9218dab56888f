"""The allocation lock's edges, deterministically: the database constraint itself, expiry of
a lost or never-taken job, and a worker presumed dead that wakes up.

Jobs here are rows written straight into the database or ``execute`` called directly, the
function every job mode runs, so no timing is involved.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.extensions import db
from service.jobs import runner as jobs
from service.models import Job

from .conftest import Factory, assert_problem
from .test_jobs import assignment_ids, closed_round, wait_for


def add_job(app: Flask, round_id: int, **kw: Any) -> int:
    now = jobs.utcnow()
    values = {"kind": "allocate", "round_id": round_id, "status": "running",
              "phase": "solving", "percent": 50, "requested_by": "admin", "created_at": now,
              "started_at": now, "heartbeat_at": now, **kw}
    with app.app_context(), db.transaction() as session:
        job = Job(**values)
        session.add(job)
        session.flush()
        ident: int = job.id
    return ident


def test_the_database_refuses_a_second_active_allocation(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    r = closed_round(client, make)
    running = add_job(app, r["rid"])
    # As if the other process inserted its job just after this one looked: only the
    # partial unique index stands in the way.
    monkeypatch.setattr(jobs, "ensure_not_allocating", lambda _session, _rnd: None)
    body = assert_problem(client.post(f"{r['url']}/allocate", headers=r["staff"]), 409)
    assert body["job"]["id"] == running
    assert [j["id"] for j in client.get(f"/api/v1/jobs?round_id={r['rid']}",
                                        headers=r["staff"]).get_json()] == [running]


def test_a_job_whose_heartbeat_stopped_fails_and_frees_the_round(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = closed_round(client, make)
    silent = jobs.utcnow() - dt.timedelta(seconds=app.config["JOB_EXPIRY_S"] + 1)
    lost = add_job(app, r["rid"], heartbeat_at=silent)
    job = client.post(f"{r['url']}/allocate", headers=r["staff"])
    assert job.status_code == 202 and job.get_json()["status"] == "finished"
    old = client.get(f"/api/v1/jobs/{lost}", headers=r["staff"]).get_json()
    assert old["status"] == "failed" and "no heartbeat since" in old["error"]
    assert old["finished_at"] is not None


def test_a_job_with_a_fresh_heartbeat_keeps_the_round(app: Flask, client: FlaskClient,
                                                      make: Factory) -> None:
    r = closed_round(client, make)
    alive = add_job(app, r["rid"])
    assert_problem(client.post(f"{r['url']}/allocate", headers=r["staff"]), 409)
    assert client.get(f"/api/v1/jobs/{alive}", headers=r["staff"]).get_json()["status"] == \
        "running"


def test_a_job_no_worker_took_fails_after_the_queue_timeout(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = closed_round(client, make)
    long_ago = jobs.utcnow() - dt.timedelta(seconds=app.config["JOB_QUEUE_TIMEOUT_S"] + 1)
    queued = add_job(app, r["rid"], status="queued", phase="queued", percent=0,
                     created_at=long_ago, started_at=None, heartbeat_at=None)
    listed = client.get(f"/api/v1/jobs?round_id={r['rid']}", headers=r["staff"]).get_json()
    assert listed[0]["status"] == "failed" and "no worker took" in listed[0]["error"]
    # A worker reaching it late leaves it alone.
    with app.app_context():
        jobs.execute(queued, "late")
    assert client.get(f"/api/v1/jobs/{queued}", headers=r["staff"]).get_json()["status"] == \
        "failed"
    assert assignment_ids(client, r) == []


def test_a_worker_presumed_dead_rolls_its_writes_back(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    r = closed_round(client, make)
    job_id = add_job(app, r["rid"], status="queued", phase="queued", started_at=None)
    gate = tmp_path / "go"
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_AT", "solving")
    monkeypatch.setenv("LEERPLEK_JOB_PAUSE_FILE", str(gate))

    def run() -> None:
        with app.app_context():
            jobs.execute(job_id, "slow", heartbeat=False)

    worker = threading.Thread(target=run)
    worker.start()
    wait_for(client, job_id, r["staff"], lambda j: j["phase"] == "solving")
    with app.app_context(), db.transaction() as session:  # what the reaper does on expiry
        session.execute(update(Job).where(Job.id == job_id)
                        .values(status="failed", error="presumed dead"))
    gate.touch()
    worker.join()
    job = client.get(f"/api/v1/jobs/{job_id}", headers=r["staff"]).get_json()
    assert (job["status"], job["error"]) == ("failed", "presumed dead")
    assert assignment_ids(client, r) == []
    assert client.get(r["url"], headers=r["staff"]).get_json()["status"] == "closed"
