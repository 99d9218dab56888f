"""Allocation rounds as background jobs: one code path on an RQ worker or in a thread.

A ``jobs`` row is the source of truth every API process reads: ``queued`` → ``running``
(``phase`` loading → solving → writing, ``percent`` 0–100, ``step`` naming the engine's stage)
→ ``finished`` with a result summary, or ``failed`` with the error. Where it runs is a
deployment choice (``JOBS_MODE``): ``rq`` enqueues the job id for ``leerplek worker``; ``thread``
(the embedded default without ``REDIS_URL``) runs it in a thread of the API process; ``eager``
runs it inside the request (tests only). All three call :func:`execute`.

The lock: one allocation per round at a time.
    A partial unique index (``uq_jobs_active_allocation``: one ``allocate`` row per round
    while ``queued`` or ``running``) makes the database refuse the second job, whichever
    process or machine inserts it; the loser answers 409 naming the active job. A database
    constraint rather than a Redis lock because the jobs table is already the shared truth,
    it works the same in embedded mode (no Redis), and there is no lock-then-insert window.
    A row lock (``SELECT … FOR UPDATE``) was the alternative: it dies with its connection, but
    a solve would then hold a transaction open for minutes, and SQLite has no row locks.

    So that the lock never outlives a dead worker, the process holding a job writes
    ``heartbeat_at`` every ``JOB_HEARTBEAT_S``. A job whose heartbeat is older than
    ``JOB_EXPIRY_S`` has lost its worker: the next request that looks at it (reading the job,
    or allocating the round) marks it ``failed``, which frees the round. A job queued in Redis
    has no heartbeat until a worker takes it; it fails after ``JOB_QUEUE_TIMEOUT_S`` unclaimed.

No partial results.
    Results are written in one transaction, which ends by moving the job from ``running`` to
    ``finished`` *only if it is still running*; a worker presumed dead that wakes up finds its
    job failed and rolls its writes back. A worker killed mid-write leaves an uncommitted
    transaction that the database discards: the round keeps its previous assignments.

Test hook (documented in docs/JOBS.md): with ``LEERPLEK_JOB_PAUSE_AT=<phase or engine step>``
the job waits at that point (``writing``: inside the write transaction, rows flushed, not
committed) until the file ``LEERPLEK_JOB_PAUSE_FILE`` exists, so tests can observe progress
and kill a worker at a known point. Unset in production, it costs one dictionary look-up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from sqlalchemy import ColumnElement, CursorResult, Engine, Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.errors import Problem
from service.extensions import db
from service.identity.principals import Principal
from service.jobs.lock import active_allocation, busy, ensure_not_allocating, utcnow
from service.models import ACTIVE_JOB, Job, JobKind, JobStatus, Role, Round, RoundStatus
from service.rounds.allocation import write_allocation
from service.rounds.lifecycle import round_filter
from service.rounds.loading import round_model
from service.rounds.scenarios import apply_overrides, store_scenario
from solver import allocate

log = logging.getLogger(__name__)
QUEUE = "leerplek"
# percent at the start of each phase; solving fills 10..90 as the engine reports its share
PHASE_PERCENT = {"loading": 0, "solving": 10, "writing": 90, "done": 100}


class JobLost(Exception):
    """The job is no longer ours: it was failed (presumed dead) while we worked."""


def jobs_mode(config: Mapping[str, Any]) -> str:
    mode: str | None = config.get("JOBS_MODE")
    return mode or ("rq" if config.get("REDIS_URL") else "thread")


# -- who sees which job --------------------------------------------------------------------


def job_filter(p: Principal) -> ColumnElement[bool]:
    """Jobs follow their round: staff who see the round see its jobs."""
    return Job.round_id.in_(select(Round.id).where(round_filter(p)))


def job_query(p: Principal, filters: dict[str, Any]) -> Select[Job]:
    stmt = select(Job).where(job_filter(p)).order_by(Job.id.desc())
    for key in ("round_id", "status", "kind"):
        if key in filters:
            stmt = stmt.where(getattr(Job, key) == filters[key])
    return stmt


def visible_job(session: Session, p: Principal, job_id: int) -> Job:
    job = session.scalar(select(Job).where(Job.id == job_id, job_filter(p)))
    if job is None:
        raise Problem(404, f"no job with id {job_id}")
    return job


ALLOCATABLE = (RoundStatus.CLOSED, RoundStatus.ALLOCATED)
# A what-if needs the final preferences (closed) and may look back at any later state.
SIMULATABLE = (RoundStatus.CLOSED, RoundStatus.ALLOCATED, RoundStatus.PUBLISHED,
               RoundStatus.FINISHED)


def check_allocatable(rnd: Round) -> None:
    if rnd.status not in ALLOCATABLE:
        raise Problem(409, f"round {rnd.id} is {rnd.status}: close it before allocating")


def request_job(session: Session, p: Principal, rnd: Round, kind: JobKind,
                params: dict[str, Any] | None = None) -> Job:
    """Queue a job for ``rnd``; a second allocation while one is active is refused (409)."""
    if kind == JobKind.ALLOCATE:
        check_allocatable(rnd)
        ensure_not_allocating(session, rnd)
    elif rnd.status not in SIMULATABLE:
        raise Problem(409, f"round {rnd.id} is {rnd.status}: a what-if runs on the final "
                           "preferences, once the round is closed")
    label = p.role.value + (f":{p.scope}" if p.scope else "")
    job = Job(kind=kind.value, round_id=rnd.id, status=JobStatus.QUEUED.value, phase="queued",
              percent=0, params=params, requested_by=label, created_at=utcnow())
    if jobs_mode(current_app.config) == "thread":
        # This process heartbeats the job from now on, queued or running (see dispatch).
        job.heartbeat_at = job.created_at
    session.add(job)
    try:
        session.flush()
    except IntegrityError:
        # Lost the race: another process inserted the round's allocation since we looked.
        session.rollback()
        winner = active_allocation(session, rnd.id)
        if winner is None:
            raise
        raise busy(winner) from None
    return job


# -- running a job -------------------------------------------------------------------------


def dispatch(job: Job) -> None:
    """Start a committed job the configured way; if it cannot be queued, fail it (503)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = jobs_mode(app.config)
    if mode == "eager":
        with app.app_context():
            execute(job.id, f"eager:{socket.gethostname()}:{os.getpid()}")
    elif mode == "thread":
        beat = Heartbeat(db.engine, job.id, app.config["JOB_HEARTBEAT_S"])
        beat.start()
        executor(app).submit(_run_in_thread, app, job.id, beat)
    elif mode == "rq":
        try:
            enqueue(app, job.id)
        except Exception as exc:  # Redis down: say so now rather than leave a queued job
            log.exception("could not queue job %s", job.id)
            fail(db.engine, job.id, f"could not queue the job: {type(exc).__name__}",
                 (JobStatus.QUEUED,))
            raise Problem(503, "the job queue is unreachable; try again later") from exc
    else:
        raise ValueError(f"JOBS_MODE must be rq, thread or eager, not {mode!r}")


