"""Hybrid learning environments: a shared capacity over the partner companies' spots."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import every_role, examples, resource_blueprint
from service.directory.environments import environment_query, save_environment
from service.directory.records import get_or_404
from service.extensions import db
from service.identity.signin import current_principal
from service.models import STAFF, Environment
from service.pagination import page
from service.schemas import EnvironmentQuerySchema, EnvironmentSchema

blp = resource_blueprint("environments", "Hybrid learning environments with shared capacity")

# Environments are set up by schools and regions together: staff manage them, all read.


@blp.route("")
class Environments(MethodView):
    @every_role
    @blp.arguments(EnvironmentQuerySchema, location="query")
    @blp.response(200, EnvironmentSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Environment]:
        """List hybrid learning environments."""
        rows, pagination_parameters.item_count = page(
            db.session, environment_query(filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows

    @blp.arguments(EnvironmentSchema, example=examples.ENVIRONMENT)
    @blp.response(201, EnvironmentSchema)
    def post(self, data: dict[str, Any]) -> Environment:
        """Create an environment (admins and coordinators).

        The capacity counts the students over all partners' offers together; partner_ids
        name existing companies (422 otherwise).
        """
        current_principal().require(*STAFF)
        with db.transaction() as session:
            return save_environment(session, current_principal(), Environment(), data)


@blp.route("/<int:environment_id>")
class EnvironmentItem(MethodView):
    @every_role
    @blp.response(200, EnvironmentSchema)
    def get(self, environment_id: int) -> Environment:
        """Show an environment."""
        return get_or_404(db.session, Environment, environment_id)

    @blp.arguments(EnvironmentSchema(partial=True), example=examples.ENVIRONMENT_PATCH)
    @blp.response(200, EnvironmentSchema)
    def patch(self, data: dict[str, Any], environment_id: int) -> Environment:
        """Change an environment's name, capacity, region or partners (staff)."""
        current_principal().require(*STAFF)
        with db.transaction() as session:
            environment = get_or_404(session, Environment, environment_id)
            return save_environment(session, current_principal(), environment, data)
