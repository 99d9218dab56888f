"""Allocation as a background job, on a real RQ worker (REDIS_URL) and embedded in a thread.

Every test here runs in both job modes and on both databases. Jobs are held at a known point
with the documented test hook (LEERPLEK_JOB_PAUSE_AT / LEERPLEK_JOB_PAUSE_FILE) instead of
relying on timing; workers and embedded app processes are real subprocesses, killed with
SIGKILL where the issue says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.extensions import db

from .conftest import Factory, app_config, assert_problem
from .test_dashboard import sign_in

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL")
MODES = ["thread", "rq"] if REDIS_URL else ["thread"]
TIMEOUT = 90.0
# If this test run dies, its workers still stop after two idle minutes.
WORKER = ["-m", "service.cli", "worker", "--max-idle", "120"]
# How soon the killed worker's job is seen as dead once nothing heartbeats it any more.
DEAD_WORKER_EXPIRY_S = 2.0


@pytest.fixture(params=MODES)
def extra_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The job mode under test, with a fast heartbeat.

    The expiry stays long here: on a loaded CI host a healthy job's heartbeat thread can be
    starved for seconds, and a 2-s expiry then failed a live job. The test that kills a worker
    shortens it once nothing is left to beat (``DEAD_WORKER_EXPIRY_S``).
    """
    config: dict[str, Any] = {"JOBS_MODE": request.param, "JOB_HEARTBEAT_S": 0.2,
                              "JOB_EXPIRY_S": 60.0}
    if request.param == "rq":
        from redis import Redis

        assert REDIS_URL
        Redis.from_url(REDIS_URL).flushdb()  # our own Redis database: no stale jobs
        config["REDIS_URL"] = REDIS_URL
    return config


