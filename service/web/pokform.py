"""The POK form that every surface shows a party (the coordinators' dashboard, the company
pages): its labels and hints in the people's words, which fields the signed-in party fills
in, and saving through ``pok.records.complete`` as the API does. The rules stay
``pok.records``'s; this module only turns a form into its input and its refusals into hints.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask_babel import lazy_gettext as _l

from service.errors import Problem
from service.extensions import db
from service.identity.principals import Principal
from service.pok.records import API_NAMES, PEOPLE_FIELDS, complete, party
from service.schemas import PokUpdateSchema, typed_text

# Per POK field (by its API name): its label, and what a valid value is when refused.
POK_LABELS = {
    "crebo": _l("Qualification (crebo)"), "leerweg": _l("Pathway"),
    "begindatum": _l("Start date"), "geplande_einddatum": _l("Planned end date"),
    "uren_totaal": _l("Hours in total"),
    "praktijkbegeleider_naam": _l("Bpv supervisor (school)"),
    "praktijkbegeleider_email": _l("E-mail of the bpv supervisor"),
    "leerbedrijf_sbb_code": _l("SBB number"), "leerbedrijf_adres": _l("Address"),
    "leerbedrijf_postcode": _l("Postcode"), "leerbedrijf_plaats": _l("Town"),
    "uren_per_week": _l("Hours per week"), "dagen_per_week": _l("Days per week"),
    "praktijkopleider_naam": _l("Praktijkopleider"),
    "praktijkopleider_email": _l("E-mail of the praktijkopleider"),
}
POK_HINTS = {
    "crebo": _l("Give a crebo code of 5 digits from the list of qualifications, taught at "
                "the student's level."),
    "leerweg": _l("Choose BOL or BBL, a pathway of the student."),
    "begindatum": _l("Give a date."),
    "geplande_einddatum": _l("Give a date after the start date."),
    "uren_totaal": _l("Give 1 to 5,120 clock hours, no more than the hours per week over "
                      "the period allow; for BBL at least 610 hours a year."),
    "uren_per_week": _l("Give 1 to 60 hours, at most 12 a day."),
    "dagen_per_week": _l("Give 1 to 6 days."),
    "leerbedrijf_sbb_code": _l("Give the SBB number of 5 to 9 digits."),
    "leerbedrijf_postcode": _l("Give a postcode such as 7511 AB."),
}
POK_INPUTS = {"begindatum": "date", "geplande_einddatum": "date", "uren_totaal": "number",
              "uren_per_week": "number", "dagen_per_week": "number",
              "praktijkbegeleider_email": "email", "praktijkopleider_email": "email"}
INVALID = _l("What you filled in is not valid.")


def pok_hint(name: str) -> str:
    return str(POK_HINTS.get(name, INVALID))


def pok_fields(p: Principal) -> list[str]:
    """The API names of the fields ``p`` fills in on this deployment."""
    people = current_app.config["POK_STORE_PEOPLE"]
    return [API_NAMES[f] for f in party(p).fields if people or f not in PEOPLE_FIELDS]


def save_pok(p: Principal, assignment_id: int, form: Any) -> dict[str, str]:
    """Save ``p``'s part from the form as ``PATCH /assignments/{id}/pok`` does (an emptied
    field is emptied), in one transaction; the refused fields with their hints, empty when
    saved. Other refusals (403, 404, 409) stay problems for the page's error handler."""
    data = {name: form.get(name, "").strip() or None for name in pok_fields(p)}
    try:
        loaded = PokUpdateSchema().load(typed_text(PokUpdateSchema(), data))
        with db.transaction() as session:
            complete(session, p, assignment_id, loaded, current_app.config["POK_STORE_PEOPLE"])
    except ma.ValidationError as exc:
        refused = exc.messages if isinstance(exc.messages, dict) else {}
        return {str(k): pok_hint(str(k)) for k in refused}
    except Problem as exc:
        fields = [e["field"] for e in exc.errors if e.get("field")]
        if exc.status != 422 or not fields:
            raise
        return {name: pok_hint(name) for name in fields}
    return {}
