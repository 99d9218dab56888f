"""Schools (ROC's): a public directory; admins manage it, a coordinator edits their own."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from ..access import get_or_404
from ..auth import current_principal
from ..errors import Problem
from ..extensions import db
from ..models import STAFF, Role, School
from ..records import delete_record, page, save_school, school_query
from ..schemas import SchoolQuerySchema, SchoolSchema
from . import every_role, resource_blueprint

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

    @blp.arguments(SchoolSchema)
    @blp.response(201, SchoolSchema)
    def post(self, data: dict[str, Any]) -> School:
        """Create a school (admins)."""
        current_principal().require(Role.ADMIN)
        with db.transaction() as session:
            return save_school(session, School(), data)


@blp.route("/<int:school_id>")
class SchoolItem(MethodView):
    @every_role
    @blp.response(200, SchoolSchema)
    def get(self, school_id: int) -> School:
        """Show a school."""
        return get_or_404(db.session, School, school_id)

    @blp.arguments(SchoolSchema(partial=True))
    @blp.response(200, SchoolSchema)
    def patch(self, data: dict[str, Any], school_id: int) -> School:
        """Change a school (admins, or its own coordinators)."""
        p = current_principal()
        p.require(*STAFF)
        school = get_or_404(db.session, School, school_id)
        if p.role == Role.COORDINATOR and p.school_id != school.id:
            raise Problem(403, "coordinators change only their own school")
        with db.transaction() as session:
            return save_school(session, school, data)

    @blp.response(204)
    def delete(self, school_id: int) -> None:
        """Delete a school without students or rounds (admins)."""
        current_principal().require(Role.ADMIN)
        with db.transaction() as session:
            delete_record(session, get_or_404(session, School, school_id))
