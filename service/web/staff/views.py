"""Dashboard pages: thin views that parse a form, call a plain function, render a template."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from typing import Any

import marshmallow as ma
import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, NotFound

from service import texts
from service.audit.log import now, utc
from service.directory.offers import offer_filter
from service.directory.students import can_see_student, student_filter
from service.errors import Problem
from service.extensions import db
from service.identity import links
from service.identity.sessions import revoke_access
from service.jobs.runner import requester
from service.messages.scope import message_query
from service.models import STAFF, Offer, OfferStatus, Role, Round, School, Student
from service.pagination import page
from service.placements.assignments import visible_assignment
from service.pok import blad
from service.pok.records import (
    finalize,
    round_rows,
    row,
    rows_csv,
    visible_pok,
)
from service.rounds.lifecycle import (
    TRANSITIONS,
    assignments_csv,
    change_policy,
    create_round,
    require_manager,
    scoped_report,
    transition,
    visible_round,
)
from service.rounds.scenarios import compare
from service.schemas import RoundSchema, SimulateSchema, typed_text
from service.web import page_headers
from service.web import status_text as web_status_text
from service.web.pokform import POK_INPUTS, POK_LABELS, pok_fields, save_pok
from service.web.session import (
    CSRF_FIELD,
    csrf_valid,
    current,
    sign_out,
    signed_in,
)
from service.web.staff import analysis, charts, progress
from solver.model import LEVELS, OBJECTIVES, PATHWAYS, POLICY_DEFAULTS, POLICY_FIELDS, POLICY_LIMITS

log = logging.getLogger(__name__)
blueprint = Blueprint("dashboard", __name__, url_prefix="/dashboard",
                      template_folder="templates")
blueprint.after_request(page_headers)
SURFACE = "staff"
PUBLIC = ("dashboard.login",)
ACTIONS = {  # action -> (button text, what the confirmation page warns about)
    "open": (_l("Open"), _l("Students can then hand in their lists of preferences.")),
    "close": (_l("Close"), _l("After this, lists of preferences can no longer be handed in.")),
    "reopen": (_l("Reopen"), _l("Students can change their lists of preferences again.")),
    "allocate": (_l("Allocate"), _l("The allocation is computed; an earlier allocation that "
                                    "has not been published yet is replaced.")),
    "publish": (_l("Publish"), _l("Students and companies then see their placement. This "
                                  "cannot be undone.")),
    "finish": (_l("Finish"), _l("The round is closed for good. Its figures then appear in "
                                "the public regional monitor, without names and with small "
                                "numbers hidden.")),
}
# What a person reads for an error status; the service's own details are written for API
# clients (in English, with ids), so pages show these instead.
STATUS_TEXTS = {  # where this surface says more than service.web's wording
    415: _l("What you sent has a format the dashboard does not accept."),
    409: _l("That is not possible in the round's current state. Reload the round to see "
            "which steps are possible now."),
}
# Per round-form field: what a valid value is, shown when the value is refused.
ROUND_FIELD_HINTS = {
    "name": _l("Give a name of 1 to 200 characters."),
    "objective": _l("Choose one of the policies."),
    "school_id": _l("Give the number of an existing school, or leave it empty."),
    "region": _l("Choose a region, or the whole province."),
    "priority_first": _l("Tick the box or leave it empty."),
    "place_unranked": _l("Tick the box or leave it empty."),
    "respond_by": _l("Give a date and time, or leave it empty."),
    "no_response": _l("Choose what happens without an answer."),
}


class PageError(Exception):
    """An error the dashboard itself explains, in the reader's language."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_text(status: int) -> str:
    return web_status_text(status, STATUS_TEXTS)


@blueprint.before_request
def guard() -> ResponseReturnValue | None:
    """CSRF on every POST, then a valid staff session on every page (people sign in at
    ``/inloggen``: a one-time link or their school's account)."""
    if request.method == "POST" and not csrf_valid(request.form.get(CSRF_FIELD)):
        return render_template("dashboard/error.html", status=400,
                               message=_("The form has expired or is not valid. Reload the "
                                         "page and try again.")), 400
    if request.endpoint in PUBLIC:
        return None
    try:
        principal = signed_in(request, SURFACE, STAFF)
    except Problem as exc:  # 429: this address failed to sign in too often
        return render_template("dashboard/error.html", status=exc.status,
                               message=_("Too many failed sign-ins from this address. Try again "
                                         "later.")), exc.status, exc.headers
    if principal is None:
        if request.endpoint in ("dashboard.round_progress", "dashboard.job_progress"):
            return jsonify({"error": _("not signed in")}), 401
        return redirect(url_for("signin.start"))
    return None


