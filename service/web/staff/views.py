"""Dashboard pages: thin views that parse a form, call a plain function, render a template."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from service.audit.log import utc
from service.directory.offers import offer_filter
from service.directory.students import can_see_student, student_filter
from service.errors import Problem
from service.extensions import db
from service.models import STAFF, Offer, OfferStatus, Role, Round, School, Student
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
from service.web.session import (
    CSRF_FIELD,
    SignInRefused,
    csrf_valid,
    current,
    sign_in,
    sign_out,
    signed_in,
)
from service.web.staff import analysis, charts, progress
from solver.model import LEVELS, OBJECTIVES, PATHWAYS, POLICY_DEFAULTS, POLICY_FIELDS, POLICY_LIMITS

blueprint = Blueprint("dashboard", __name__, url_prefix="/dashboard",
                      template_folder="templates")
blueprint.after_request(page_headers)
SURFACE = "staff"
PUBLIC = ("dashboard.login",)
REFUSED_ROLE = ("Het dashboard is alleen voor coördinatoren en beheerders; een {role}-token "
                "heeft hier geen toegang.")
ACTIONS = {  # action -> (button text, what the confirmation page warns about)
    "open": ("Openen", "Studenten kunnen dan hun voorkeuren opgeven."),
    "close": ("Sluiten", "Er kunnen daarna geen voorkeuren meer worden opgegeven."),
    "reopen": ("Heropenen", "Studenten kunnen hun voorkeuren weer wijzigen."),
    "allocate": ("Indelen", "De indeling wordt berekend; een eerdere, nog niet gepubliceerde "
                            "indeling wordt vervangen."),
    "publish": ("Publiceren", "Studenten en bedrijven zien daarna hun plaatsing. Dit kan niet "
                              "ongedaan worden gemaakt."),
    "finish": ("Afronden", "De ronde wordt afgesloten."),
}


@blueprint.before_request
def guard() -> ResponseReturnValue | None:
    """CSRF on every POST (sign-in included), then a valid staff session on every page."""
    if request.method == "POST" and not csrf_valid(request.form.get(CSRF_FIELD)):
        return render_template("dashboard/error.html", status=400,
                               message="Het formulier is verlopen of ongeldig (CSRF-controle). "
                                       "Laad de pagina opnieuw en probeer het nog eens."), 400
    if request.endpoint in PUBLIC:
        return None
    try:
        principal = signed_in(request, SURFACE, STAFF)
    except Problem as exc:  # 429: this address failed to sign in too often
        return render_template("dashboard/error.html", status=exc.status,
                               message="Te veel mislukte aanmeldpogingen vanaf dit adres. "
                                       "Probeer het later opnieuw."), exc.status, exc.headers
    if principal is None:
        if request.endpoint in ("dashboard.round_progress", "dashboard.job_progress"):
            return jsonify({"error": "niet aangemeld"}), 401
        return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
    return None


@blueprint.context_processor
def globals_() -> dict[str, Any]:
    return {"principal": g.get("principal"), "status_labels": analysis.STATUS_LABELS,
            "local_time": local_time}


# Times on the pages are Dutch wall-clock times; stored ones are UTC.
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def local_time(moment: dt.datetime) -> str:
    return utc(moment).astimezone(LOCAL_ZONE).strftime("%d-%m-%Y %H:%M")


def _round_values(rnd: Round) -> dict[str, Any]:
    """A round's form values: the policy, and the deadline as the form's local time."""
    values = {k: getattr(rnd, k) for k in ("name", *POLICY_FIELDS, "no_response")}
    if rnd.respond_by is not None:
        values["respond_by_local"] = utc(rnd.respond_by).astimezone(LOCAL_ZONE).strftime(
            "%Y-%m-%dT%H:%M")
    return values


@blueprint.errorhandler(Problem)
def problem_page(exc: Problem) -> ResponseReturnValue:
    return render_template("dashboard/error.html", status=exc.status, message=exc.detail,
                           errors=exc.errors), exc.status


@blueprint.errorhandler(HTTPException)
def http_page(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    return render_template("dashboard/error.html", status=status,
                           message=exc.description), status


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdigit() else 1


def _round(round_id: int) -> Round:
    return visible_round(db.session, current(), round_id)


# Sign-in ----------------------------------------------------------------------------------

class Login(MethodView):
    def get(self) -> str:
        """The sign-in form."""
        return render_template("dashboard/login.html", next=request.args.get("next", ""))

    def post(self) -> ResponseReturnValue:
        """Sign in with a coordinator or admin token."""
        try:
            sign_in(request.form.get("token", ""), SURFACE, STAFF, REFUSED_ROLE)
        except SignInRefused as refused:
            return render_template("dashboard/login.html", error=refused.message,
                                   next=request.form.get("next", "")), refused.status, \
                refused.headers
        target = request.form.get("next", "")
        # Only a path on this site: an absolute URL here would be an open redirect.
        if not target.startswith("/dashboard") or target.startswith("//"):
            target = url_for("dashboard.rounds")
        return redirect(target)


class Logout(MethodView):
    def post(self) -> ResponseReturnValue:
        """Sign out."""
        sign_out()
        return redirect(url_for("dashboard.login"))


# Rounds -----------------------------------------------------------------------------------

# The policy's yes/no fields, shown as checkboxes.
CHECKBOXES = tuple(k for k in POLICY_FIELDS if isinstance(getattr(POLICY_DEFAULTS, k), bool))


def _round_form(rnd: Round | None, values: Any, errors: Any) -> str:
    return render_template("dashboard/round_form.html", rnd=rnd, values=values,
                           objectives=OBJECTIVES, limits=POLICY_LIMITS, errors=errors)


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
            return _round_form(None, request.form, exc.messages), 422
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
            return _round_form(rnd, request.form, exc.messages), 422
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
            raise Problem(409, "Deze ronde is nog niet ingedeeld.")
        res = analysis.results(db.session, rnd)
        report = scoped_report(db.session, current(), rnd)
        reason = request.args.get("reason") or None
        shortage_labels = [f"{c['region']} · {c['sector']} · niveau {c['level']}"
                           for c in res.shortage]
        figures = {
            "rank": charts.bar_chart(
                "chart-rank", "Geplaatste studenten per voorkeur", res.rank_labels,
                [charts.Series("geplaatst", res.rank_counts)], "voorkeur waarop geplaatst",
                "studenten"),
            "distance": charts.bar_chart(
                "chart-distance", "Reisafstand woonplaats–leerplaats", res.distance_labels,
                [charts.Series("geplaatst", res.distance_counts)], "afstand (km, hemelsbreed)",
                "studenten"),
            "reasons": charts.hbar_chart(
                "chart-reasons", "Niet geplaatst, naar reden", [r[1] for r in res.reasons],
                [charts.Series("studenten", [r[2] for r in res.reasons])], "studenten"),
            "shortage": charts.hbar_chart(
                "chart-shortage", "Waar extra plaatsen de meeste studenten plaatsen",
                shortage_labels,
                [charts.Series("extra geplaatst", [c["would_place"] for c in res.shortage]),
                 charts.Series("niet geplaatst, passend in cel",
                               [c["unplaced_students"] for c in res.shortage])],
                "studenten"),
            "fill": {level: charts.heat_map(
                f"chart-fill-{level}", f"Bezetting niveau {level}", res.regions, res.sectors,
                res.fill[level], "regio", "sector") for level in res.levels},
        }
        return render_template(
            "dashboard/results.html", rnd=rnd, res=res, figures=figures,
            unplaced=analysis.unplaced(db.session, report, reason, _page_number()),
            scope=report.get("scope"),
            reason=reason, reasons=analysis.REASONS,
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
            raise Problem(422, "Kies een school of een leerbedrijf.",
                          [{"field": "school", "location": "query",
                            "message": "a school or company id is required"}])
        school_id = int(school) if school.isdigit() else None
        company_id = int(company) if company.isdigit() else None
        text = assignments_csv(db.session, rnd, current(), school_id=school_id,
                               company_id=company_id)
        who = f"school-{school_id}" if school_id is not None else f"company-{company_id}"
        return Response(text, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=round-{rnd.id}-{who}.csv"})


class RoundExportZip(MethodView):
    def get(self, round_id: int) -> Response:
        """Every school's assignments CSV of the round in one zip file, each school's
        students as far as the coordinator's scope reaches."""
        rnd = _round(round_id)
        scope = student_filter(current())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for school in analysis.export_schools(db.session, rnd, scope):
                archive.writestr(f"ronde-{rnd.id}-school-{school.id}-{_slug(school.name)}.csv",
                                 assignments_csv(db.session, rnd, current(),
                                                 school_id=school.id))
        return Response(buffer.getvalue(), mimetype="application/zip", headers={
            "Content-Disposition": f"attachment; filename=ronde-{rnd.id}-scholen.zip"})


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
        errors["name"] = "geef het scenario een naam van hoogstens 200 tekens"
    objective = form.get("objective", "")
    if objective not in OBJECTIVES:
        errors["objective"] = f"kies een van {', '.join(OBJECTIVES)}"
    sector = form.get("sector") or None
    if sector is not None and sector not in sectors:
        errors["sector"] = "deze sector heeft geen plaatsen in de ronde"
    extra = form.get("extra_percent", "0").strip() or "0"
    if not extra.isdigit() or not 0 <= int(extra) <= 500:
        errors["extra_percent"] = "een heel getal van 0 tot en met 500"
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
        return {}, {fields.get(key, key): str(value) for key, value in messages.items()}


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
            figures["rank"] = charts.bar_chart(
                "chart-compare-rank", "Plaatsingen per voorkeur: huidig en scenario", labels,
                [charts.Series("huidige indeling", now), charts.Series("scenario", then)],
                "voorkeur waarop geplaatst", "studenten")
            sectors = comparison["sectors"]
            figures["sectors"] = charts.hbar_chart(
                "chart-compare-sectors", "Geplaatst per sector: huidig en scenario",
                [s["sector"] for s in sectors],
                [charts.Series("huidige indeling", [s["current_placed"] for s in sectors]),
                 charts.Series("scenario", [s["scenario_placed"] for s in sectors])],
                "studenten")
        return render_template(
            "dashboard/scenarios.html", rnd=rnd, rows=rows, selected=selected,
            state=progress.job_state(selected.job) if selected else progress.IDLE,
            job_states=progress.STATES, comparison=comparison, table=table,
            current=current_report, figures=figures, values=values, errors=errors,
            objectives=OBJECTIVES, sectors=analysis.round_sectors(db.session, rnd))

    def _allocated_round(self, round_id: int) -> Round:
        rnd = _round(round_id)
        if rnd.report is None:
            raise Problem(409, "Deel de ronde eerst in; een scenario vergelijkt met die indeling.")
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
            levels=LEVELS, pathways=PATHWAYS, is_admin=p.role == Role.ADMIN,
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
            roles=analysis.ACTOR_ROLES, status_labels=analysis.STATUS_LABELS)


def _home() -> ResponseReturnValue:
    return redirect(url_for("dashboard.rounds"))


blueprint.add_url_rule("/", "home", _home)
blueprint.add_url_rule("/login", view_func=Login.as_view("login"))
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
blueprint.add_url_rule("/rounds/<int:round_id>/scenarios",
                       view_func=Scenarios.as_view("round_scenarios"))
blueprint.add_url_rule("/jobs/<int:job_id>/progress",
                       view_func=JobProgress.as_view("job_progress"))
blueprint.add_url_rule("/offers", view_func=Offers.as_view("offers"))
blueprint.add_url_rule("/students", view_func=Students.as_view("students"))
blueprint.add_url_rule("/students/<int:student_id>",
                       view_func=StudentDetail.as_view("student_detail"))