class Processes:
    """Subprocesses of a test, each in its own process group, all killed at the end."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.running: list[subprocess.Popen[str]] = []

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT),
                "DATABASE_URL": self.app.config["DATABASE_URL"],
                "LEERPLEK_JOB_HEARTBEAT_S": "0.2", **extra}

    def start(self, args: list[str], **extra: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.env(**extra),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                text=True, start_new_session=True)
        self.running.append(proc)
        return proc

    def worker(self) -> None:
        """Jobs of this app get run: a real `leerplek worker` in rq mode, else the app."""
        if self.app.config["JOBS_MODE"] == "rq":
            self.start(WORKER)

    @staticmethod
    def kill(proc: subprocess.Popen[str]) -> None:
        # RQ's work horses start sessions of their own: find them before the parent goes.
        for child in children(proc.pid):
            with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                os.kill(child, signal.SIGKILL)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def close(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                self.kill(proc)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def procs(app: Flask) -> Iterator[Processes]:
    processes = Processes(app)
    yield processes
    processes.close()


@pytest.fixture
def pause(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """``pause("solving")`` holds jobs there until ``release()``; env reaches subprocesses."""
    gate = tmp_path / "go"

    class Pause:
        def __call__(self, point: str) -> None:
            monkeypatch.setenv("LEERPLEK_JOB_PAUSE_AT", point)
            monkeypatch.setenv("LEERPLEK_JOB_PAUSE_FILE", str(gate))

        def release(self) -> None:
            gate.touch()

        def off(self) -> None:
            monkeypatch.delenv("LEERPLEK_JOB_PAUSE_AT", raising=False)

    return Pause()


def closed_round(client: FlaskClient, make: Factory, students: int = 4
                 ) -> dict[str, Any]:
    """A closed school round: two offers of one seat each, every student ranking both."""
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar", "seed": 3},
                      headers=staff).get_json()["id"]
    offers = [make.offer(round_id=rid, capacity=1, sector=sector)
              for sector in ("gastvrijheid", "zorg")]
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    for _ in range(students):
        sid = make.student(school)
        response = client.put(f"{url}/preferences/{sid}", json={"offers": offers},
                              headers=staff)
        assert response.status_code == 200, response.get_json()
    client.post(f"{url}/close", headers=staff)
    return {"rid": rid, "url": url, "staff": staff, "offers": offers, "school": school}


def wait_for(client: FlaskClient, job_id: int, headers: dict[str, str],
             until: Any = lambda job: job["status"] in ("finished", "failed")
             ) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        response = client.get(f"/api/v1/jobs/{job_id}", headers=headers)
        assert response.status_code == 200, response.get_json()
        job: dict[str, Any] = response.get_json()
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job never reached the state: {job}"
        time.sleep(0.1)


def assignment_ids(client: FlaskClient, r: dict[str, Any]) -> list[int]:
    rows = client.get(f"{r['url']}/assignments", headers=r["staff"]).get_json()
    return [row["id"] for row in rows]


def allocate(client: FlaskClient, r: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{r['url']}/allocate", headers=r["staff"])
    assert response.status_code == 202, response.get_json()
    job: dict[str, Any] = response.get_json()
    return job


# -- lifecycle and progress ------------------------------------------------------------------


def test_allocate_answers_202_and_the_job_finishes_with_its_summary(
        client: FlaskClient, make: Factory, procs: Processes) -> None:
    r = closed_round(client, make)
    procs.worker()
    response = client.post(f"{r['url']}/allocate", headers=r["staff"])
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert job["kind"] == "allocate" and job["round_id"] == r["rid"]
    assert job["status"] in ("queued", "running", "finished")
    assert job["requested_by"] == f"coordinator:school:{r['school']}"
    done = wait_for(client, job["id"], r["staff"])
    assert done["status"] == "finished" and done["phase"] == "done", done
    assert done["percent"] == 100 and done["error"] is None
    assert done["params"] is None
    assert done["result"]["placed"] == 2 and done["result"]["students"] == 4
    assert done["result"]["placed_share"] == 0.5
    assert set(done["result"]["timings"]) >= {"load_s", "solve_s", "write_s"}
    assert done["started_at"] and done["finished_at"] >= done["started_at"]
    assert len(assignment_ids(client, r)) == 2
    assert client.get(r["url"], headers=r["staff"]).get_json()["status"] == "allocated"


def test_progress_shows_the_engine_stage_while_solving(
        client: FlaskClient, make: Factory, procs: Processes, pause: Any) -> None:
    r = closed_round(client, make)
    pause("placed")  # the engine stage right after the placement maximum
    procs.worker()
    job = allocate(client, r)
    seen = wait_for(client, job["id"], r["staff"],
                    lambda j: j["step"] == "placed" or j["status"] == "failed")
    assert seen["status"] == "running" and seen["phase"] == "solving", seen
    assert 10 < seen["percent"] < 90 and seen["heartbeat_at"] is not None
    assert assignment_ids(client, r) == []  # nothing is written before the solve ends
    pause.release()
    assert wait_for(client, job["id"], r["staff"])["status"] == "finished"


# -- one allocation per round ----------------------------------------------------------------


def test_a_second_allocation_while_one_runs_is_409_naming_it(
        client: FlaskClient, make: Factory, procs: Processes, pause: Any) -> None:
    r = closed_round(client, make)
    pause("loading")
    procs.worker()
    first = allocate(client, r)
    second = client.post(f"{r['url']}/allocate", headers=r["staff"])
    body = assert_problem(second, 409)
    assert body["job"]["id"] == first["id"] and str(first["id"]) in body["detail"]
    assert second.headers["Location"] == f"/api/v1/jobs/{first['id']}"
    pause.release()
    assert wait_for(client, first["id"], r["staff"])["status"] == "finished"
    again = allocate(client, r)  # the lock ends with the job
    assert wait_for(client, again["id"], r["staff"])["status"] == "finished"


def test_two_processes_racing_get_one_job(app: Flask, client: FlaskClient, make: Factory,
                                          extra_config: dict[str, Any], procs: Processes,
                                          pause: Any) -> None:
    r = closed_round(client, make)
    pause("loading")
    procs.worker()
    # Two app instances: separate engines and connections, as two API processes would have.
    apps = [create_app(app_config(DATABASE_URL=app.config["DATABASE_URL"], **extra_config))
            for _ in range(2)]
    barrier = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def race(i: int) -> None:
        racer = apps[i].test_client()
        barrier.wait()
        answers[i] = racer.post(f"{r['url']}/allocate", headers=r["staff"])

    threads = [threading.Thread(target=race, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [202, 409], [a.get_json() for a in answers]
    winner = next(a for a in answers if a.status_code == 202).get_json()
    loser = assert_problem(next(a for a in answers if a.status_code == 409), 409)
    assert loser["job"]["id"] == winner["id"]
    pause.release()
    assert wait_for(client, winner["id"], r["staff"])["status"] == "finished"
    for a in apps:
        with a.app_context():
            db.engine.dispose()


def test_lifecycle_changes_wait_for_a_running_allocation(
        client: FlaskClient, make: Factory, procs: Processes, pause: Any) -> None:
    r = closed_round(client, make)
    pause("loading")
    procs.worker()
    job = allocate(client, r)
    body = assert_problem(client.post(f"{r['url']}/reopen", headers=r["staff"]), 409)
    assert body["job"]["id"] == job["id"]
    pause.release()
    assert wait_for(client, job["id"], r["staff"])["status"] == "finished"


def test_a_dashboard_step_waits_for_a_running_allocation(
        client: FlaskClient, make: Factory, procs: Processes, pause: Any) -> None:
    r = closed_round(client, make)
    token = sign_in(client, r["staff"])
    pause("loading")
    procs.worker()
    job = allocate(client, r)
    try:
        response = client.post(f"/dashboard/rounds/{r['rid']}/reopen",
                               data={"csrf_token": token})
        status = client.get(r["url"], headers=r["staff"]).get_json()["status"]
    finally:
        pause.release()  # a refused test still lets the held job end
    assert response.status_code == 409
    assert f"taak {job['id']}" in response.get_data(as_text=True)  # the page is Dutch
    assert status == "closed"
    assert wait_for(client, job["id"], r["staff"])["status"] == "finished"


# -- a killed worker -------------------------------------------------------------------------


def test_a_killed_worker_leaves_the_round_as_it_was_and_the_job_failed(
        app: Flask, client: FlaskClient, make: Factory, procs: Processes, pause: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    r = closed_round(client, make)
    procs.worker()
    first = allocate(client, r)
    assert wait_for(client, first["id"], r["staff"])["status"] == "finished"
    before = assignment_ids(client, r)
    report = client.get(f"{r['url']}/report", headers=r["staff"]).get_json()
    procs.close()  # the healthy worker goes; the next one will be killed

    # PostgreSQL: killed inside the write transaction, the new rows flushed but uncommitted.
    # SQLite locks the whole file while writing, so there the kill comes mid-solve.
    point = "writing" if app.config["DATABASE_URL"].startswith("postgresql") else "solving"
    pause(point)
    if app.config["JOBS_MODE"] == "rq":
        victim = procs.start(WORKER)
        job = allocate(client, r)
    else:  # embedded: the API process running the job is the one that dies
        token = r["staff"]["Authorization"]
        script = ("import sys, time\nfrom service.app import create_app\n"
                  "client = create_app().test_client()\n"
                  f"client.post('{r['url']}/allocate', headers={{'Authorization': {token!r}}})\n"
                  "time.sleep(600)\n")
        victim = procs.start(["-c", script], LEERPLEK_JOBS_MODE="thread")
        job = wait_for_list(client, r)
    held = wait_for(client, job["id"], r["staff"],
                    lambda j: j["phase"] == point or j["status"] in ("finished", "failed"))
    assert held["status"] == "running" and held["phase"] == point, held
    if app.config["JOBS_MODE"] == "rq":
        # The work horse running the job dies; its worker survives and reports it.
        horse = int(held["worker"].rsplit(":", 1)[1])
        assert horse in children(victim.pid)
        os.kill(horse, signal.SIGKILL)
        expected = "died"
    else:
        procs.kill(victim)  # nobody is left to report: the heartbeat expiry tells
        app.config["JOB_EXPIRY_S"] = DEAD_WORKER_EXPIRY_S  # this app is the one that reaps
        expected = "heartbeat"

    failed = wait_for(client, job["id"], r["staff"])
    assert failed["status"] == "failed" and expected in failed["error"], failed
    assert assignment_ids(client, r) == before
    assert client.get(f"{r['url']}/report", headers=r["staff"]).get_json() == report
    assert client.get(r["url"], headers=r["staff"]).get_json()["status"] == "allocated"

    procs.close()  # an RQ victim's surviving worker still has the pause set
    pause.off()
    monkeypatch.delenv("LEERPLEK_JOB_PAUSE_FILE")
    procs.worker()
    retry = allocate(client, r)
    assert wait_for(client, retry["id"], r["staff"])["status"] == "finished"
    assert len(assignment_ids(client, r)) == 2


def wait_for_list(client: FlaskClient, r: dict[str, Any]) -> dict[str, Any]:
    """The round's newest job, once some other process has created it."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        rows = client.get(f"/api/v1/jobs?round_id={r['rid']}&kind=allocate&status=running",
                          headers=r["staff"]).get_json()
        if rows:
            job: dict[str, Any] = rows[0]
            return job
        assert time.monotonic() < deadline, "the other process never started its job"
        time.sleep(0.1)


