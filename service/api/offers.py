"""Offers: placements a company posts; a company sees and edits only its own."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import every_role, examples, resource_blueprint
from service.api.etags import check_if_match, etag_of, send_etag
from service.directory.imports import UPLOAD_TYPES, ImportSummary, import_offers, parse_upload
from service.directory.offers import (
    delete_offer,
    offer_filter,
    offer_query,
    require_offer_writer,
    save_offer,
    visible_offer,
)
from service.extensions import db
from service.identity.signin import current_principal
from service.models import Offer, Role
from service.pagination import page
from service.schemas import ImportSummarySchema, OfferQuerySchema, OfferSchema, upload_body

blp = resource_blueprint("offers", "Placements offered by companies")


@blp.route("")
class Offers(MethodView):
    @every_role
    @blp.arguments(OfferQuerySchema, location="query")
    @blp.response(200, OfferSchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Offer]:
        """List the offers the caller may see."""
        stmt = offer_query(filters, offer_filter(current_principal()))
        rows, pagination_parameters.item_count = page(
            db.session, stmt, pagination_parameters.page, pagination_parameters.page_size)
        return rows

    @blp.arguments(OfferSchema, example=examples.OFFER)
    @blp.response(201, OfferSchema)
    def post(self, data: dict[str, Any]) -> Offer:
        """Post an offer (staff, or a company for itself).

        A company's token posts for its own company (company_id may be left out). An offer
        is posted in draft unless `status` says `open`; an open offer in an open round can
        be ranked by students, and the company's webhooks hear `offer.listed`. Sector,
        region and qualifications must be in the reference data (422 naming the field, with
        a suggestion).
        """
        p = current_principal()
        if p.role == Role.COMPANY:
            data.setdefault("company_id", p.company_id)
        require_offer_writer(p, data.get("company_id"))
        with db.transaction() as session:
            return save_offer(session, p, Offer(), data)


@blp.route("/import")
class OfferImport(MethodView):
    body_types = UPLOAD_TYPES

    @blp.doc(requestBody=upload_body("Offer", examples.OFFERS_IMPORT))
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.response(200, ImportSummarySchema)
    def post(self) -> ImportSummary:
        """Import offers from a JSON array or CSV: every row checked, all or nothing.

        Every bad row is named in the 422 (`3.capacity`), and nothing is written. A
        company's token imports its own offers only.
        """
        p = current_principal()
        upload = parse_upload(request.get_data(), request.content_type or "")
        with db.transaction() as session:
            return import_offers(session, p, upload)


@blp.route("/<int:offer_id>")
class OfferItem(MethodView):
    @every_role
    @blp.response(200, OfferSchema)
    def get(self, offer_id: int) -> Offer:
        """Show an offer, with its ETag for a later If-Match."""
        offer = visible_offer(db.session, current_principal(), offer_id)
        send_etag(etag_of(OfferSchema(), offer))
        return offer

    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    @blp.arguments(OfferSchema(partial=True), example=examples.OFFER_PATCH)
    @blp.response(200, OfferSchema)
    def patch(self, data: dict[str, Any], offer_id: int) -> Offer:
        """Change an offer (412 if If-Match is stale); capacity stays above accepted seats.

        Send the ETag of your last GET as If-Match. 409: the capacity would fall below the
        placements already accepted, or an offer with preferences or placements would go
        back to draft (close it instead).
        """
        p = current_principal()
        with db.transaction() as session:
            offer = visible_offer(session, p, offer_id, lock=True)
            require_offer_writer(p, data.get("company_id", offer.company_id))
            check_if_match(etag_of(OfferSchema(), offer))
            saved = save_offer(session, p, offer, data)
        send_etag(etag_of(OfferSchema(), saved))
        return saved

    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    @blp.response(204)
    def delete(self, offer_id: int) -> None:
        """Delete a draft offer (412 if If-Match is stale).

        409: only a draft offer can be deleted; close an open one instead.
        """
        p = current_principal()
        with db.transaction() as session:
            offer = visible_offer(session, p, offer_id, lock=True)
            require_offer_writer(p, offer.company_id)
            check_if_match(etag_of(OfferSchema(), offer))
            delete_offer(session, p, offer)