def executor(app: Flask) -> ThreadPoolExecutor:
    with _EXECUTOR_LOCK:
        pool: ThreadPoolExecutor | None = app.extensions.get("jobs_executor")
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=int(app.config["JOB_THREADS"]),
                                      thread_name_prefix="leerplek-job")
            app.extensions["jobs_executor"] = pool
        return pool


_EXECUTOR_LOCK = threading.Lock()


def _run_in_thread(app: Flask, job_id: int, beat: Heartbeat) -> None:
    try:
        with app.app_context():
            execute(job_id, f"thread:{socket.gethostname()}:{os.getpid()}", heartbeat=False)
    finally:
        beat.stop()


def enqueue(app: Flask, job_id: int) -> None:
    connection = Redis.from_url(app.config["REDIS_URL"])
    # By name: the task (service.worker) builds the app, which this module must not import.
    Queue(QUEUE, connection=connection).enqueue(
        "service.worker.run_job", job_id, job_timeout=int(app.config["JOB_TIMEOUT_S"]),
        result_ttl=600, failure_ttl=7 * 86400, description=f"leerplek job {job_id}")


def execute(job_id: int, worker: str, *, heartbeat: bool = True) -> None:
    """Claim a queued job and run it to ``finished`` or ``failed``; never raises for the job.

    Claiming is a conditional update (queued → running), so a job that expired in the queue
    or was taken by another worker is left alone.
    """
    engine = db.engine
    now = utcnow()
    with engine.begin() as conn:
        claimed = conn.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
            .values(status=JobStatus.RUNNING.value, phase="loading", percent=0,
                    started_at=now, heartbeat_at=now, worker=worker[:120])).rowcount
    if not claimed:
        log.warning("job %s is not queued any more; not running it", job_id)
        return
    beat = Heartbeat(engine, job_id, current_app.config["JOB_HEARTBEAT_S"])
    if heartbeat:
        beat.start()
    try:
        _run(job_id, Reporter(engine, job_id))
    except JobLost as exc:
        log.warning("job %s: %s", job_id, exc)
    except Problem as exc:  # a domain rule said no, e.g. the round was reopened meanwhile
        fail(engine, job_id, exc.detail)
    except Exception as exc:  # includes RQ's JobTimeoutException
        log.exception("job %s failed", job_id)
        fail(engine, job_id, f"{type(exc).__name__}: {exc}")
    finally:
        beat.stop()


