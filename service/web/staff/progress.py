"""Background jobs from the dashboard: start them, and report how far one is.

Allocations and what-if scenarios are the same jobs the API's ``POST /rounds/{id}/allocate``
and ``/simulate`` start (service.jobs.runner): on an RQ worker with ``REDIS_URL``, else in a thread
of this process. The round and scenario pages poll a job's state as JSON while it is queued
or running, showing its phase and percentage.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import texts
from service.extensions import db
from service.identity.principals import Principal
from service.jobs.lock import active_allocation, reap
from service.jobs.runner import ALLOCATABLE, dispatch, request_job, visible_job
from service.models import Job, JobKind, JobStatus, Round
from service.rounds.scenarios import check_overrides

IDLE = {"state": "idle", "phase": "", "percent": 0, "message": ""}


def can_allocate(rnd: Round) -> bool:
    return rnd.status in ALLOCATABLE


def start(p: Principal, rnd: Round) -> None:
    """Queue the round's allocation (409 while one runs) and set it going."""
    with db.transaction() as session:
        job = request_job(session, p, rnd, JobKind.ALLOCATE)
    dispatch(job)


def start_scenario(p: Principal, rnd: Round, params: dict[str, Any]) -> Job:
    """Queue a what-if with ``params`` as the API's SimulateSchema loads them, set it going.

    The same steps as ``POST /rounds/{id}/simulate``: every override must name something in
    the round (422), the round must be closed or later (409).
    """
    with db.transaction() as session:
        check_overrides(session, rnd, params)
        job = request_job(session, p, rnd, JobKind.SIMULATE, params)
    dispatch(job)
    return job


def _phase(code: str) -> str:
    return texts.label(texts.JOB_PHASE, code) if code else ""


def described(state: dict[str, Any]) -> dict[str, Any]:
    """The state with ``text``: what the page shows, in the reader's language (the page's
    script shows this text as it is, so no words live in the script)."""
    kind = state["state"]
    if kind == "running":
        text = _("%(phase)s · %(percent)s%%", phase=state["phase"] or texts.label(
            texts.JOB_STATE, "running"), percent=state["percent"])
    elif kind == "queued":
        text = state["phase"] or texts.label(texts.JOB_STATE, "queued")
    elif kind == "failed":
        # A job's own message is written for operators (in English); the page says that it
        # failed and that it can be started again.
        text = _("failed: start it again, or ask the administrator to look at the job log")
    else:
        text = texts.label(texts.JOB_STATE, kind)
    return {**state, "text": text}


def job_state(job: Job) -> dict[str, Any]:
    """``{"state": queued|running|finished|failed, "phase", "percent", "message", "text"}``."""
    if job.status == JobStatus.FAILED:
        return described({"state": "failed", "phase": _phase(job.phase),
                          "percent": job.percent, "message": job.error or ""})
    if job.status == JobStatus.FINISHED:
        return described({"state": "finished", "phase": _phase("done"), "percent": 100,
                          "message": ""})
    return described({"state": job.status, "phase": _phase(job.phase),
                      "percent": job.percent, "message": job.step or ""})


def state(session: Session, rnd: Round) -> dict[str, Any]:
    """The state of the round's latest allocation job, ``idle`` when there is none."""
    active = active_allocation(session, rnd.id)  # fails a job whose worker is gone first
    job = active or session.scalar(
        select(Job).where(Job.round_id == rnd.id, Job.kind == JobKind.ALLOCATE.value)
        .order_by(Job.id.desc()).limit(1))
    if job is None:
        return described(dict(IDLE))
    report = rnd.report or {}
    if job.status == JobStatus.FINISHED and report.get("status") == "infeasible":
        return {**described({"state": "failed", "phase": _phase("done"), "percent": 100,
                             "message": report.get("message", "")}),
                "text": texts.label(texts.RESULT_STATUS, "infeasible")}
    return job_state(job)


def visible_job_state(session: Session, p: Principal, job_id: int) -> dict[str, Any]:
    """Any job of a round the principal sees (404 otherwise), a lost worker's failed first."""
    return job_state(reap(session, visible_job(session, p, job_id)))
