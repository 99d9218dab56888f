"""The outbox as coordinators see it: each message's recipient, status and why it failed."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import resource_blueprint
from service.extensions import db
from service.identity.signin import current_principal
from service.messages.scope import message_query, visible_message
from service.models import Message
from service.pagination import page
from service.schemas import MessageQuerySchema, MessageSchema

blp = resource_blueprint("messages", "E-mails to students and companies: sent, queued, failed "
                                     "and why (admins; coordinators their scope)")


@blp.route("")
class Messages(MethodView):
    @blp.arguments(MessageQuerySchema, location="query")
    @blp.response(200, MessageSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Message]:
        """List the messages in the caller's scope, newest first."""
        rows, pagination_parameters.item_count = page(
            db.session, message_query(current_principal(), filters),
            pagination_parameters.page, pagination_parameters.page_size)
        return rows


@blp.route("/<int:message_id>")
class MessageItem(MethodView):
    @blp.response(200, MessageSchema)
    def get(self, message_id: int) -> Message:
        """Show a message: recipient, subject, status, attempts, and why it failed."""
        return visible_message(db.session, current_principal(), message_id)
