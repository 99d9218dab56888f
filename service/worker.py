"""The RQ worker's entry points: ``leerplek worker`` and the task each job runs.

They sit beside ``app.py`` rather than in ``service.jobs`` because they build the app (a
worker process has none), and the app is built from every surface and feature: the job code
itself (``service.jobs.runner.execute``) never imports the app.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from redis import Redis
from rq import Queue, Worker

from service.app import create_app
from service.extensions import db
from service.jobs.runner import QUEUE, execute, fail
from service.messages.sweep import start_message_sweep
from service.models import JobStatus
from service.placements.sweep import start_sweep
from service.webhooks.delivery import deliver, start_webhook_sweep


def run_job(job_id: int) -> None:
    """The RQ task: a fresh app from the environment, as the worker's process has none."""
    app = create_app()
    try:
        with app.app_context():
            execute(job_id, f"rq:{socket.gethostname()}:{os.getpid()}")
    finally:
        with app.app_context():
            db.engine.dispose()


def deliver_webhook(delivery_id: int) -> None:
    """The RQ task of one webhook attempt (a retry falls to the worker's webhook sweep)."""
    app = create_app()
    try:
        deliver(app, delivery_id)
    finally:
        with app.app_context():
            db.engine.dispose()


def work(redis_url: str, burst: bool = False, max_idle: int | None = None) -> None:
    """``leerplek worker``: take jobs from Redis until stopped (or the queue is empty), and
    settle answer deadlines and send the outbox in sweeps beside them (RQ has no periodic
    jobs)."""
    connection = Redis.from_url(redis_url)
    worker = Worker([Queue(QUEUE, connection=connection)], connection=connection,
                    work_horse_killed_handler=_horse_killed)
    app = None if burst else create_app()
    sweeps = [] if app is None else [start_sweep(app), start_message_sweep(app),
                                     start_webhook_sweep(app)]
    try:
        worker.work(burst=burst, with_scheduler=False, max_idle_time=max_idle)
    finally:
        for sweep in sweeps:
            if sweep is not None:
                sweep.stop()


def _horse_killed(rq_job: Any, pid: int, status: int, _rusage: Any) -> None:
    # RQ forks a work horse per job; when the horse dies (OOM killer, SIGKILL) the worker
    # survives and says so here, so the job fails now instead of after the heartbeat expiry.
    app = create_app()
    with app.app_context():
        job_id = int(rq_job.args[0])
        fail(db.engine, job_id, f"the worker process {pid} died (status {status}); "
                                "nothing was written", (JobStatus.RUNNING, JobStatus.QUEUED))
        db.engine.dispose()
