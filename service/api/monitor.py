"""The regional monitor's open data (no sign-in) and its agreements (staff record them).

``GET /api/v1/monitor`` and ``GET /api/v1/monitor/agreements`` answer anyone, in JSON or, with
``Accept: text/csv`` or ``?format=csv``, as CSV; the figures come from ``service.monitor``,
already suppressed there. ``/api/v1/agreements`` is an ordinary signed-in resource: a
coordinator or admin records or removes an agreement.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from service.api import (
    PREFIX,
    Blueprint,
    every_role,
    examples,
    json_or_csv,
    resource_blueprint,
)
from service.extensions import db
from service.identity.signin import current_principal
from service.models import STAFF, Agreement
from service.monitor.agreements import (
    AGREEMENT_COLUMNS,
    create_agreement,
    delete_agreement,
    progress,
    progress_row,
    visible_agreement,
)
from service.monitor.disclosure import THRESHOLD
from service.monitor.export import agreement_rows, agreements_csv, figures_csv
from service.monitor.figures import COLUMNS, LICENCE, monitor, rows
from service.schemas import (
    AgreementQuerySchema,
    AgreementSchema,
    MonitorQuerySchema,
    MonitorSchema,
)

blp = Blueprint("monitor", "service.api.monitor", url_prefix=f"{PREFIX}/monitor",
                description="The regional monitor: open data over finished rounds, no sign-in")
agreements_blp = resource_blueprint("agreements", "Regional agreements on workplaces, "
                                                  "recorded by coordinators and admins")

SOURCE = "Leerplek: finished placement rounds of the mbo schools in Overijssel"


def wants_csv(filters: dict[str, Any]) -> bool:
    if filters.get("format") is not None:
        return bool(filters["format"] == "csv")
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def csv_response(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={filename}"})


@blp.route("")
class Monitor(MethodView):
    @blp.doc(security=[])
    @blp.arguments(MonitorQuerySchema, location="query")
    @blp.response(200, MonitorSchema)
    @blp.doc(**json_or_csv("Monitor", (
        "the figures; with Accept: text/csv or ?format=csv the rows, columns "
        + ", ".join(COLUMNS)
        + " (a summed-over dimension reads 'total', a suppressed figure is empty)")))
    def get(self, filters: dict[str, Any]) -> dict[str, Any] | Response:
        """The monitor's figures per finished round (open data, CC BY 4.0)."""
        year = filters.get("school_year")
        # A transaction: a round's figures are kept the first time they are published.
        with db.transaction() as session:
            if wants_csv(filters):
                return csv_response(figures_csv(session, year), "leerplek-monitor.csv")
            return {"licence": LICENCE, "source": SOURCE, "threshold": THRESHOLD,
                    "columns": list(COLUMNS), "rows": rows(monitor(session, year)),
                    "agreements": agreement_rows(session)}


@blp.route("/agreements")
class MonitorAgreements(MethodView):
    @blp.doc(security=[])
    @blp.arguments(AgreementQuerySchema, location="query")
    @blp.response(200, AgreementSchema(many=True))
    @blp.doc(**json_or_csv("Agreement", (
        "the agreements; with Accept: text/csv or ?format=csv, columns "
        + ", ".join(AGREEMENT_COLUMNS)), many=True))
    def get(self, filters: dict[str, Any]) -> list[dict[str, Any]] | Response:
        """The regional agreements with their progress (open data)."""
        if wants_csv(filters):
            return csv_response(agreements_csv(db.session), "leerplek-agreements.csv")
        return agreement_rows(db.session)


@agreements_blp.route("")
class Agreements(MethodView):
    @every_role
    @agreements_blp.response(200, AgreementSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """List the agreements with their progress (the same as the open list)."""
        return agreement_rows(db.session)

    @agreements_blp.arguments(AgreementSchema, example=examples.AGREEMENT)
    @agreements_blp.response(201, AgreementSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Record an agreement (admins; coordinators for their own region)."""
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            agreement = create_agreement(session, p, data)
            return progress_row(progress(session, [agreement])[0])


@agreements_blp.route("/<int:agreement_id>")
class AgreementItem(MethodView):
    @every_role
    @agreements_blp.response(200, AgreementSchema)
    def get(self, agreement_id: int) -> dict[str, Any]:
        """Show an agreement with its progress."""
        agreement: Agreement = visible_agreement(db.session, agreement_id)
        return progress_row(progress(db.session, [agreement])[0])

    @agreements_blp.response(204)
    def delete(self, agreement_id: int) -> None:
        """Remove an agreement (admins; coordinators of its region)."""
        p = current_principal()
        p.require(*STAFF)
        with db.transaction() as session:
            delete_agreement(session, p, visible_agreement(session, agreement_id))
