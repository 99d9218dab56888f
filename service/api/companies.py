"""Companies (leerbedrijven): a public directory; staff add them, a company edits itself."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from service.api import every_role, examples, resource_blueprint
from service.directory.companies import company_query, save_company
from service.directory.records import delete_record, get_or_404
from service.errors import Problem
from service.extensions import db
from service.identity.signin import current_principal
from service.models import STAFF, Company, Role
from service.pagination import page
from service.schemas import CompanyQuerySchema, CompanySchema

blp = resource_blueprint("companies", "Companies recognised to train students (leerbedrijven)")


@blp.route("")
class Companies(MethodView):
    @every_role
    @blp.arguments(CompanyQuerySchema, location="query")
    @blp.response(200, CompanySchema(many=True))
    @blp.paginate()
    def get(self, filters: dict[str, Any],
            pagination_parameters: PaginationParameters) -> list[Company]:
        """List companies."""
        rows, pagination_parameters.item_count = page(
            db.session, company_query(filters), pagination_parameters.page,
            pagination_parameters.page_size)
        return rows

    @blp.arguments(CompanySchema, example=examples.COMPANY)
    @blp.response(201, CompanySchema)
    def post(self, data: dict[str, Any]) -> Company:
        """Register a company (admins and coordinators).

        409: another company has this KvK number. Qualifications are crebo codes from the
        reference data (422 naming the code otherwise).
        """
        current_principal().require(*STAFF)
        with db.transaction() as session:
            return save_company(session, current_principal(), Company(), data)


@blp.route("/<int:company_id>")
class CompanyItem(MethodView):
    @every_role
    @blp.response(200, CompanySchema)
    def get(self, company_id: int) -> Company:
        """Show a company."""
        return get_or_404(db.session, Company, company_id)

    @blp.arguments(CompanySchema(partial=True), example=examples.COMPANY_PATCH)
    @blp.response(200, CompanySchema)
    def patch(self, data: dict[str, Any], company_id: int) -> Company:
        """Change a company (staff, or the company itself).

        409: another company has the new KvK number.
        """
        p = current_principal()
        p.require(*STAFF, Role.COMPANY)
        company = get_or_404(db.session, Company, company_id)
        if p.role == Role.COMPANY and p.company_id != company.id:
            raise Problem(403, "a company token changes only its own company")
        with db.transaction() as session:
            return save_company(session, p, company, data)

    @blp.response(204)
    def delete(self, company_id: int) -> None:
        """Delete a company without offers (admins).

        409: the company still has offers; close or delete them first.
        """
        current_principal().require(Role.ADMIN)
        with db.transaction() as session:
            delete_record(session, current_principal(), get_or_404(session, Company, company_id))
