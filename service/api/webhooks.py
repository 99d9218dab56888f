"""Webhook endpoints: registered by a company for itself (or an admin), each with a secret
shown once; the log of its deliveries, and replaying one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import examples, resource_blueprint
from service.extensions import db
from service.identity.signin import current_principal
from service.models import WebhookDelivery, WebhookEndpoint
from service.pagination import page
from service.schemas import (
    RegisteredWebhookSchema,
    WebhookDeliveryQuerySchema,
    WebhookDeliverySchema,
    WebhookEndpointSchema,
)
from service.webhooks.endpoints import (
    change,
    delivery_query,
    endpoint_query,
    register,
    remove,
    replay,
    visible_delivery,
    visible_endpoint,
)

# Not idempotent: a replayed registration would need the secret kept in the idempotency
# store. A retried registration makes a second endpoint (delete the unused one).
blp = resource_blueprint("webhooks", "Webhook endpoints: companies for themselves, admins "
                                     "for a school's systems", idempotent=False)

@blp.route("")
class Webhooks(MethodView):
    @blp.response(200, WebhookEndpointSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: PaginationParameters) -> list[WebhookEndpoint]:
        """List webhook endpoints: a company its own, an admin all."""
        rows, pagination_parameters.item_count = page(
            db.session, endpoint_query(current_principal()), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows

    @blp.arguments(WebhookEndpointSchema, example=examples.WEBHOOK)
    @blp.response(201, RegisteredWebhookSchema)
    def post(self, data: dict[str, Any]) -> WebhookEndpoint:
        """Register a URL for events; the answer holds its signing secret, shown once.

        Companies register for themselves; admins for a company, for a school's systems
        (`school_id`: the events of its rounds and students) or, naming neither, for every
        event. The URL must be https and must not resolve to a private, loopback or reserved
        address (422 naming `url`).
        """
        p = current_principal()
        with db.transaction() as session:
            return register(session, p, data, current_app.config)


@blp.route("/<int:endpoint_id>")
class Webhook(MethodView):
    @blp.response(200, WebhookEndpointSchema)
    def get(self, endpoint_id: int) -> WebhookEndpoint:
        """Show a webhook endpoint: its events, whether it is active and why not."""
        return visible_endpoint(db.session, current_principal(), endpoint_id)

    @blp.arguments(WebhookEndpointSchema(partial=True), example=examples.WEBHOOK_PATCH)
    @blp.response(200, WebhookEndpointSchema)
    def patch(self, data: dict[str, Any], endpoint_id: int) -> WebhookEndpoint:
        """Change an endpoint's URL, events or description, or enable it again.

        `"active": true` on an endpoint disabled after failing clears its reason and count;
        replay its failed deliveries afterwards.
        """
        p = current_principal()
        with db.transaction() as session:
            return change(session, p, visible_endpoint(session, p, endpoint_id), data,
                          current_app.config)

    @blp.response(204)
    def delete(self, endpoint_id: int) -> None:
        """Delete an endpoint and the log of its deliveries."""
        p = current_principal()
        with db.transaction() as session:
            remove(session, p, visible_endpoint(session, p, endpoint_id))


@blp.route("/<int:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(WebhookDeliveryQuerySchema, location="query")
    @blp.response(200, WebhookDeliverySchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any], endpoint_id: int,
            pagination_parameters: PaginationParameters) -> list[WebhookDelivery]:
        """The endpoint's deliveries, newest first: status, attempts, last status and error."""
        endpoint = visible_endpoint(db.session, current_principal(), endpoint_id)
        rows, pagination_parameters.item_count = page(
            db.session, delivery_query(endpoint, filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows


@blp.route("/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
class Replay(MethodView):
    @blp.response(202, WebhookDeliverySchema)
    def post(self, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
        """Send a delivery again, with the same webhook-id (202: it goes out in the background).

        409 while the endpoint is disabled (enable it first) or while the delivery is being
        sent.
        """
        p = current_principal()
        with db.transaction() as session:
            endpoint = visible_endpoint(session, p, endpoint_id)
            return replay(session, p, endpoint, visible_delivery(session, endpoint,
                                                                 delivery_id))
