"""Assignments after publishing: each party sees its own and accepts or declines."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import every_role, examples, resource_blueprint
from service.extensions import db
from service.identity.signin import current_principal
from service.models import Assignment
from service.pagination import page
from service.placements.assignments import (
    ACCEPT,
    DECLINE,
    Answered,
    assignment_list,
    visible_assignment,
)
from service.pok.records import answer
from service.schemas import AnswerSchema, AssignmentQuerySchema, AssignmentSchema

blp = resource_blueprint("assignments", "Placements: seen by their parties, accepted or declined")


@blp.route("")
class Assignments(MethodView):
    @every_role
    @blp.arguments(AssignmentQuerySchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Assignment]:
        """List the assignments the caller may see."""
        rows, pagination_parameters.item_count = page(
            db.session, assignment_list(current_principal(), filters),
            pagination_parameters.page,
            pagination_parameters.page_size)
        return rows


@blp.route("/<int:assignment_id>")
class AssignmentItem(MethodView):
    @every_role
    @blp.response(200, AssignmentSchema)
    def get(self, assignment_id: int) -> Assignment:
        """Show an assignment."""
        return visible_assignment(db.session, current_principal(), assignment_id)


@blp.route("/<int:assignment_id>/accept")
class AssignmentAccept(MethodView):
    @blp.arguments(AnswerSchema, required=False, example=examples.ANSWER)
    @blp.response(200, AssignmentSchema)
    def post(self, data: dict[str, Any], assignment_id: int) -> Answered:
        """Accept a placement (the student, or staff on their behalf with a reason; for BBL
        also the company). After the round's deadline, 409."""
        with db.transaction() as session:
            return answer(session, current_principal(), assignment_id, ACCEPT,
                           data.get("reason"))


@blp.route("/<int:assignment_id>/decline")
class AssignmentDecline(MethodView):
    @blp.arguments(AnswerSchema, required=False, example=examples.ANSWER)
    @blp.response(200, AssignmentSchema)
    def post(self, data: dict[str, Any], assignment_id: int) -> Answered:
        """Decline a placement (the student or the company, or staff on the student's
        behalf with a reason). After the round's deadline, 409."""
        with db.transaction() as session:
            return answer(session, current_principal(), assignment_id, DECLINE,
                           data.get("reason"))
