"""The praktijkovereenkomst (POK) of an accepted placement: read by its parties, completed
by the company and the school, made definitief once signed, exported per round."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from service.api import PREFIX, every_role, examples, json_or_csv, resource_blueprint
from service.extensions import db
from service.identity.signin import current_principal
from service.models import STAFF
from service.pok import blad
from service.pok.records import COLUMNS, complete, finalize, round_rows, row, rows_csv, visible_pok
from service.rounds.lifecycle import visible_round
from service.schemas import PokQuerySchema, PokSchema, PokUpdateSchema

blp = resource_blueprint("pok", "Praktijkovereenkomst (POK): the bpv-blad of each accepted "
                                "placement, completed by company and school, exported for "
                                "school systems")
# Its routes sit under the resources they belong to: /assignments/{id}/pok, /rounds/{id}/pok.
blp.url_prefix = PREFIX


@blp.route("/assignments/<int:assignment_id>/pok")
class AssignmentPok(MethodView):
    @every_role
    @blp.response(200, PokSchema)
    @blp.alt_response(409, response="CONFLICT")  # the placement is not accepted
    def get(self, assignment_id: int) -> dict[str, Any]:
        """The POK of an accepted placement (its student, company and coordinators)."""
        with db.transaction() as session:  # made on first read if still missing
            return row(session, visible_pok(session, current_principal(), assignment_id))

    @blp.arguments(PokUpdateSchema, example=examples.POK_COMPANY_PART)
    @blp.response(200, PokSchema)
    def patch(self, data: dict[str, Any], assignment_id: int) -> dict[str, Any]:
        """Fill in a party's part: the company the leerbedrijf and praktijkopleider, the
        coordinator the school's (403 naming another party's field); volledig once both are
        complete, 409 once definitief."""
        with db.transaction() as session:
            pok = complete(session, current_principal(), assignment_id, data,
                           current_app.config["POK_STORE_PEOPLE"])
            return row(session, pok)


@blp.route("/assignments/<int:assignment_id>/pok/finalize")
class AssignmentPokFinalize(MethodView):
    @blp.response(200, PokSchema)
    def post(self, assignment_id: int) -> dict[str, Any]:
        """Record that the volledig POK was signed: it becomes definitief (coordinators,
        admins; 409 unless volledig)."""
        with db.transaction() as session:
            return row(session, finalize(session, current_principal(), assignment_id))


@blp.route("/assignments/<int:assignment_id>/pok/pdf")
class AssignmentPokPdf(MethodView):
    @every_role
    @blp.response(200, description="the bpv-blad to print and sign (Dutch)",
                  content_type="application/pdf")
    @blp.alt_response(409, response="CONFLICT")
    def get(self, assignment_id: int) -> Response:
        """The printable bpv-blad with the signature lines, as PDF."""
        with db.transaction() as session:
            shown = row(session, visible_pok(session, current_principal(), assignment_id))
        return Response(blad.render(shown), mimetype="application/pdf", headers={
            "Content-Disposition":
                f"inline; filename=bpv-blad-{shown['plaatsing_id']}.pdf"})


@blp.route("/rounds/<int:round_id>/pok")
class RoundPok(MethodView):
    @blp.arguments(PokQuerySchema, location="query")
    @blp.response(200, PokSchema(many=True))
    @blp.doc(**json_or_csv("Pok", (
        "the POKs; with Accept: text/csv, the same rows for a school system's import; "
        "columns: " + ", ".join(COLUMNS) + " (dates as ISO 8601, empty when not filled in)"),
        many=True))
    def get(self, query: dict[str, Any], round_id: int) -> list[dict[str, Any]] | Response:
        """The POKs of a round's accepted placements, of the caller's students (one
        school's with ``school_id``), by school and student number; CSV on request."""
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            rows = round_rows(session, p, visible_round(session, p, round_id),
                              query.get("school_id"))
        if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
            suffix = f"-school-{query['school_id']}" if "school_id" in query else ""
            return Response(rows_csv(rows), mimetype="text/csv", headers={
                "Content-Disposition":
                    f"attachment; filename=round-{round_id}-pok{suffix}.csv"})
        return rows