@blueprint.context_processor
def globals_() -> dict[str, Any]:
    principal = g.get("principal")
    return {"principal": principal, "who": texts.who(principal) if principal else "",
            "page_language": str(get_locale() or texts.DEFAULT_LOCALE).replace("_", "-"),
            "requester": requester_text,
            "local_time": texts.moment}


def requester_text(label: str) -> str:
    """Who asked for a job, in words (a stored label like "coordinator:school:1")."""
    principal = requester(label)
    return texts.who(principal) if principal else label


@blueprint.errorhandler(PageError)
def page_error(exc: PageError) -> ResponseReturnValue:
    return render_template("dashboard/error.html", status=exc.status,
                           message=exc.message), exc.status


# Times on the pages are Dutch wall-clock times; stored ones are UTC.
LOCAL_ZONE = texts.LOCAL_TIME


def _round_values(rnd: Round) -> dict[str, Any]:
    """A round's form values: the policy, and the deadline as the form's local time."""
    values = {k: getattr(rnd, k) for k in ("name", *POLICY_FIELDS, "no_response")}
    if rnd.respond_by is not None:
        values["respond_by_local"] = utc(rnd.respond_by).astimezone(LOCAL_ZONE).strftime(
            "%Y-%m-%dT%H:%M")
    return values


@blueprint.errorhandler(Problem)
def problem_page(exc: Problem) -> ResponseReturnValue:
    job = (exc.extra or {}).get("job")
    if exc.status == 409 and isinstance(job, dict) and "id" in job:
        # The one conflict a coordinator can simply wait out: say so, with the job's number.
        message = _("The round is being allocated right now (task %(job)s). Wait until that "
                    "has finished, then try again.", job=job["id"])
    else:
        message = status_text(exc.status)
    return render_template("dashboard/error.html", status=exc.status,
                           message=message), exc.status


