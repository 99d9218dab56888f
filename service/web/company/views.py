"""Company pages: thin views that read a form as the API's schema, call the feature function
the API calls with the signed-in company as the actor, and render a template.

What a company may see and do is the features' rule, never this module's: offers through
``directory.offers`` (its own only, 404 otherwise), the proposed students through
``placements.assignments.company_proposals`` and answers through ``respond``, the
praktijkovereenkomsten through ``pok.records`` (its accepted placements only, the company's
part of the form as ``PATCH /assignments/{id}/pok``, see ``web.pokform``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from service import texts
from service.directory.companies import save_company
from service.directory.offers import (
    delete_offer,
    listed_counts,
    offer_filter,
    offer_query,
    require_offer_writer,
    rounds_taking_offers,
    save_offer,
    visible_offer,
)
from service.directory.records import get_or_404
from service.errors import Problem
from service.extensions import db
from service.models import (
    Company,
    Offer,
    OfferStatus,
    RefPlace,
    RefQualification,
    Role,
    Round,
    RoundStatus,
)
from service.pagination import page
from service.placements.assignments import ACCEPT, DECLINE, company_proposals, respond
from service.pok import blad
from service.pok.records import party_rows, row, visible_pok
from service.schemas import CompanySchema, OfferSchema, etag_of, typed_text
from service.web import page_headers
from service.web import status_text as web_status_text
from service.web.pokform import POK_INPUTS, POK_LABELS, pok_fields, save_pok
from service.web.session import CSRF_FIELD, csrf_valid, current, sign_out, signed_in
from solver.model import LEVELS, PATHWAYS

log = logging.getLogger(__name__)
blueprint = Blueprint("company", __name__, url_prefix="/bedrijf",
                      template_folder="templates")
blueprint.after_request(page_headers)
SURFACE = "company"
ROLES = {Role.COMPANY}

STATUS_TEXTS = {  # where this surface says more than service.web's wording
    401: _l("Please sign in with the link you received from the school."),
    412: _l("Someone else changed this offer in the meantime. Reload the page and make your "
            "change again."),
}
# Per form field: what a valid value is, shown next to a refused field (the features' own
# messages are written for API clients, in English).
FIELD_HINTS = {
    "title": _l("Give a title of at most 200 characters."),
    "sector": _l("Choose a sector from the list."),
    "qualifications": _l("Choose qualification codes (crebo) for which your company is "
                         "recognised."),
    "levels": _l("Tick at least one level."),
    "pathways": _l("Tick at least one pathway."),
    "region": _l("Choose a region from the list."),
    "place": _l("Choose a place from the list, or leave it empty."),
    "capacity": _l("Give a number of places from 0 to 100,000."),
    "reserved_priority": _l("Give a number of reserved places, at most the number of places."),
    "start": _l("Give a start date, or leave it empty."),
    "end": _l("Give an end date on or after the start date, or leave it empty."),
    "days_per_week": _l("Give a number of days from 1 to 7, or leave it empty."),
    "hours_per_week": _l("Give a number of hours from 1 to 60, or leave it empty."),
    "description": _l("Describe the place in at most 4,000 characters."),
    "round_id": _l("Choose a round from the list, or none."),
    "status": _l("This offer already has students on a list or placed: withdraw it instead."),
    "name": _l("Give a name of 1 to 200 characters."),
    "kvk_number": _l("Give the KvK number of exactly 8 digits (no other company may have it)."),
}
# A field refused because of stored data (409) rather than its value.
CONFLICT_HINTS = {
    "capacity": _l("More students have already accepted this place: give at least that "
                   "number."),
    "kvk_number": _l("Another company already has this KvK number."),
}
# The offer form's fields as the API's OfferSchema names them; lists come as repeated fields.
OFFER_FIELDS = ("title", "sector", "region", "place", "capacity", "reserved_priority", "start",
                "end", "days_per_week", "hours_per_week", "description", "round_id")
OFFER_LISTS = ("levels", "pathways")
PROFILE_FIELDS = ("name", "kvk_number", "region")


class FormRefused(Exception):
    """The form's refused fields, each with its hint, for the page to show next to them."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def status_text(status: int) -> str:
    return web_status_text(status, STATUS_TEXTS)


