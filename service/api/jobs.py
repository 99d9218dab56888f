"""Background jobs: allocations and what-ifs, polled by their requesters and the dashboard."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from ..auth import current_principal
from ..extensions import db
from ..jobs import job_query, reap, visible_job
from ..models import STAFF, Job
from ..records import page
from ..schemas import JobQuerySchema, JobSchema
from . import resource_blueprint

blp = resource_blueprint("jobs", "Background allocation and what-if jobs")


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobQuerySchema, location="query")
    @blp.response(200, JobSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Job]:
        """List jobs of the rounds in the caller's scope, newest first."""
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            rows, pagination_parameters.item_count = page(
                session, job_query(p, filters), pagination_parameters.page,
                pagination_parameters.page_size)
            # A listed job whose worker is gone shows as failed, as it does on its own.
            return [reap(session, job) for job in rows]


@blp.route("/<int:job_id>")
class JobItem(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id: int) -> Job:
        """Show a job: status, phase, percent, and its result or error (a lost worker fails it)."""
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            return reap(session, visible_job(session, p, job_id))
