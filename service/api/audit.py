"""The audit log: every state change with its actor, time and changed fields."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import resource_blueprint
from service.extensions import db
from service.identity.signin import current_principal
from service.models import STAFF, AuditEvent
from service.pagination import page
from service.rounds.lifecycle import audit_events
from service.schemas import AuditEventSchema, AuditQuerySchema

blp = resource_blueprint("audit", "The audit log of state changes (admins; coordinators "
                                  "their scope)")


@blp.route("")
class AuditLog(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[AuditEvent]:
        """List audit events in the caller's scope, newest first."""
        p = current_principal()
        p.require(*STAFF)
        rows, pagination_parameters.item_count = page(
            db.session, audit_events(p, filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows
