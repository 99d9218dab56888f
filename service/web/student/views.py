"""Student pages: thin views that read a form, call a feature function, render a template."""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from service import texts
from service.audit.log import now
from service.directory.offers import needs_company
from service.directory.places import sector_names
from service.directory.reference import qualification_names
from service.errors import Problem
from service.extensions import db
from service.models import (
    Assignment,
    AssignmentStatus,
    Offer,
    Role,
    Round,
    RoundStatus,
    School,
    Student,
)
from service.pagination import page
from service.placements.assignments import (
    ACCEPT,
    DECLINE,
    assignment_list,
    overdue,
    respond,
)
from service.rounds.choosing import (
    change_list,
    choice,
    distances,
    listed,
    me,
    offer_choices,
    place_names,
    student_round,
    student_rounds,
)
from service.web import page_headers
from service.web import status_text as web_status_text
from service.web.session import CSRF_FIELD, csrf_valid, current, sign_out, signed_in
from solver.model import PATHWAYS

log = logging.getLogger(__name__)
blueprint = Blueprint("student", __name__, url_prefix="/student", template_folder="templates")
blueprint.after_request(page_headers)
SURFACE = "student"
PAGE_SIZE = 20
MAX_KM = 500
STATUS_TEXTS = {  # where this surface says more than service.web's wording
    400: _l("The form has expired or is not valid. Reload the page and try again."),
    404: _l("This page does not exist, or it is not yours to see."),
    409: _l("That is not possible in the round's current state."),
}


def status_text(status: int) -> str:
    return web_status_text(status, STATUS_TEXTS)


@blueprint.before_request
def guard() -> ResponseReturnValue | None:
    """CSRF on every POST, then a student's session on every page (people sign in at
    ``/inloggen``)."""
    if request.method == "POST" and not csrf_valid(request.form.get(CSRF_FIELD)):
        return render_template("student/error.html", status=400,
                               message=status_text(400)), 400
    try:
        principal = signed_in(request, SURFACE, {Role.STUDENT})
    except Problem as exc:  # 429: this address failed to sign in too often
        return render_template("student/error.html", status=exc.status,
                               message=status_text(429)), exc.status, exc.headers
    if principal is None:
        return redirect(url_for("signin.start"))
    return None


@blueprint.context_processor
def globals_() -> dict[str, Any]:
    principal = g.get("principal")
    return {"principal": principal,
            "page_language": str(get_locale() or texts.DEFAULT_LOCALE).replace("_", "-"),
            "local_time": texts.moment, "reason_for_student": texts.reason_for_student}


@blueprint.errorhandler(Problem)
def problem_page(exc: Problem) -> ResponseReturnValue:
    db.session.rollback()
    return render_template("student/error.html", status=exc.status,
                           message=status_text(exc.status)), exc.status


@blueprint.errorhandler(HTTPException)
def http_page(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    return render_template("student/error.html", status=status,
                           message=status_text(status)), status


@blueprint.errorhandler(Exception)
def failure_page(exc: Exception) -> ResponseReturnValue:
    db.session.rollback()  # nothing half-done survives
    log.exception("student page failed")
    return render_template("student/error.html", status=500,
                           message=status_text(500)), 500


# Sign-in ------------------------------------------------------------------------------------

@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    sign_out(SURFACE)
    return redirect(url_for("signin.start"))


# Rounds -------------------------------------------------------------------------------------

@blueprint.get("/")
def rounds() -> ResponseReturnValue:
    p = current()
    rows = student_rounds(db.session, p)
    student = me(db.session, p)
    counts = {rnd.id: len(listed(db.session, student, rnd)) for rnd in rows}
    return render_template("student/rounds.html", rounds=rows, counts=counts)


def _result(rnd: Round, student: Student) -> dict[str, Any] | None:
    """After publishing: the placement and whether (and how) it can be answered, or the
    reason the student was not placed."""
    if rnd.status not in (RoundStatus.PUBLISHED, RoundStatus.FINISHED):
        return None
    p = current()
    assignment = db.session.scalar(assignment_list(p, {"round_id": rnd.id}))
    if assignment is None:
        reason = next((u["reason"] for u in (rnd.report or {}).get("unassigned", [])
                       if u.get("student_id") == str(student.id)), None)
        return {"assignment": None, "reason": reason}
    offer = db.session.get(Offer, assignment.offer_id)
    assert offer is not None
    late = overdue(rnd, now())
    proposed = assignment.status == AssignmentStatus.PROPOSED
    return {"assignment": assignment, "offer": offer,
            "school": db.session.get(School, student.school_id),
            "place": place_names(db.session, [offer]).get(offer.id),
            "can_answer": proposed and assignment.student_response is None and not late,
            "waits_for_company": (proposed and assignment.student_response == ACCEPT
                                  and needs_company(db.session, assignment)),
            "late": proposed and late}


@blueprint.get("/rounds/<int:round_id>")
def round_page(round_id: int) -> ResponseReturnValue:
    p = current()
    rnd = student_round(db.session, p, round_id)
    student = me(db.session, p)
    entries = listed(db.session, student, rnd)
    return render_template(
        "student/round.html", rnd=rnd, entries=entries,
        places=place_names(db.session, entries), km=distances(student, entries),
        policy=texts.POLICIES.get(rnd.objective), truthful=texts.truthful(rnd.objective),
        editable=rnd.status == RoundStatus.OPEN, result=_result(rnd, student))


# Offers -------------------------------------------------------------------------------------

def _filters(sectors: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The offer filters from the query string, and a message per refused field."""
    args = request.args
    filters: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if args.get("sector"):
        if args["sector"] in sectors:
            filters["sector"] = args["sector"]
        else:
            errors["sector"] = _("Choose a sector from the list.")
    if args.get("pathway"):
        if args["pathway"] in PATHWAYS:
            filters["pathway"] = args["pathway"]
        else:
            errors["pathway"] = _("Choose BOL or BBL.")
    if args.get("qualification"):
        code = args["qualification"].strip()
        if code.isdigit() and len(code) == 5:
            filters["qualification"] = code
        else:
            errors["qualification"] = _("A qualification code has five digits.")
    if args.get("km"):
        raw = args["km"].strip().replace(",", ".")
        try:
            km = float(raw)
        except ValueError:
            km = -1.0
        if 0 < km <= MAX_KM:
            filters["km"] = km
        else:
            errors["km"] = _("Give a distance from 1 to %(max)s km.", max=MAX_KM)
    q = args.get("q", "").strip()
    if q:
        if q.isprintable() and len(q) <= 100:
            filters["q"] = q
        else:
            errors["q"] = _("Give at most 100 characters.")
    return filters, errors


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() and len(value) < 7 else 1


@blueprint.get("/rounds/<int:round_id>/offers")
def offers(round_id: int) -> ResponseReturnValue:
    p = current()
    rnd = student_round(db.session, p, round_id)
    student = me(db.session, p)
    sectors = sector_names(db.session)
    filters, errors = _filters(sectors)
    number = _page_number()
    rows, total = page(db.session, offer_choices(db.session, student, rnd, filters), number,
                       PAGE_SIZE)
    mine = [o.id for o in listed(db.session, student, rnd)]
    return render_template(
        "student/offers.html", rnd=rnd, rows=rows, total=total, number=number,
        pages=max(1, -(-total // PAGE_SIZE)), filters=filters, errors=errors,
        sectors=sorted(sectors.items(), key=lambda kv: kv[1]), pathways=PATHWAYS,
        places=place_names(db.session, rows), km=distances(student, rows), mine=mine,
        has_home=student.lat is not None and student.lon is not None,
        editable=rnd.status == RoundStatus.OPEN,
        args={k: v for k, v in request.args.items() if k != "page"})


@blueprint.get("/rounds/<int:round_id>/offers/<int:offer_id>")
def offer_page(round_id: int, offer_id: int) -> ResponseReturnValue:
    p = current()
    rnd = student_round(db.session, p, round_id)
    student = me(db.session, p)
    offer = choice(db.session, student, rnd, offer_id)
    mine = [o.id for o in listed(db.session, student, rnd)]
    return render_template(
        "student/offer.html", rnd=rnd, offer=offer, company=offer.company,
        qualifications=qualification_names(db.session, offer.qualifications),
        place=place_names(db.session, [offer]).get(offer.id),
        km=distances(student, [offer]).get(offer.id), mine=mine,
        editable=rnd.status == RoundStatus.OPEN)


# My list ------------------------------------------------------------------------------------

def _list_error(exc: Problem, rnd: Round) -> str:
    """What a refused list change means, for the student."""
    fields = [e.get("field", "") for e in exc.errors or []]
    if exc.status == 409:
        text = _("The round is no longer open: your list can no longer change.")
    elif exc.status == 404:
        text = _("You cannot choose this place in this round.")
    elif "offers" in fields:
        text = _("Your list is full: at most %(max)s places fit on it.",
                 max=rnd.max_preferences)
    elif "position" in fields:
        text = _("Choose a position that is on your list.")
    elif "offer_id" in fields:
        text = _("This place is already on your list, or no longer on it.")
    else:
        text = _("A place on your list no longer fits your course, level or region. Remove "
                 "it and try again.")
    return str(text)


def _back(round_id: int) -> str:
    """Back to the page the form was on: one of the student pages, never anywhere else."""
    target = request.form.get("next", "")
    if target.startswith("/student/") and "//" not in target and "\\" not in target:
        return target
    return url_for("student.round_page", round_id=round_id)


@blueprint.post("/rounds/<int:round_id>/list")
def change(round_id: int) -> ResponseReturnValue:
    p = current()
    form = request.form
    action = form.get("action", "")
    if action not in ("add", "remove", "up", "down", "move") or not form.get(
            "offer_id", "").isdigit() or len(form["offer_id"]) > 9:
        return render_template("student/error.html", status=422,
                               message=status_text(422)), 422
    position = form.get("position", "").strip()
    try:
        with db.transaction() as session:
            rnd = student_round(session, p, round_id)
            if action == "add":
                choice(session, me(session, p), rnd, int(form["offer_id"]))
            change_list(session, p, rnd, action, int(form["offer_id"]),
                        int(position) if position.isdigit() and len(position) < 4 else None)
    except Problem as exc:
        rnd = student_round(db.session, p, round_id)
        flash(_list_error(exc, rnd), "error")
    else:
        flash(_("Your list is saved."), "saved")
    return redirect(_back(round_id))


# Result -------------------------------------------------------------------------------------

@blueprint.post("/rounds/<int:round_id>/answer")
def answer(round_id: int) -> ResponseReturnValue:
    p = current()
    value = request.form.get("answer")
    assignment_id = request.form.get("assignment_id", "")
    if value not in ("accept", "decline") or not assignment_id.isdigit() or len(
            assignment_id) > 9:
        return render_template("student/error.html", status=422,
                               message=status_text(422)), 422
    try:
        with db.transaction() as session:
            found = session.get(Assignment, int(assignment_id))
            if found is None or found.round_id != round_id:
                raise Problem(404, f"no assignment with id {assignment_id}")
            respond(session, p, int(assignment_id), ACCEPT if value == "accept" else DECLINE)
    except Problem as exc:
        if exc.status == 404:
            raise
        flash(_("Your answer could not be saved: the deadline has passed or the place was "
                "already answered.") if exc.status == 409 else status_text(exc.status),
              "error")
    else:
        flash(_("Your answer is saved."), "saved")
    return redirect(url_for("student.round_page", round_id=round_id))
