"""The dashboard's regional agreements: the list with progress, and a form to record one.

The same rule as the API (``monitor.agreements.create_agreement``: coordinators for their own
region, admins for any, audited), loaded by the same ``AgreementSchema``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_babel import gettext as _

from service import texts
from service.errors import Problem
from service.extensions import db
from service.models import Role
from service.monitor.agreements import create_agreement, own_region
from service.monitor.export import agreement_rows
from service.schemas import AgreementSchema, typed_text
from service.web.session import current
from service.web.staff.views import blueprint
from solver.model import LEVELS, PATHWAYS

FIELDS = ("title", "region", "sector", "level", "pathway", "school_year",
          "baseline_school_year", "target")


def hint(key: str) -> str:
    """What a valid value of a refused field is."""
    hints = {"title": _("A short description, up to 200 characters."),
             "school_year": _("A school year such as 2026-2027."),
             "baseline_school_year": _("An earlier school year than the agreement's, such as "
                                       "2025-2026, or empty."),
             "target": _("A number of seats from 1 to 100,000.")}
    return str(hints.get(key, _("Choose one of the options.")))


def _form(values: Any, errors: dict[str, str]) -> str:
    p = current()
    regions = sorted(texts.region_names().items(), key=lambda pair: pair[1])
    if p.role == Role.COORDINATOR:
        mine = own_region(db.session, p)
        regions = [(code, name) for code, name in regions if code == mine]
    return render_template(
        "dashboard/agreements.html", rows=agreement_rows(db.session), values=values,
        errors=errors, regions=regions, levels=LEVELS, pathways=PATHWAYS,
        sectors=sorted(texts.sector_names().items(), key=lambda pair: pair[1]))


class Agreements(MethodView):
    def get(self) -> str:
        """The regional agreements with their progress, and the form for a new one."""
        return _form({}, {})

    def post(self) -> ResponseReturnValue:
        """Record an agreement."""
        data = {k: request.form.get(k, "").strip() for k in FIELDS}
        data = {k: v for k, v in data.items() if v}
        try:
            loaded = AgreementSchema().load(typed_text(AgreementSchema(), data))
        except ma.ValidationError as exc:
            fields = exc.messages if isinstance(exc.messages, dict) else {"title": []}
            return _form(request.form, {key: hint(key) for key in fields}), 422
        try:
            with db.transaction() as session:
                create_agreement(session, current(), dict(loaded))
        except Problem as exc:
            if exc.status != 422 or not exc.errors:
                raise  # 403: the dashboard's error page says so
            return _form(request.form, {e["field"]: hint(e["field"]) for e in exc.errors}), 422
        return redirect(url_for("dashboard.agreements"))


blueprint.add_url_rule("/agreements", view_func=Agreements.as_view("agreements"))