def field_hint(path: str) -> tuple[str, str]:
    """A refused field's form name (``levels.0`` is the levels field) and its hint."""
    name = path.split(".")[0]
    return name, str(FIELD_HINTS.get(name, status_text(422)))


def _hints(paths: list[str], status: int = 422) -> dict[str, str]:
    hints = dict(field_hint(path) for path in paths)
    if status == 409:
        hints.update({k: str(CONFLICT_HINTS[k]) for k in hints if k in CONFLICT_HINTS})
    return hints


def _error_page(status: int, message: str) -> ResponseReturnValue:
    return render_template("company/error.html", status=status, message=message), status


@blueprint.before_request
def guard() -> ResponseReturnValue | None:
    """CSRF on every POST, then a signed-in company on every page."""
    if request.method == "POST" and not csrf_valid(request.form.get(CSRF_FIELD)):
        return _error_page(400, _("The form has expired or is not valid. Reload the page and "
                                  "try again."))
    try:
        principal = signed_in(request, SURFACE, ROLES)
    except Problem as exc:  # 429: this address failed to sign in too often
        return (render_template("company/error.html", status=exc.status,
                                message=status_text(429)), exc.status, exc.headers)
    if principal is None:  # people sign in at /inloggen: a one-time link
        return redirect(url_for("signin.start"))
    return None


@blueprint.context_processor
def globals_() -> dict[str, Any]:
    principal = g.get("principal")
    return {"principal": principal, "who": texts.who(principal) if principal else "",
            "page_language": str(get_locale() or texts.DEFAULT_LOCALE).replace("_", "-"),
            "proposal_state": lambda a: texts.proposal_state(a.status, a.company_response,
                                                             a.needs_consent)}


@blueprint.errorhandler(Problem)
def problem_page(exc: Problem) -> ResponseReturnValue:
    db.session.rollback()
    return _error_page(exc.status, status_text(exc.status))


