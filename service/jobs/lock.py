"""The per-round allocation lock: one allocation per round at a time, and its expiry.

The lock is the jobs table itself (see ``service.jobs.runner``): a partial unique index lets
one ``allocate`` row per round be queued or running. This module only reads and expires it,
so the round lifecycle can wait for a running allocation (``ensure_not_allocating``) without
depending on the code that runs jobs.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.errors import Problem
from service.models import ACTIVE_JOB, Job, JobKind, JobStatus, Round
from service.schemas import JobSchema

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back naive; every timestamp written here is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def job_url(job: Job) -> str:
    return f"/api/v1/jobs/{job.id}"


def reap(session: Session, job: Job) -> Job:
    """Fail ``job`` if its worker is gone (heartbeat expired) or nobody took it in time.

    Reads first and writes only a stale job, so looking at a healthy job never takes a write
    lock. The update re-checks the state, so two processes reaping at once fail it once.
    """
    config = current_app.config
    now = utcnow()
    if job.status == JobStatus.RUNNING or (job.status == JobStatus.QUEUED
                                           and job.heartbeat_at is not None):
        cutoff = now - dt.timedelta(seconds=config["JOB_EXPIRY_S"])
        beat = job.heartbeat_at or job.started_at or job.created_at
        if aware(beat) >= cutoff:
            return job
        since = Job.heartbeat_at < cutoff
        error = (f"the worker stopped answering: no heartbeat since "
                 f"{aware(beat).isoformat(timespec='seconds')}; nothing was written")
    elif job.status == JobStatus.QUEUED:
        cutoff = now - dt.timedelta(seconds=config["JOB_QUEUE_TIMEOUT_S"])
        if aware(job.created_at) >= cutoff:
            return job
        since = Job.created_at < cutoff
        error = "no worker took the job in time; is `leerplek worker` running?"
    else:
        return job
    session.execute(update(Job).where(Job.id == job.id, Job.status == job.status, since)
                    .values(status=JobStatus.FAILED.value, error=error, finished_at=now)
                    .execution_options(synchronize_session=False))
    session.refresh(job)
    log.warning("job %s failed: %s", job.id, job.error)
    return job


def active_allocation(session: Session, round_id: int) -> Job | None:
    """The round's queued or running allocation, after failing one whose worker is gone."""
    job = session.scalar(select(Job).where(Job.round_id == round_id,
                                           Job.kind == JobKind.ALLOCATE.value,
                                           Job.status.in_(ACTIVE_JOB)))
    if job is not None and reap(session, job).status in ACTIVE_JOB:
        return job
    return None


def busy(job: Job) -> Problem:
    return Problem(409, f"round {job.round_id} is already being allocated by job {job.id} "
                        f"({job.status}); follow {job_url(job)}",
                   headers={"Location": job_url(job)}, extra={"job": JobSchema().dump(job)})


def ensure_not_allocating(session: Session, rnd: Round) -> None:
    """Lifecycle changes wait for a running allocation: it would write into a changed round."""
    job = active_allocation(session, rnd.id)
    if job is not None:
        raise busy(job)