@blueprint.errorhandler(HTTPException)
def http_page(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    return render_template("dashboard/error.html", status=status,
                           message=status_text(status)), status


@blueprint.errorhandler(ma.ValidationError)
@blueprint.errorhandler(IntegrityError)
@blueprint.errorhandler(OperationalError)
@blueprint.errorhandler(InterfaceError)
@blueprint.errorhandler(Exception)
def failure_page(exc: Exception) -> ResponseReturnValue:
    """What the app answers API clients with problem+json, as a page: the database down
    (503), a conflict with stored data (409), refused input (422), anything else (500)."""
    db.session.rollback()  # nothing half-done survives, as in the API's handlers
    if isinstance(exc, OperationalError | InterfaceError):
        status = 503
    elif isinstance(exc, IntegrityError):
        status = 409
    elif isinstance(exc, ma.ValidationError):
        status = 422
    else:
        log.exception("dashboard page failed")
        status = 500
    return render_template("dashboard/error.html", status=status,
                           message=status_text(status)), status


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdigit() else 1


def _round(round_id: int) -> Round:
    return visible_round(db.session, current(), round_id)


# Signing in and out ---------------------------------------------------------------------

def _login() -> ResponseReturnValue:
    """The old sign-in address: people now sign in through a link or their school."""
    return redirect(url_for("signin.start"))


class Logout(MethodView):
    def post(self) -> ResponseReturnValue:
        """Sign out: the session's token is revoked."""
        sign_out(SURFACE)
        return redirect(url_for("signin.start"))


# Rounds -----------------------------------------------------------------------------------

def _round_form_errors(exc: ma.ValidationError) -> dict[str, str]:
    """The refused fields, each with what a valid value is."""
    fields = exc.messages if isinstance(exc.messages, dict) else {"name": exc.messages}
    return {key: round_field_hint(key) for key in fields}


def round_field_hint(key: str) -> str:
    if key in POLICY_LIMITS:
        low, high = POLICY_LIMITS[key]
        return str(_("A number from %(low)s to %(high)s.", low=texts.number(low)
                     if float(low).is_integer() else texts.decimal(low, 3),
                     high=texts.number(high)))
    return str(ROUND_FIELD_HINTS.get(key, status_text(422)))


def _region_choices() -> list[tuple[str, str]]:
    return sorted(texts.region_names().items(), key=lambda pair: pair[1])


# The policy's yes/no fields, shown as checkboxes.
CHECKBOXES = tuple(k for k in POLICY_FIELDS if isinstance(getattr(POLICY_DEFAULTS, k), bool))


def _round_form(rnd: Round | None, values: Any, errors: dict[str, str]) -> str:
    return render_template("dashboard/round_form.html", rnd=rnd, values=values,
                           objectives=OBJECTIVES, limits=POLICY_LIMITS, errors=errors,
                           regions=_region_choices())


def _round_form_data(form: Any, partial: bool) -> dict[str, Any]:
    """Form fields as the API's RoundSchema input: empty fields left out, checkboxes as bools."""
    data: dict[str, Any] = {}
    if deadline := form.get("respond_by", "").strip():
        try:
            moment = dt.datetime.fromisoformat(deadline)
        except ValueError:
            raise ma.ValidationError({"respond_by": ["Geen geldige datum en tijd."]}) from None
        data["respond_by"] = moment.replace(tzinfo=LOCAL_ZONE).isoformat()
    for key in ("name", *POLICY_FIELDS, "school_id", "region", "no_response"):
        if key in CHECKBOXES:
            if f"{key}_shown" in form:  # the checkbox was on the form; unticked means false
                data[key] = key in form
            continue
        value = form.get(key, "").strip()
        if value:
            data[key] = value
    schema = RoundSchema(partial=partial)
    return dict(schema.load(typed_text(schema, data)))


class Rounds(MethodView):
    def get(self) -> str:
        """The rounds in the coordinator's scope, with status and counts."""
        return render_template("dashboard/rounds.html",
                               rows=analysis.round_rows(db.session, current()))


class RoundNew(MethodView):
    def get(self) -> str:
        """The form for a new round."""
        return _round_form(None, {k: getattr(POLICY_DEFAULTS, k) for k in POLICY_FIELDS}, {})

    def post(self) -> ResponseReturnValue:
        """Create a round in draft."""
        try:
            data = _round_form_data(request.form, partial=False)
        except ma.ValidationError as exc:
            return _round_form(None, request.form, _round_form_errors(exc)), 422
        with db.transaction() as session:
            rnd = create_round(session, current(), data)
        return redirect(url_for("dashboard.round_detail", round_id=rnd.id))


class RoundEdit(MethodView):
    def get(self, round_id: int) -> str:
        """The form for a round's name and policy."""
        rnd = _round(round_id)
        return _round_form(rnd, _round_values(rnd), {})

    def post(self, round_id: int) -> ResponseReturnValue:
        """Change a round's name and policy while it is draft or open."""
        rnd = _round(round_id)
        try:
            data = _round_form_data(request.form, partial=True)
        except ma.ValidationError as exc:
            return _round_form(rnd, request.form, _round_form_errors(exc)), 422
        data.pop("school_id", None)
        data.pop("region", None)  # the tenant never changes after creation
        with db.transaction() as session:
            change_policy(session, current(), rnd, data)
        return redirect(url_for("dashboard.round_detail", round_id=rnd.id))


class RoundDetail(MethodView):
    def get(self, round_id: int) -> str:
        """A round: its policy, counts, the actions its state allows, allocation progress."""
        rnd = _round(round_id)
        try:
            require_manager(current(), rnd)
            can_run = True
        except Problem:  # a shared round: seen for the coordinator's students, run by others
            can_run = False
        allowed = [a for a, (sources, _) in TRANSITIONS.items()
                   if can_run and rnd.status in sources]
        if can_run and progress.can_allocate(rnd):
            allowed.append("allocate")
        return render_template(
            "dashboard/round.html", rnd=rnd, actions=ACTIONS, allowed=allowed, can_run=can_run,
            students=analysis.round_student_count(db.session, rnd),
            state=progress.state(db.session, rnd))


class RoundConfirm(MethodView):
    def get(self, round_id: int, action: str) -> str:
        """Ask before a lifecycle step or an allocation."""
        return render_template("dashboard/confirm.html", rnd=_round(round_id), action=action,
                               label=ACTIONS[action][0], warning=ACTIONS[action][1])

    def post(self, round_id: int, action: str) -> ResponseReturnValue:
        """Take a lifecycle step or start an allocation, once confirmed."""
        rnd = _round(round_id)
        if action == "allocate":
            progress.start(current(), rnd)
        else:
            with db.transaction() as session:
                transition(session, current(), rnd, action)
        return redirect(url_for("dashboard.round_detail", round_id=rnd.id))


class RoundProgress(MethodView):
    def get(self, round_id: int) -> Response:
        """The allocation's state as JSON, polled by the round page while it runs."""
        return jsonify(progress.state(db.session, _round(round_id)))


class RoundResults(MethodView):
    def get(self, round_id: int) -> str:
        """Placed share, rank profile, fill, distances, the unplaced and the shortage."""
        rnd = _round(round_id)
        if rnd.report is None:
            raise PageError(409, _("This round has not been allocated yet."))
        report = scoped_report(db.session, current(), rnd)
        res = analysis.results(db.session, rnd, report, student_filter(current()))
        reason = request.args.get("reason") or None
        if reason not in texts.REASON_LABELS:
            reason = None
        shortage_labels = [_("%(region)s · %(sector)s · level %(level)s",
                             region=texts.region_name(c["region"]),
                             sector=texts.sector_name(c["sector"]), level=c["level"])
                           for c in res.shortage]
        placed, chose = _("placed"), _("students")
        mine = res.mine
        yours = _("your students")

        def beside(whole: str, counts: list[int], own: list[int] | None) -> list[charts.Series]:
            # A shared round: the coordinator's own students as a second series, on the
            # same axis as the whole round's.
            series = [charts.Series(whole if own is None else _("whole round"), counts)]
            return series if own is None else [*series, charts.Series(yours, own)]

        sectors = [(code, texts.sector_name(code)) for code in res.sectors]
        regions = [(code, texts.region_name(code)) for code in res.regions]
        figures = {
            "rank": charts.bar_chart(
                "chart-rank", _("Placed students per choice on their list"), res.rank_labels,
                beside(placed, res.rank_counts, mine.rank_counts if mine else None),
                _("choice they were placed on"), chose),
            "distance": charts.bar_chart(
                "chart-distance", _("Travel distance from home to workplace"),
                res.distance_labels,
                beside(placed, res.distance_counts, mine.distance_counts if mine else None),
                _("distance (km, as the crow flies)"), chose),
            "reasons": charts.hbar_chart(
                "chart-reasons", _("Not placed, by reason"), [r[1] for r in res.reasons],
                beside(chose, [r[2] for r in res.reasons], mine.reasons if mine else None),
                chose),
            "shortage": charts.hbar_chart(
                "chart-shortage", _("Where extra seats place the most students"),
                shortage_labels,
                [charts.Series(_("placed more"), [c["would_place"] for c in res.shortage]),
                 charts.Series(_("not placed, listed a place here"),
                               [c["unplaced_students"] for c in res.shortage])],
                chose),
            "fill": {level: charts.heat_table(
                f"fill-{level}", _("Level %(level)s", level=level),
                sorted(sectors, key=lambda pair: pair[1]),
                sorted(regions, key=lambda pair: pair[1]), res.fill[level], _("Sector"))
                for level in res.levels},
            "fill_legend": charts.heat_legend(),
            "fill_mine": {level: charts.heat_table(
                f"fill-mine-{level}", _("Level %(level)s: your students", level=level),
                sorted(sectors, key=lambda pair: pair[1]),
                sorted(regions, key=lambda pair: pair[1]), mine.fill.get(level, {}),
                _("Sector"))
                for level in res.levels} if mine else {},
        }
        return render_template(
            "dashboard/results.html", rnd=rnd, res=res, figures=figures,
            unplaced=analysis.unplaced(db.session, rnd, report, reason, _page_number()),
            scope=report.get("scope"),
            reason=reason, reasons=[(code, texts.reason_label(code))
                                    for code in texts.REASON_LABELS],
            schools=analysis.export_schools(db.session, rnd, student_filter(current())))


class RoundExport(MethodView):
    def get(self, round_id: int) -> ResponseReturnValue:
        """The round's assignments as CSV, for one school or one company; a company is found
        by its name (``bedrijf``): one match downloads, several are listed to choose from."""
        rnd = _round(round_id)
        school = request.args.get("school", "")
        company = request.args.get("company", "")
        name = request.args.get("bedrijf", "").strip()
        if name and not company:
            found = analysis.export_companies(db.session, rnd, name)
            if len(found) != 1:
                return render_template("dashboard/export_company.html", rnd=rnd, name=name,
                                       companies=found, limit=analysis.COMPANY_MATCHES)
            company = str(found[0].id)
        if not (school.isdigit() or company.isdigit()):
            raise PageError(422, _("Choose a school or a company."))
        school_id = int(school) if school.isdigit() else None
        company_id = int(company) if company.isdigit() else None
        text = assignments_csv(db.session, rnd, current(), school_id=school_id,
                               company_id=company_id)
        # File names are read by people too: through the catalogue, like every other word.
        filename = (_("round-%(round)s-school-%(school)s.csv", round=rnd.id, school=school_id)
                    if school_id is not None else
                    _("round-%(round)s-company-%(company)s.csv", round=rnd.id,
                      company=company_id))
        return Response(text, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={filename}"})


class RoundExportZip(MethodView):
    def get(self, round_id: int) -> Response:
        """Every school's assignments CSV of the round in one zip file, each school's
        students as far as the coordinator's scope reaches."""
        rnd = _round(round_id)
        scope = student_filter(current())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for school in analysis.export_schools(db.session, rnd, scope):
                archive.writestr(_("round-%(round)s-school-%(school)s-%(name)s.csv",
                                   round=rnd.id, school=school.id, name=_slug(school.name)),
                                 assignments_csv(db.session, rnd, current(),
                                                 school_id=school.id))
        return Response(buffer.getvalue(), mimetype="application/zip", headers={
            "Content-Disposition": "attachment; filename="
                                   + _("round-%(round)s-schools.zip", round=rnd.id)})


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "school"


def _scenario_params(form: Any, sectors: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The what-if form as the API's SimulateSchema input, or the fields' errors in Dutch.

    "+N % in sector S" becomes a scale rule with factor 1 + N/100: the job rounds each
    offer's scaled capacity to whole seats.
    """
    errors: dict[str, str] = {}
    name = form.get("name", "").strip()
    if not 1 <= len(name) <= 200:
        errors["name"] = _("Give the scenario a name of at most 200 characters.")
    objective = form.get("objective", "")
    if objective not in OBJECTIVES:
        errors["objective"] = _("Choose one of the policies.")
    sector = form.get("sector") or None
    if sector is not None and sector not in sectors:
        errors["sector"] = _("This sector has no seats in the round.")
    extra = form.get("extra_percent", "0").strip() or "0"
    if not extra.isdigit() or not 0 <= int(extra) <= 500:
        errors["extra_percent"] = _("A whole number from 0 to 500.")
    if errors:
        return {}, errors
    data: dict[str, Any] = {"name": name, "policy": {"objective": objective}}
    if sector is not None and int(extra):
        data["scale"] = [{"sector": sector, "factor": 1 + int(extra) / 100}]
    try:
        return dict(SimulateSchema().load(data)), {}
    except ma.ValidationError as exc:  # the API's own limits, should they ever be tighter
        fields = {"name": "name", "policy": "objective", "scale": "extra_percent"}
        messages = exc.messages if isinstance(exc.messages, dict) else {"name": exc.messages}
        return {}, {fields.get(key, key): status_text(422) for key in messages}


class Scenarios(MethodView):
    def _render(self, rnd: Round, values: Any, errors: dict[str, str]) -> str:
        job_id = request.args.get("job", "")
        # A read, but in a transaction: a listed job whose worker is gone is failed first.
        with db.transaction() as session:
            rows = analysis.scenario_rows(session, rnd, _page_number())
            selected = (analysis.scenario_job(session, rnd, int(job_id))
                        if job_id.isdigit() else None)
        current_report = rnd.report or {}
        comparison: dict[str, Any] | None = None
        table: list[analysis.CompareRow] = []
        figures: dict[str, Any] = {}
        if selected is not None and selected.scenario is not None:
            stored = selected.scenario
            comparison = compare(db.session, rnd, stored)
            table = analysis.compare_rows(comparison, current_report.get("stats", {}),
                                          stored.report.get("stats", {}))
            labels, now, then = analysis.aligned_rank_profiles(
                comparison["current"]["rank_profile"], comparison["scenario"]["rank_profile"])
            current_series, scenario_series = _("current allocation"), _("scenario")
            figures["rank"] = charts.bar_chart(
                "chart-compare-rank", _("Placed per choice: current and scenario"), labels,
                [charts.Series(current_series, now), charts.Series(scenario_series, then)],
                _("choice they were placed on"), _("students"))
            sectors = comparison["sectors"]
            figures["sectors"] = charts.hbar_chart(
                "chart-compare-sectors", _("Placed per sector: current and scenario"),
                [texts.sector_name(s["sector"]) for s in sectors],
                [charts.Series(current_series, [s["current_placed"] for s in sectors]),
                 charts.Series(scenario_series, [s["scenario_placed"] for s in sectors])],
                _("students"))
        return render_template(
            "dashboard/scenarios.html", rnd=rnd, rows=rows, selected=selected,
            state=progress.job_state(selected.job) if selected else progress.IDLE,
            comparison=comparison, table=table,
            current=current_report, figures=figures, values=values, errors=errors,
            objectives=OBJECTIVES, sectors=analysis.round_sectors(db.session, rnd))

    def _allocated_round(self, round_id: int) -> Round:
        rnd = _round(round_id)
        if rnd.report is None:
            raise PageError(409, _("Allocate the round first; a scenario is compared with "
                                   "that allocation."))
        return rnd

    def get(self, round_id: int) -> str:
        """The round's stored what-if scenarios, one compared with the current allocation."""
        rnd = self._allocated_round(round_id)
        return self._render(rnd, {"objective": rnd.objective, "extra_percent": "20"}, {})

    def post(self, round_id: int) -> ResponseReturnValue:
        """Start a what-if job: another objective, more places in a sector; stored by name."""
        rnd = self._allocated_round(round_id)
        params, errors = _scenario_params(request.form, analysis.round_sectors(db.session, rnd))
        if errors:
            return self._render(rnd, request.form, errors), 422
        job = progress.start_scenario(current(), rnd, params)
        return redirect(url_for("dashboard.round_scenarios", round_id=rnd.id, job=job.id))


class JobProgress(MethodView):
    def get(self, job_id: int) -> Response:
        """A job's state as JSON, polled by the page that started it while it runs."""
        with db.transaction() as session:  # a job whose worker is gone is failed first
            return jsonify(progress.visible_job_state(session, current(), job_id))


# Offers and students ----------------------------------------------------------------------

def _filters(allowed: dict[str, type]) -> dict[str, Any]:
    """Query-string filters with the right types; an unparsable value is ignored."""
    out: dict[str, Any] = {}
    for key, kind in allowed.items():
        value = request.args.get(key, "").strip()
        if not value:
            continue
        if kind is int:
            if value.isdigit():
                out[key] = int(value)
        else:
            out[key] = value
    return out


class Offers(MethodView):
    def get(self) -> str:
        """Offers: search by title or company, filter, page through."""
        p = current()
        filters = _filters({"region": str, "sector": str, "status": str, "level": int,
                            "pathway": str, "round_id": int})
        search = request.args.get("q", "").strip()
        paged, placed, names = analysis.offer_table(db.session, p, filters, search,
                                                    _page_number())
        scope = offer_filter(p)
        return render_template(
            "dashboard/offers.html", paged=paged, placed=placed, names=names, filters=filters,
            search=search, regions=analysis.choices(db.session, Offer.region, scope),
            sectors=analysis.choices(db.session, Offer.sector, scope),
            statuses=[s.value for s in OfferStatus], levels=LEVELS, pathways=PATHWAYS)


class Students(MethodView):
    def get(self) -> str:
        """Students: search by student number, filter (placed or not too), page through."""
        p = current()
        filters = _filters({"region": str, "sector": str, "level": int, "pathway": str,
                            "school_id": int, "plaatsing": str})
        search = request.args.get("q", "").strip()
        paged, schools, placements = analysis.student_table(db.session, p, filters, search,
                                                            _page_number())
        return render_template(
            "dashboard/students.html", paged=paged, schools=schools, placements=placements,
            filters=filters, search=search,
            sectors=analysis.choices(db.session, Student.sector, student_filter(p)),
            regions=_region_choices(), levels=LEVELS, pathways=PATHWAYS,
            is_admin=p.role == Role.ADMIN,
            placement_filters=analysis.PLACEMENT_FILTERS,
            assignment_labels=analysis.ASSIGNMENT_LABELS)


class StudentDetail(MethodView):
    def get(self, student_id: int) -> str:
        """One student: each round's list with the fit of every entry, the placement with
        the answers, and the history from the audit log."""
        student = db.session.get(Student, student_id)
        if student is None or not can_see_student(current(), student):
            abort(404)
        rounds = analysis.student_rounds(db.session, student)
        history = analysis.student_history(db.session, student, [
            r.placement.assignment.id for r in rounds if r.placement is not None])
        return render_template(
            "dashboard/student.html", student=student, rounds=rounds, history=history,
            school=db.session.get(School, student.school_id),
            assignment_labels=analysis.ASSIGNMENT_LABELS, actions=analysis.HISTORY_ACTIONS,
            roles=analysis.ACTOR_ROLES, revoked=_revoked_counts())


def _revoked_counts() -> tuple[int, int] | None:
    value = request.args.get("ingetrokken", "")
    tokens, _sep, found = value.partition("-")
    return (int(tokens), int(found)) if tokens.isdigit() and found.isdigit() else None


class StudentAccess(MethodView):
    def post(self, student_id: int) -> ResponseReturnValue:
        """Revoke the student's access: every session and token ends, unused links stop."""
        student = db.session.get(Student, student_id)
        if student is None or not can_see_student(current(), student):
            abort(404)
        with db.transaction() as session:
            tokens, found = revoke_access(session, current(), Role.STUDENT.value,
                                          f"student:{student_id}")
        return redirect(url_for("dashboard.student_detail", student_id=student_id,
                                ingetrokken=f"{tokens}-{found}"))


# Sign-in links for students --------------------------------------------------------------

def _link_schools() -> list[School]:
    """The schools with students in the signed-in person's scope."""
    visible = select(Student.school_id).where(student_filter(current()))
    return list(db.session.scalars(select(School).where(School.id.in_(visible))
                                   .order_by(School.name)))


class Links(MethodView):
    def get(self) -> str:
        """Make sign-in links for the students in scope: a CSV file or printable letters."""
        return render_template("dashboard/links.html", schools=_link_schools(),
                               days=current_app.config["SIGNIN_LINK_DAYS"])

    def post(self) -> ResponseReturnValue:
        """New links, one per student of the chosen school (or all in scope), each used once;
        made and audited in one transaction, shown once."""
        kind = request.form.get("format", "")
        if kind not in ("csv", "letters"):
            raise PageError(422, _("Choose a CSV file or letters."))
        value = request.form.get("school_id", "")
        school_id = int(value) if value.isdigit() else None
        if school_id is not None and school_id not in {s.id for s in _link_schools()}:
            raise PageError(404, status_text(404))
        days = current_app.config["SIGNIN_LINK_DAYS"]
        base = current_app.config["BASE_URL"]
        with db.transaction() as session:
            people = links.people(session, current(), Role.STUDENT.value, school_id)
            made = links.create_links(session, current(), Role.STUDENT.value,
                                      [scope for scope, _n, _s in people], days, school_id)
        expires = texts.date(now() + dt.timedelta(days=days))
        rows = [(scope.partition(":")[2], number, school, links.link_url(base, secret))
                for (scope, number, school), secret in zip(people, made, strict=True)]
        if kind == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["student_id", "student_number", "school", "link", "expires"])
            writer.writerows([*row, expires] for row in rows)
            return Response(out.getvalue(), mimetype="text/csv", headers={
                "Content-Disposition": "attachment; filename=inloglinks.csv"})
        # A fixed mask (each of the eight is valid for readers): choosing the best one costs
        # three quarters of the time, 35 ms a code, and a school prints a thousand letters.
        letters = [{"number": number, "school": school, "url": url,
                    "qr": Markup(segno.make(url, error="m", mask=0).svg_inline(
                        scale=3, omitsize=True, svgclass="qr"))}
                   for _id, number, school, url in rows]
        return render_template("dashboard/letters.html", letters=letters, expires=expires)


class Messages(MethodView):
    def get(self) -> str:
        """The e-mails to students and companies in scope: sent, waiting, or failed and
        why, newest first; filtered by status."""
        filters = _filters({"status": str, "round_id": int})
        if filters.get("status") not in (None, *texts.MESSAGE_STATUS):
            filters.pop("status")
        number = _page_number()
        rows, total = page(db.session, message_query(current(), filters), number,
                           analysis.PAGE_SIZE)
        return render_template("dashboard/messages.html",
                               paged=analysis.Paged(rows, number, total), filters=filters,
                               statuses=list(texts.MESSAGE_STATUS))


# Praktijkovereenkomsten ---------------------------------------------------------------

def _pok_form(rnd: Round, shown: dict[str, Any], values: Any, errors: dict[str, str]) -> str:
    return render_template("dashboard/pok.html", rnd=rnd, pok=shown, values=values,
                           errors=errors, fields=pok_fields(current()), labels=POK_LABELS,
                           inputs=POK_INPUTS, statuses=texts.POK_STATUSES)


def _pok(round_id: int, assignment_id: int) -> tuple[Round, dict[str, Any]]:
    """The round of the page's address and the POK of its placement (404 unless the
    placement is the round's and in the coordinator's scope), made if still missing."""
    rnd = _round(round_id)
    with db.transaction() as session:
        if visible_assignment(session, current(), assignment_id).round_id != rnd.id:
            raise NotFound()
        shown = row(session, visible_pok(session, current(), assignment_id))
    # The placement this page is about (a kept one's POK was made in an earlier round).
    return rnd, {**shown, "plaatsing_id": assignment_id, "ronde_id": rnd.id}


class RoundPoks(MethodView):
    def get(self, round_id: int) -> ResponseReturnValue:
        """The round's praktijkovereenkomsten of the coordinator's students: status, student,
        leerbedrijf and dates, each with its form and bpv-blad; CSV per school."""
        rnd = _round(round_id)
        school = request.args.get("school", "")
        with db.transaction() as session:
            rows = round_rows(session, current(), rnd, int(school) if school.isdigit()
                              else None)
        if request.args.get("format") == "csv":
            who = f"-school-{school}" if school.isdigit() else ""
            return Response(rows_csv(rows), mimetype="text/csv", headers={
                "Content-Disposition": f"attachment; filename=ronde-{rnd.id}-pok{who}.csv"})
        return render_template(
            "dashboard/poks.html", rnd=rnd, rows=rows, statuses=texts.POK_STATUSES,
            schools=analysis.export_schools(db.session, rnd, student_filter(current())))


class RoundPok(MethodView):
    def get(self, round_id: int, assignment_id: int) -> str:
        """One POK: what both parties filled in, and the form for the school's part."""
        rnd, shown = _pok(round_id, assignment_id)
        values = {k: ("" if v is None else v.isoformat() if isinstance(v, dt.date) else v)
                  for k, v in shown.items()}
        return _pok_form(rnd, shown, values, {})

    def post(self, round_id: int, assignment_id: int) -> ResponseReturnValue:
        """Save the school's part (an admin's: both parts); empty fields are emptied."""
        rnd, shown = _pok(round_id, assignment_id)
        errors = save_pok(current(), assignment_id, request.form)
        if errors:
            return _pok_form(rnd, shown, request.form, errors), 422
        return redirect(url_for("dashboard.round_pok", round_id=rnd.id,
                                assignment_id=assignment_id))


class RoundPokFinalize(MethodView):
    def post(self, round_id: int, assignment_id: int) -> ResponseReturnValue:
        """Record that the POK was signed: it becomes definitief."""
        rnd, _shown = _pok(round_id, assignment_id)
        with db.transaction() as session:
            finalize(session, current(), assignment_id)
        return redirect(url_for("dashboard.round_pok", round_id=rnd.id,
                                assignment_id=assignment_id))


class RoundPokPdf(MethodView):
    def get(self, round_id: int, assignment_id: int) -> Response:
        """The bpv-blad to print and sign."""
        _rnd, shown = _pok(round_id, assignment_id)
        return Response(blad.render(shown), mimetype="application/pdf", headers={
            "Content-Disposition": f"inline; filename=bpv-blad-{assignment_id}.pdf"})


def _home() -> ResponseReturnValue:
    return redirect(url_for("dashboard.rounds"))


def _unknown(unknown: str) -> ResponseReturnValue:
    """Any other address under /dashboard: the Dutch 404 page, not the API's problem+json."""
    raise NotFound()


blueprint.add_url_rule("/", "home", _home)
blueprint.add_url_rule("/<path:unknown>", "unknown", _unknown)
blueprint.add_url_rule("/login", "login", _login)
blueprint.add_url_rule("/logout", view_func=Logout.as_view("logout"))
blueprint.add_url_rule("/rounds", view_func=Rounds.as_view("rounds"))
blueprint.add_url_rule("/rounds/new", view_func=RoundNew.as_view("round_new"))
blueprint.add_url_rule("/rounds/<int:round_id>", view_func=RoundDetail.as_view("round_detail"))
blueprint.add_url_rule("/rounds/<int:round_id>/edit", view_func=RoundEdit.as_view("round_edit"))
blueprint.add_url_rule(
    "/rounds/<int:round_id>/<any(open, close, reopen, allocate, publish, finish):action>",
    view_func=RoundConfirm.as_view("round_action"))
blueprint.add_url_rule("/rounds/<int:round_id>/progress",
                       view_func=RoundProgress.as_view("round_progress"))
blueprint.add_url_rule("/rounds/<int:round_id>/results",
                       view_func=RoundResults.as_view("round_results"))
blueprint.add_url_rule("/rounds/<int:round_id>/export.csv",
                       view_func=RoundExport.as_view("round_export"))
blueprint.add_url_rule("/rounds/<int:round_id>/export.zip",
                       view_func=RoundExportZip.as_view("round_export_zip"))
blueprint.add_url_rule("/rounds/<int:round_id>/pok", view_func=RoundPoks.as_view("round_poks"))
blueprint.add_url_rule("/rounds/<int:round_id>/pok/<int:assignment_id>",
                       view_func=RoundPok.as_view("round_pok"))
blueprint.add_url_rule("/rounds/<int:round_id>/pok/<int:assignment_id>/definitief",
                       view_func=RoundPokFinalize.as_view("round_pok_finalize"))
blueprint.add_url_rule("/rounds/<int:round_id>/pok/<int:assignment_id>/bpv-blad.pdf",
                       view_func=RoundPokPdf.as_view("round_pok_pdf"))
blueprint.add_url_rule("/rounds/<int:round_id>/scenarios",
                       view_func=Scenarios.as_view("round_scenarios"))
blueprint.add_url_rule("/jobs/<int:job_id>/progress",
                       view_func=JobProgress.as_view("job_progress"))
blueprint.add_url_rule("/offers", view_func=Offers.as_view("offers"))
blueprint.add_url_rule("/students", view_func=Students.as_view("students"))
blueprint.add_url_rule("/links", view_func=Links.as_view("links"))
blueprint.add_url_rule("/students/<int:student_id>/access",
                       view_func=StudentAccess.as_view("student_access"))

blueprint.add_url_rule("/messages", view_func=Messages.as_view("messages"))
blueprint.add_url_rule("/students/<int:student_id>",
                       view_func=StudentDetail.as_view("student_detail"))