# -- who sees jobs ---------------------------------------------------------------------------


def test_jobs_are_seen_by_staff_of_the_round_only(client: FlaskClient, make: Factory,
                                                  procs: Processes) -> None:
    r = closed_round(client, make)
    procs.worker()
    job = allocate(client, r)
    wait_for(client, job["id"], r["staff"])
    other = make.token("coordinator", f"school:{make.school()}")
    assert_problem(client.get(f"/api/v1/jobs/{job['id']}", headers=other), 404)
    assert client.get("/api/v1/jobs", headers=other).get_json() == []
    student = make.token("student", f"student:{make.student(r['school'])}")
    assert_problem(client.get(f"/api/v1/jobs/{job['id']}", headers=student), 403)
    listed = client.get(f"/api/v1/jobs?round_id={r['rid']}", headers=make.admin()).get_json()
    assert [j["id"] for j in listed] == [job["id"]]


# -- what-if scenarios -----------------------------------------------------------------------


def test_a_what_if_is_stored_as_a_scenario_and_never_changes_assignments(
        client: FlaskClient, make: Factory, procs: Processes) -> None:
    r = closed_round(client, make)
    procs.worker()
    wait_for(client, allocate(client, r)["id"], r["staff"])
    before = assignment_ids(client, r)
    response = client.post(f"{r['url']}/simulate", headers=r["staff"], json={
        "name": "twee extra plekken in de zorg",
        "capacity": [{"offer_id": r["offers"][1], "capacity": 3}]})
    assert response.status_code == 202
    job = wait_for(client, response.get_json()["id"], r["staff"])
    assert job["status"] == "finished" and job["kind"] == "simulate", job
    assert job["params"]["name"] == "twee extra plekken in de zorg"
    assert job["result"]["placed"] == 4
    sid = job["result"]["scenario_id"]
    assert assignment_ids(client, r) == before
    assert client.get(r["url"], headers=r["staff"]).get_json()["status"] == "allocated"

    [listed] = client.get(f"{r['url']}/scenarios", headers=r["staff"]).get_json()
    assert listed["id"] == sid and listed["name"] == "twee extra plekken in de zorg"
    assert listed["overrides"]["capacity"] == [{"offer_id": r["offers"][1], "capacity": 3}]
    diff = client.get(f"{r['url']}/scenarios/{sid}/compare", headers=r["staff"]).get_json()
    assert diff["current"]["placed"] == 2 and diff["scenario"]["placed"] == 4
    assert diff["delta"]["placed"] == 2 and diff["delta"]["placed_share"] == 0.5
    zorg = next(s for s in diff["sectors"] if s["sector"] == "zorg")
    assert (zorg["current_capacity"], zorg["scenario_capacity"]) == (1, 3)
    assert (zorg["current_placed"], zorg["scenario_placed"], zorg["placed_delta"]) == (1, 3, 2)


