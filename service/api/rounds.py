"""Allocation rounds: created by coordinators with a policy, moved through their lifecycle."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import examples, resource_blueprint
from service.errors import Problem
from service.extensions import db
from service.identity.signin import current_principal
from service.jobs.lock import job_url
from service.jobs.runner import dispatch, request_job
from service.models import STAFF, Assignment, Job, JobKind, Role, Round, Scenario
from service.pagination import page
from service.placements.assignments import start_follow_up
from service.rounds.imports import RoundImport, import_round
from service.rounds.lifecycle import (
    ASSIGNMENT_COLUMNS,
    assignment_query,
    assignments_csv,
    change_policy,
    create_round,
    managed_round,
    round_query,
    scoped_report,
    submit_preferences,
    submit_preferences_to,
    transition,
    visible_round,
)
from service.rounds.loading import round_document
from service.rounds.scenarios import check_overrides, compare, scenario_query, visible_scenario
from service.schemas import (
    AssignmentQuerySchema,
    AssignmentSchema,
    ComparisonSchema,
    JobSchema,
    PreferencesSchema,
    ReportSchema,
    RoundImportQuerySchema,
    RoundImportSchema,
    RoundQuerySchema,
    RoundSchema,
    ScenarioSchema,
    SimulateSchema,
)

blp = resource_blueprint("rounds", "Allocation rounds and their lifecycle")


@blp.route("")
class Rounds(MethodView):
    @blp.arguments(RoundQuerySchema, location="query")
    @blp.response(200, RoundSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Round]:
        """List the rounds in the caller's scope."""
        p = current_principal()
        p.require(*STAFF)
        rows, pagination_parameters.item_count = page(
            db.session, round_query(p, filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows

    @blp.arguments(RoundSchema, example=examples.ROUND)
    @blp.response(201, RoundSchema)
    def post(self, data: dict[str, Any]) -> Round:
        """Create a round in draft (coordinators for their school or region, admins).

        A coordinator's round belongs to their school or region; an admin naming neither
        creates a province-wide round.
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            return create_round(session, p, data)


@blp.route("/import")
class RoundImportView(MethodView):
    @blp.arguments(RoundImportQuerySchema, location="query")
    @blp.doc(requestBody={"required": True, "description": "a leerplek-round/1 document",
                          "content": {"application/json": {"schema": {"type": "object"},
                                                           "example": examples.ROUND_DOCUMENT}}})
    @blp.response(201, RoundImportSchema)
    def post(self, query: dict[str, Any]) -> RoundImport:
        """Create a round in draft from a round document: offers, students, preferences.

        Staff only. Every problem in the document is named in the 422 and nothing is
        written.
        """
        p = current_principal()
        p.require(*STAFF)
        if not request.is_json:
            raise Problem(400, "the body must be a leerplek-round/1 document as JSON")
        # The bytes, not Flask's decoded JSON: the import reads them with its compiled reader.
        data = request.get_data()
        with db.transaction() as session:
            return import_round(session, p, data, query["ids"], query.get("school_id"),
                                query.get("region"))


@blp.route("/<int:round_id>")
class RoundItem(MethodView):
    @blp.response(200, RoundSchema)
    def get(self, round_id: int) -> Round:
        """Show a round."""
        p = current_principal()
        p.require(*STAFF)
        return visible_round(db.session, p, round_id)

    @blp.arguments(RoundSchema(partial=True), example=examples.ROUND_PATCH)
    @blp.response(200, RoundSchema)
    def patch(self, data: dict[str, Any], round_id: int) -> Round:
        """Change a round's name or policy while it is draft or open.

        409: the round has moved on (its policy is fixed once closed; a finished round's
        answers are settled).
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            return change_policy(session, p, visible_round(session, p, round_id), data)


@blp.route("/<int:round_id>/<any(open, close, reopen, publish, finish):action>")
class RoundTransition(MethodView):
    @blp.response(200, RoundSchema)
    def post(self, round_id: int, action: str) -> Round:
        """Move a round on in its lifecycle (409 when the round is not in a state for it).

        Actions: open (draft → open), close (open → closed), reopen, publish (allocated →
        published: students and companies see and answer their placements; webhooks hear
        `round.published` and `proposal.created`), finish. 409 names the round's state and
        the state the action needs, or the allocation job still running.
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            return transition(session, p, visible_round(session, p, round_id), action)


@blp.route("/<int:round_id>/preferences/<int:student_id>")
class RoundPreferences(MethodView):
    @blp.arguments(PreferencesSchema, example=examples.PREFERENCES)
    @blp.response(200, PreferencesSchema)
    def put(self, data: dict[str, Any], round_id: int, student_id: int) -> dict[str, Any]:
        """Submit a student's ranked list (the student, or a coordinator on their behalf).

        Replaces the whole list. 409: the round is not open. 422 names every offer the
        student may not choose, with the rule it breaks (level, pathway, region, …).
        """
        p = current_principal()
        p.require(*STAFF, Role.STUDENT)
        with db.transaction() as session:
            if p.role == Role.STUDENT:  # the round is read with the student
                _, offers = submit_preferences_to(session, p, round_id, student_id,
                                                  data["offers"])
            else:
                offers = submit_preferences(session, p, visible_round(session, p, round_id),
                                            student_id, data["offers"])
            return {"round_id": round_id, "student_id": student_id, "offers": offers}


@blp.route("/<int:round_id>/export")
class RoundExport(MethodView):
    @blp.response(200, description="a leerplek-round/1 document (see README)")
    def get(self, round_id: int) -> dict[str, Any]:
        """The round as a leerplek-round/1 document: offers, students and preferences."""
        p = current_principal()
        p.require(*STAFF)
        return round_document(db.session, managed_round(db.session, p, round_id))


@blp.route("/<int:round_id>/allocate")
class RoundAllocate(MethodView):
    @blp.response(202, JobSchema, headers={"Location": {
        "description": "the job to poll", "schema": {"type": "string"}}})
    @blp.alt_response(409, response="CONFLICT")  # the problem's `job` member: the active job
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")  # the job queue is unreachable
    def post(self, round_id: int) -> tuple[Job, dict[str, str]]:
        """Start allocating a closed round in the background (409 while one runs).

        Answers 202 with a job to poll at /jobs/{id}. 409: the round is not closed (or
        allocated), or another allocation of it is running (the problem names that job).
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            job = request_job(session, p, visible_round(session, p, round_id),
                              JobKind.ALLOCATE)
        dispatch(job)
        db.session.refresh(job)
        return job, {"Location": job_url(job)}


@blp.route("/<int:round_id>/simulate")
class RoundSimulate(MethodView):
    @blp.arguments(SimulateSchema, example=examples.SIMULATE)
    @blp.response(202, JobSchema, headers={"Location": {
        "description": "the job to poll", "schema": {"type": "string"}}})
    @blp.alt_response(409, response="CONFLICT")  # a draft or open round
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, data: dict[str, Any], round_id: int) -> tuple[Job, dict[str, str]]:
        """Start a what-if allocation stored as a named scenario; assignments never change.

        Answers 202 with a job. 409: the round is not closed yet (a what-if needs its final
        preferences).
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            rnd = visible_round(session, p, round_id)
            check_overrides(session, rnd, data)
            job = request_job(session, p, rnd, JobKind.SIMULATE, data)
        dispatch(job)
        db.session.refresh(job)
        return job, {"Location": job_url(job)}


@blp.route("/<int:round_id>/scenarios")
class RoundScenarios(MethodView):
    @blp.response(200, ScenarioSchema(many=True))
    @blp.paginate()
    def get(self, round_id: int, pagination_parameters: PaginationParameters
            ) -> list[Scenario]:
        """List the round's what-if scenarios."""
        p = current_principal()
        p.require(*STAFF)
        rnd = managed_round(db.session, p, round_id)
        rows, pagination_parameters.item_count = page(
            db.session, scenario_query(rnd), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows


@blp.route("/<int:round_id>/scenarios/<int:scenario_id>")
class RoundScenario(MethodView):
    @blp.response(200, ScenarioSchema)
    def get(self, round_id: int, scenario_id: int) -> Scenario:
        """Show a scenario: its overrides and the outcome they gave."""
        p = current_principal()
        p.require(*STAFF)
        return visible_scenario(db.session, managed_round(db.session, p, round_id),
                                scenario_id)


@blp.route("/<int:round_id>/scenarios/<int:scenario_id>/compare")
class RoundScenarioCompare(MethodView):
    @blp.response(200, ComparisonSchema)
    def get(self, round_id: int, scenario_id: int) -> dict[str, Any]:
        """Compare a scenario with the current allocation: placed, ranks, sector fill."""
        p = current_principal()
        p.require(*STAFF)
        rnd = managed_round(db.session, p, round_id)
        return compare(db.session, rnd, visible_scenario(db.session, rnd, scenario_id))


@blp.route("/<int:round_id>/assignments")
class RoundAssignments(MethodView):
    @blp.arguments(AssignmentQuerySchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    # One status, two media types: flask-smorest keeps one response per status (an
    # alt_response for 200 replaces the JSON one), so the 200 response is written whole here.
    @blp.doc(responses={"200": {
        "headers": {"X-Pagination": {"$ref": "#/components/headers/PAGINATION"}},
        "description": (
            "the assignments as JSON; with Accept: text/csv, all rows, by school and then "
            "student number in numeric order; columns: " + ", ".join(ASSIGNMENT_COLUMNS)
            + " (place, region and sector by name; rank empty for an unranked placement)"),
        "content": {
            "application/json": {"schema": {
                "type": "array", "items": {"$ref": "#/components/schemas/Assignment"}}},
            "text/csv": {"schema": {"type": "string"}}}}})
    @blp.paginate()
    def get(self, filters: dict[str, Any], round_id: int,
            pagination_parameters: PaginationParameters) -> list[Assignment] | Response:
        """List a round's assignments (coordinators of its scope; CSV on request)."""
        p = current_principal()
        p.require(*STAFF)
        rnd = visible_round(db.session, p, round_id)
        if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
            text = assignments_csv(db.session, rnd, p)
            pagination_parameters.item_count = text.count("\n") - 1  # all rows, one page
            return Response(text, mimetype="text/csv",
                            headers={"Content-Disposition":
                                     f"attachment; filename=round-{rnd.id}-assignments.csv"})
        rows, pagination_parameters.item_count = page(
            db.session, assignment_query(rnd, p, filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows


@blp.route("/<int:round_id>/report")
class RoundReport(MethodView):
    @blp.response(200, ReportSchema)
    @blp.alt_response(409, response="CONFLICT")
    def get(self, round_id: int) -> dict[str, Any]:
        """The last allocation's statistics, unplaced reasons and shortage analysis; a
        coordinator's unplaced are their students, with their figures under ``scope``."""
        p = current_principal()
        p.require(*STAFF)
        return scoped_report(db.session, p, visible_round(db.session, p, round_id))


@blp.route("/<int:round_id>/follow-up")
class RoundFollowUp(MethodView):
    @blp.response(201, RoundSchema)
    def post(self, round_id: int) -> Round:
        """Start the next round: accepted placements pinned, the rest allocated again.

        409: the round is not published, or a proposal still awaits its answer before the
        deadline. Webhooks hear `round.follow_up_started`.
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            return start_follow_up(session, p, visible_round(session, p, round_id))