@blueprint.errorhandler(HTTPException)
def http_page(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    return _error_page(status, status_text(status))


@blueprint.errorhandler(IntegrityError)
@blueprint.errorhandler(OperationalError)
@blueprint.errorhandler(InterfaceError)
@blueprint.errorhandler(Exception)
def failure_page(exc: Exception) -> ResponseReturnValue:
    """As the API answers: the database down 503, a conflict with stored data 409, else 500;
    nothing half-done survives."""
    db.session.rollback()
    if isinstance(exc, OperationalError | InterfaceError):
        status = 503
    elif isinstance(exc, IntegrityError):
        status = 409
    else:
        log.exception("company page failed")
        status = 500
    return _error_page(status, status_text(status))


def _company() -> Company:
    # The guard let in a company principal, whose scope always names its company.
    company_id = current().company_id
    assert company_id is not None
    company: Company = get_or_404(db.session, Company, company_id)
    return company


def _load(schema: ma.Schema, data: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's schema loads it; refused fields become hints."""
    try:
        return dict(schema.load(typed_text(schema, data)))
    except ma.ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise FormRefused(_hints([str(key) for key in messages])) from None


def _saving(save: Any, *args: Any) -> Any:
    """Run a feature's save in one transaction (see ``_saving_in``)."""
    with db.transaction() as session:
        return _saving_in(session, save, *args)


def _saving_in(session: Any, save: Any, *args: Any) -> Any:
    """A feature's save; its 409/422 naming fields become the form's hints."""
    try:
        return save(session, *args)
    except Problem as exc:
        fields = [e["field"] for e in exc.errors if e.get("field")]
        if exc.status in (409, 422) and fields:
            raise FormRefused(_hints(fields, exc.status)) from None
        raise


# Reference data for the form's select lists and datalists --------------------------------

def _regions() -> list[tuple[str, str]]:
    return sorted(texts.region_names().items(), key=lambda pair: pair[1])


def _choices() -> dict[str, Any]:
    session = db.session
    qualifications = session.execute(select(RefQualification.code, RefQualification.name)
                                      .order_by(RefQualification.code)).all()
    places = session.execute(select(RefPlace.name, RefPlace.region_id)
                             .order_by(RefPlace.name)).all()
    return {"sectors": sorted(texts.sector_names().items(), key=lambda pair: pair[1]),
            "regions": _regions(),
            "qualifications": qualifications,
            "places": sorted({name for name, _region in places}),
            "recognised": set(_company().qualifications),
            "levels": LEVELS, "pathways": PATHWAYS,
            "rounds": rounds_taking_offers(session)}


def offer_form_data(form: Any) -> dict[str, Any]:
    """The offer form as the API's input: empty fields left out (the schema's defaults then
    apply), the qualification codes one per line or separated by commas."""
    data: dict[str, Any] = {}
    for key in OFFER_FIELDS:
        value = form.get(key, "").strip()
        if value:
            data[key] = value
    for key in OFFER_LISTS:
        data[key] = form.getlist(key)
    data["qualifications"] = form.getlist("qualifications")
    return data


def _offer_values(offer: Offer) -> dict[str, Any]:
    values = {k: getattr(offer, k) for k in OFFER_FIELDS}
    values.update(levels=offer.levels, pathways=offer.pathways,
                  qualifications=" ".join(offer.qualifications))
    return {k: ("" if v is None else v) for k, v in values.items()}


def _offer_form(offer: Offer | None, values: dict[str, Any], errors: dict[str, str],
                version: str = "") -> ResponseReturnValue:
    choices = _choices()
    current_round = db.session.get(Round, offer.round_id) if offer and offer.round_id else None
    if current_round is not None and current_round not in choices["rounds"]:
        choices["rounds"].append(current_round)  # the offer's own round stays choosable
    page = render_template("company/offer_form.html", offer=offer, values=values,
                           errors=errors, version=version, **choices)
    return page, 422 if errors else 200


# Pages -----------------------------------------------------------------------------------

PAGE_SIZE = 50


class Home(MethodView):
    def get(self) -> str:
        """The company's offers with their status and, per offer, how many students listed
        it (before the round is published) or were proposed (after); paged in SQL."""
        p = current()
        arg = request.args.get("page", "1")
        number = max(1, int(arg)) if arg.isdigit() and len(arg) < 7 else 1
        offers, total = page(db.session, offer_query({}, offer_filter(p)), number, PAGE_SIZE)
        rounds = {r.id: r for r in db.session.scalars(
            select(Round).where(Round.id.in_({o.round_id for o in offers if o.round_id})))}
        return render_template("company/home.html", company=_company(), offers=offers,
                               rounds=rounds, listed=listed_counts(db.session, offers),
                               number=number, total=total,
                               pages=max(1, -(-total // PAGE_SIZE)))


class Profile(MethodView):
    def get(self) -> str:
        """The company's profile and the form to change it."""
        company = _company()
        return render_template("company/profile.html", company=company,
                               values=_profile_values(company), errors={},
                               regions=_regions())

    def post(self) -> ResponseReturnValue:
        """Change the profile as ``PATCH /companies/{id}`` does (the company itself)."""
        company = _company()
        data: dict[str, Any] = {k: request.form.get(k, "").strip() for k in PROFILE_FIELDS}
        data["region"] = data["region"] or None
        data["qualifications"] = request.form.get("qualifications", "").replace(",", " ").split()
        try:
            loaded = _load(CompanySchema(partial=True), data)
            _saving(save_company, current(), company, loaded)
        except FormRefused as refused:
            db.session.rollback()
            values = {**data, "qualifications": " ".join(data["qualifications"])}
            return render_template("company/profile.html", company=company, values=values,
                                   errors=refused.errors,
                                   regions=_regions()), 422
        return redirect(url_for("company.profile", saved=1))


def _profile_values(company: Company) -> dict[str, Any]:
    return {"name": company.name, "kvk_number": company.kvk_number,
            "region": company.region or "", "qualifications": " ".join(company.qualifications)}


class OfferNew(MethodView):
    def get(self) -> ResponseReturnValue:
        """The form for a new offer, saved as a draft."""
        return _offer_form(None, {"levels": [], "pathways": [], "capacity": 1}, {})

    def post(self) -> ResponseReturnValue:
        """Post an offer as ``POST /offers`` does: a draft until the company publishes it."""
        p = current()
        data = offer_form_data(request.form)
        try:
            loaded = _load(OfferSchema(), data)
            loaded["company_id"] = p.company_id
            require_offer_writer(p, p.company_id)
            offer = _saving(save_offer, p, Offer(), loaded)
        except FormRefused as refused:
            db.session.rollback()
            values = {**data, "qualifications": " ".join(data["qualifications"])}
            return _offer_form(None, values, refused.errors)
        return redirect(url_for("company.offer", offer_id=offer.id))


class OfferPage(MethodView):
    def get(self, offer_id: int) -> str:
        """One offer: its details, status and the students listed or proposed."""
        p = current()
        offer = visible_offer(db.session, p, offer_id)
        rnd = db.session.get(Round, offer.round_id) if offer.round_id else None
        proposals = company_proposals(db.session, p, offer)
        published = rnd is not None and rnd.status in (RoundStatus.PUBLISHED.value,
                                                       RoundStatus.FINISHED.value)
        return render_template(
            "company/offer.html", offer=offer, rnd=rnd, published=published,
            listed=listed_counts(db.session, [offer])[offer.id],
            proposals=proposals,
            version=etag_of(OfferSchema(), offer), answered=request.args.get("answered"),
            qualification_names=_qualification_names(offer.qualifications + [
                a.qualification for a in proposals if a.qualification]))


def _qualification_names(codes: list[str]) -> dict[str, str]:
    """"Kok (25180)" for each code: a code alone means nothing to a person."""
    return {code: f"{name} ({code})" for code, name in db.session.execute(
        select(RefQualification.code, RefQualification.name)
        .where(RefQualification.code.in_(set(codes))))}


class OfferEdit(MethodView):
    def get(self, offer_id: int) -> ResponseReturnValue:
        offer = visible_offer(db.session, current(), offer_id)
        return _offer_form(offer, _offer_values(offer), {}, etag_of(OfferSchema(), offer))

    def post(self, offer_id: int) -> ResponseReturnValue:
        """Change the offer as ``PATCH /offers/{id}`` with If-Match does."""
        p = current()
        data = offer_form_data(request.form)
        try:
            # The whole form, as on creation: an emptied optional field is cleared. The
            # status has its own buttons and the location no field, so both stay as they are.
            loaded = _load(OfferSchema(), data)
            loaded.pop("status")
            loaded.pop("location")
            with db.transaction() as session:
                offer = _locked(session, offer_id)
                require_offer_writer(p, offer.company_id)
                _saving_in(session, save_offer, p, offer, loaded)
        except FormRefused as refused:
            db.session.rollback()
            offer = visible_offer(db.session, p, offer_id)
            values = {**data, "qualifications": " ".join(data["qualifications"])}
            return _offer_form(offer, values, refused.errors, request.form.get("version", ""))
        return redirect(url_for("company.offer", offer_id=offer_id))


def _locked(session: Any, offer_id: int) -> Offer:
    """The offer with its row held, refused (412) if it changed since the form was read:
    the form's hidden version is the API's ETag, compared with the row locked."""
    offer = visible_offer(session, current(), offer_id, lock=True)
    if request.form.get("version", "") != etag_of(OfferSchema(), offer):
        raise Problem(412, f"offer {offer_id} changed since the form was read")
    return offer


# What each status button does: the offer's status it sets.
STATUS_ACTIONS = {"publish": OfferStatus.OPEN.value, "withdraw": OfferStatus.CLOSED.value}


class OfferStatusChange(MethodView):
    def post(self, offer_id: int) -> ResponseReturnValue:
        """Publish a draft (open) or withdraw an offer (closed), as ``PATCH status``."""
        p = current()
        action = request.form.get("action", "")
        if action not in STATUS_ACTIONS:
            return _error_page(400, status_text(400))
        with db.transaction() as session:
            offer = _locked(session, offer_id)
            require_offer_writer(p, offer.company_id)
            save_offer(session, p, offer, {"status": STATUS_ACTIONS[action]})
        return redirect(url_for("company.offer", offer_id=offer_id))


class OfferDelete(MethodView):
    def post(self, offer_id: int) -> ResponseReturnValue:
        """Delete a draft, as ``DELETE /offers/{id}`` does."""
        p = current()
        with db.transaction() as session:
            offer = _locked(session, offer_id)
            require_offer_writer(p, offer.company_id)
            delete_offer(session, p, offer)
        return redirect(url_for("company.home"))


ANSWERS = {"accept": ACCEPT, "decline": DECLINE}


class Answer(MethodView):
    def post(self, assignment_id: int) -> ResponseReturnValue:
        """Accept or decline a proposed student, as ``POST /assignments/{id}/accept``."""
        answer = ANSWERS.get(request.form.get("answer", ""))
        if answer is None:
            return _error_page(400, status_text(400))
        with db.transaction() as session:
            a = respond(session, current(), assignment_id, answer)
            offer_id = a.offer_id
        return redirect(url_for("company.offer", offer_id=offer_id, answered=answer))


# Praktijkovereenkomsten --------------------------------------------------------------------

class Poks(MethodView):
    def get(self) -> str:
        """The company's accepted placements, each with the status of its POK."""
        with db.transaction() as session:  # POKs still missing are made
            rows = party_rows(session, current())
        return render_template("company/poks.html", rows=rows, statuses=texts.POK_STATUSES)


def _pok_row(assignment_id: int) -> dict[str, Any]:
    """The POK of one of the company's accepted placements (404 otherwise), by the API's
    names, for the placement of the page's address."""
    with db.transaction() as session:
        shown = row(session, visible_pok(session, current(), assignment_id))
    return {**shown, "plaatsing_id": assignment_id}


def _pok_page(shown: dict[str, Any], values: Any, errors: dict[str, str]
              ) -> ResponseReturnValue:
    page = render_template("company/pok.html", pok=shown, values=values, errors=errors,
                           fields=pok_fields(current()), labels=POK_LABELS, inputs=POK_INPUTS,
                           statuses=texts.POK_STATUSES)
    return page, 422 if errors else 200


class PokPage(MethodView):
    def get(self, assignment_id: int) -> ResponseReturnValue:
        """One POK: the school's part to read, the company's part as a form."""
        shown = _pok_row(assignment_id)
        values = {k: ("" if v is None else v.isoformat() if isinstance(v, dt.date) else v)
                  for k, v in shown.items()}
        return _pok_page(shown, values, {})

    def post(self, assignment_id: int) -> ResponseReturnValue:
        """Save the company's part as ``PATCH /assignments/{id}/pok`` does."""
        errors = save_pok(current(), assignment_id, request.form)
        if errors:
            return _pok_page(_pok_row(assignment_id), request.form, errors)
        return redirect(url_for("company.pok", assignment_id=assignment_id, saved=1))


class PokPdf(MethodView):
    def get(self, assignment_id: int) -> Response:
        """The bpv-blad to print and sign."""
        return Response(blad.render(_pok_row(assignment_id)), mimetype="application/pdf",
                        headers={"Content-Disposition":
                                 f"inline; filename=bpv-blad-{assignment_id}.pdf"})


class Logout(MethodView):
    def post(self) -> ResponseReturnValue:
        """Sign out."""
        sign_out(SURFACE)
        g.pop("principal", None)
        return render_template("company/signed_out.html")


blueprint.add_url_rule("", view_func=Home.as_view("home"))
blueprint.add_url_rule("/profiel", view_func=Profile.as_view("profile"))
blueprint.add_url_rule("/aanbod/nieuw", view_func=OfferNew.as_view("offer_new"))
blueprint.add_url_rule("/aanbod/<int:offer_id>", view_func=OfferPage.as_view("offer"))
blueprint.add_url_rule("/aanbod/<int:offer_id>/wijzigen",
                       view_func=OfferEdit.as_view("offer_edit"))
blueprint.add_url_rule("/aanbod/<int:offer_id>/status",
                       view_func=OfferStatusChange.as_view("offer_status"))
blueprint.add_url_rule("/aanbod/<int:offer_id>/verwijderen",
                       view_func=OfferDelete.as_view("offer_delete"))
blueprint.add_url_rule("/plaatsingen/<int:assignment_id>/antwoord",
                       view_func=Answer.as_view("answer"))
blueprint.add_url_rule("/praktijkovereenkomsten", view_func=Poks.as_view("poks"))
blueprint.add_url_rule("/praktijkovereenkomsten/<int:assignment_id>",
                       view_func=PokPage.as_view("pok"))
blueprint.add_url_rule("/praktijkovereenkomsten/<int:assignment_id>/bpv-blad.pdf",
                       view_func=PokPdf.as_view("pok_pdf"))
blueprint.add_url_rule("/uitloggen", view_func=Logout.as_view("logout"))