def test_a_what_if_may_scale_a_sector_and_change_the_policy(
        client: FlaskClient, make: Factory, procs: Processes) -> None:
    r = closed_round(client, make)
    procs.worker()
    response = client.post(f"{r['url']}/simulate", headers=r["staff"], json={
        "name": "geen gastvrijheid, stable", "policy": {"objective": "stable"},
        "scale": [{"sector": "gastvrijheid", "factor": 0.0}]})
    job = wait_for(client, response.get_json()["id"], r["staff"])
    assert job["status"] == "finished" and job["result"]["placed"] == 1, job
    scenario = client.get(f"{r['url']}/scenarios/{job['result']['scenario_id']}",
                          headers=r["staff"]).get_json()
    assert scenario["report"]["sectors"]["gastvrijheid"] == {"capacity": 0, "placed": 0}
    assert scenario["report"]["status"] == "stable"
    # The round was never allocated: nothing to compare with, and nothing was written.
    assert_problem(client.get(f"{r['url']}/scenarios/{scenario['id']}/compare",
                              headers=r["staff"]), 409)
    assert assignment_ids(client, r) == []
    assert client.get(r["url"], headers=r["staff"]).get_json()["status"] == "closed"


def test_a_what_if_names_an_offer_outside_the_round(client: FlaskClient, make: Factory) -> None:
    r = closed_round(client, make)
    response = client.post(f"{r['url']}/simulate", headers=r["staff"], json={
        "name": "x", "capacity": [{"offer_id": make.offer(), "capacity": 2}],
        "scale": [{"sector": "bouw", "factor": 2}]})
    body = assert_problem(response, 422, "capacity.0.offer_id")
    assert "scale.0.sector" in [e["field"] for e in body["errors"]]


