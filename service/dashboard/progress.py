"""Allocation from the dashboard: start it as a background job, and report how far it is.

The same job the API's ``POST /rounds/{id}/allocate`` starts (service.jobs): on an RQ worker
with ``REDIS_URL``, else in a thread of this process. The round page polls ``state`` as JSON
while the job is queued or running, showing its phase and percentage.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import Principal
from ..extensions import db
from ..jobs import ALLOCATABLE, active_allocation, dispatch, request_job
from ..models import Job, JobKind, JobStatus, Round

PHASES = {"queued": "in de wachtrij", "loading": "gegevens laden", "solving": "indelen",
          "writing": "opslaan", "done": "klaar"}


def can_allocate(rnd: Round) -> bool:
    return rnd.status in ALLOCATABLE


def start(p: Principal, rnd: Round) -> None:
    """Queue the round's allocation (409 while one runs) and set it going."""
    with db.transaction() as session:
        job = request_job(session, p, rnd, JobKind.ALLOCATE)
    dispatch(job)


def state(session: Session, rnd: Round) -> dict[str, Any]:
    """``{"state": idle|queued|running|finished|failed, "phase", "percent", "message"}``,
    from the round's latest allocation job."""
    active = active_allocation(session, rnd.id)  # fails a job whose worker is gone first
    job = active or session.scalar(
        select(Job).where(Job.round_id == rnd.id, Job.kind == JobKind.ALLOCATE.value)
        .order_by(Job.id.desc()).limit(1))
    if job is None:
        return {"state": "idle", "phase": "", "percent": 0, "message": ""}
    if job.status == JobStatus.FAILED:
        return {"state": "failed", "phase": PHASES.get(job.phase, job.phase),
                "percent": job.percent, "message": job.error or ""}
    if job.status == JobStatus.FINISHED:
        report = rnd.report or {}
        if report.get("status") == "infeasible":
            return {"state": "failed", "phase": PHASES["done"], "percent": 100,
                    "message": report.get("message", "")}
        return {"state": "finished", "phase": PHASES["done"], "percent": 100, "message": ""}
    return {"state": job.status, "phase": PHASES.get(job.phase, job.phase),
            "percent": job.percent, "message": job.step or ""}
