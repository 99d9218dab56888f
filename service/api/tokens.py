"""API tokens: issued, listed (never the secret), revoked and rotated; every change audited."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import examples, resource_blueprint
from service.extensions import db
from service.identity.signin import current_principal
from service.identity.tokens import (
    create_token,
    revoke_token,
    rotate_token,
    token_query,
    visible_token,
)
from service.models import STAFF, ApiToken
from service.pagination import page
from service.schemas import IssuedTokenSchema, TokenQuerySchema, TokenSchema

# Not idempotent: a replayed answer would need the new token's secret kept in the
# idempotency store for a day. A retried issue makes a second token (revoke the unused one);
# a retried rotation answers 409, the old token being revoked already.
blp = resource_blueprint("tokens", "API tokens: admins manage all, coordinators their "
                                   "students' tokens", idempotent=False)


def issued(row: ApiToken, secret: str) -> dict[str, Any]:
    return {"id": row.id, "role": row.role, "scope": row.scope, "created_at": row.created_at,
            "revoked_at": row.revoked_at, "expires_at": row.expires_at, "token": secret}


@blp.route("")
class Tokens(MethodView):
    @blp.arguments(TokenQuerySchema, location="query")
    @blp.response(200, TokenSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[ApiToken]:
        """List the tokens the caller manages: metadata only, never a secret."""
        p = current_principal()
        p.require(*STAFF)
        rows, pagination_parameters.item_count = page(
            db.session, token_query(p, filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows

    @blp.arguments(TokenSchema, example=examples.TOKEN)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Issue a token (admins any; coordinators student tokens in scope); shown once.

        The secret is in this answer only (only its hash is stored); Idempotency-Key is
        refused here.
        """
        p = current_principal()
        with db.transaction() as session:
            row, secret = create_token(session, p, data)
        return issued(row, secret)


@blp.route("/<int:token_id>/revoke")
class TokenRevoke(MethodView):
    @blp.response(200, TokenSchema)
    def post(self, token_id: int) -> ApiToken:
        """Revoke a token: from now on it answers 401 (409 if already revoked).

        Every web session signed in with it ends on its next page.
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            return revoke_token(session, p, visible_token(session, p, token_id, lock=True))


@blp.route("/<int:token_id>/rotate")
class TokenRotate(MethodView):
    @blp.response(201, IssuedTokenSchema)
    def post(self, token_id: int) -> dict[str, Any]:
        """Replace a token by a new one of the same role and scope; the old one is revoked.

        409: the token is revoked already (a retried rotation). The new secret is in this
        answer only.
        """
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            row, secret = rotate_token(session, p, visible_token(session, p, token_id,
                                                                 lock=True))
        return issued(row, secret)