def test_a_what_if_waits_for_final_preferences(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Open"}, headers=staff).get_json()["id"]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    assert_problem(client.post(f"/api/v1/rounds/{rid}/simulate", headers=staff,
                               json={"name": "te vroeg"}), 409)


def test_another_rounds_scenario_is_404(client: FlaskClient, make: Factory,
                                        procs: Processes) -> None:
    r = closed_round(client, make)
    procs.worker()
    job = client.post(f"{r['url']}/simulate", headers=r["staff"], json={"name": "a"}).get_json()
    sid = wait_for(client, job["id"], r["staff"])["result"]["scenario_id"]
    other = closed_round(client, make)
    assert_problem(client.get(f"{other['url']}/scenarios/{sid}", headers=other["staff"]), 404)
    assert_problem(client.get(f"{r['url']}/scenarios/{sid}", headers=other["staff"]), 404)


def test_an_unreachable_queue_is_503_and_leaves_the_round_free(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = closed_round(client, make)
    app.config.update(JOBS_MODE="rq", REDIS_URL="redis://127.0.0.1:1/0")
    assert_problem(client.post(f"{r['url']}/allocate", headers=r["staff"]), 503)
    [job] = client.get(f"/api/v1/jobs?round_id={r['rid']}", headers=r["staff"]).get_json()
    assert job["status"] == "failed" and "could not queue" in job["error"]
    app.config.update(JOBS_MODE="eager")
    assert allocate(client, r)["status"] == "finished"
