"""Schools (ROC's): a public directory; admins manage it, a coordinator edits their own."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import every_role, examples, resource_blueprint
from service.directory.records import delete_record, get_or_404
from service.directory.schools import save_school, school_query
from service.errors import Problem
from service.extensions import db
from service.identity.signin import current_principal
from service.models import STAFF, Role, School
from service.pagination import page
from service.schemas import SchoolQuerySchema, SchoolSchema

blp = resource_blueprint("schools", "Schools (ROC's) whose students take part")


@blp.route("")
class Schools(MethodView):
    @every_role
    @blp.arguments(SchoolQuerySchema, location="query")
    @blp.response(200, SchoolSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[School]:
        """List schools."""
        rows, pagination_parameters.item_count = page(
            db.session, school_query(filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows

    @blp.arguments(SchoolSchema, example=examples.SCHOOL)
    @blp.response(201, SchoolSchema)
    def post(self, data: dict[str, Any]) -> School:
        """Create a school (admins).

        409: another school has this code.
        """
        current_principal().require(Role.ADMIN)
        with db.transaction() as session:
            return save_school(session, current_principal(), School(), data)


@blp.route("/<int:school_id>")
class SchoolItem(MethodView):
    @every_role
    @blp.response(200, SchoolSchema)
    def get(self, school_id: int) -> School:
        """Show a school."""
        return get_or_404(db.session, School, school_id)

    @blp.arguments(SchoolSchema(partial=True), example=examples.SCHOOL_PATCH)
    @blp.response(200, SchoolSchema)
    def patch(self, data: dict[str, Any], school_id: int) -> School:
        """Change a school (admins, or its own coordinators)."""
        p = current_principal()
        p.require(*STAFF)
        school = get_or_404(db.session, School, school_id)
        if p.role == Role.COORDINATOR and p.school_id != school.id:
            raise Problem(403, "coordinators change only their own school")
        with db.transaction() as session:
            return save_school(session, p, school, data)

    @blp.response(204)
    def delete(self, school_id: int) -> None:
        """Delete a school without students or rounds (admins).

        409: the school still has students or rounds.
        """
        current_principal().require(Role.ADMIN)
        with db.transaction() as session:
            delete_record(session, current_principal(), get_or_404(session, School, school_id))