def _run(job_id: int, reporter: Reporter) -> None:
    session = db.session
    job = session.get(Job, job_id)
    assert job is not None
    kind, round_id, params = job.kind, job.round_id, job.params
    requested_by = job.requested_by
    pause_point("loading")
    t0 = time.monotonic()
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise Problem(404, f"round {round_id} no longer exists")
    if kind == JobKind.ALLOCATE:
        check_allocatable(rnd)
    model = round_model(session, rnd)
    if kind == JobKind.SIMULATE:
        model = apply_overrides(model, params or {})
    session.rollback()  # no transaction stays open during the solve
    t1 = time.monotonic()
    reporter.phase("solving")
    pause_point("solving")
    result = allocate(model, progress=reporter.engine_step)
    t2 = time.monotonic()
    reporter.phase("writing")
    with db.transaction() as session:
        if kind == JobKind.ALLOCATE:
            # Row-locks the round on PostgreSQL, so no transition slips in during the write.
            rnd = session.execute(select(Round).where(Round.id == round_id)
                                  .with_for_update()).scalar_one()
            check_allocatable(rnd)
            summary = write_allocation(session, rnd, result, requester(requested_by))
        else:
            summary = store_scenario(session, job_id, round_id, params or {}, model, result)
        pause_point("writing")
        t3 = time.monotonic()
        summary["timings"] = {
            "load_s": round(t1 - t0, 3), "solve_s": round(t2 - t1, 3),
            "write_s": round(t3 - t2, 3), "total_s": round(t3 - t0, 3),
            "outside_solver_share": round(1 - (t2 - t1) / (t3 - t0), 4) if t3 > t0 else 0.0}
        done = cast(CursorResult[Any], session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING.value)
            .values(status=JobStatus.FINISHED.value, phase="done", step=None, percent=100,
                    result=summary, finished_at=utcnow(), heartbeat_at=utcnow())
            .execution_options(synchronize_session=False))).rowcount
        if not done:
            raise JobLost("the job was failed while it ran (heartbeat expired); "
                          "its results are rolled back")


def fail(engine: Engine, job_id: int, error: str,
         states: tuple[JobStatus, ...] = (JobStatus.RUNNING,)) -> None:
    with engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id,
                                       Job.status.in_([s.value for s in states]))
                     .values(status=JobStatus.FAILED.value, error=error[:2000],
                             finished_at=utcnow()))


def requester(label: str) -> Principal | None:
    """Who asked for a job, from its ``requested_by`` label ("role" or "role:scope")."""
    role, _, scope = label.partition(":")
    return Principal(Role(role), scope) if role in {r.value for r in Role} else None


def pause_point(name: str) -> None:
    """The test hook: wait here until the pause file exists (see the module docstring)."""
    if os.environ.get("LEERPLEK_JOB_PAUSE_AT") != name:
        return
    path = os.environ.get("LEERPLEK_JOB_PAUSE_FILE", "")
    deadline = time.monotonic() + 600
    while not (path and os.path.exists(path)) and time.monotonic() < deadline:
        time.sleep(0.05)


class Reporter:
    """Writes phase, engine step and percent to the job row on its own connection.

    Engine steps are written at most every half second (a 60,000-student round has hundreds
    of stages); phase changes, and a step the test hook pauses at, always.
    """

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.last = 0.0

    def _write(self, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == self.job_id,
                                           Job.status == JobStatus.RUNNING.value)
                         .values(heartbeat_at=utcnow(), **values))
        self.last = time.monotonic()

    def phase(self, phase: str) -> None:
        self._write(phase=phase, step=None, percent=PHASE_PERCENT[phase])

    def engine_step(self, step: str, share: float) -> None:
        pausing = os.environ.get("LEERPLEK_JOB_PAUSE_AT") == step
        if pausing or time.monotonic() - self.last >= 0.5:
            percent = PHASE_PERCENT["solving"] + int(80 * min(max(share, 0.0), 1.0))
            self._write(step=step[:40], percent=percent)
        if pausing:
            pause_point(step)


class Heartbeat:
    """A daemon thread stamping ``heartbeat_at`` while this process holds the job."""

    def __init__(self, engine: Engine, job_id: int, interval: float) -> None:
        self.engine, self.job_id, self.interval = engine, job_id, interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}",
                                       daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _beat(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(Job).where(Job.id == self.job_id,
                                                   Job.status.in_(ACTIVE_JOB))
                                 .values(heartbeat_at=utcnow()))
            except Exception:  # e.g. SQLite busy during our own write; the next beat retries
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)




__all__ = ["execute", "request_job", "visible_job"]
