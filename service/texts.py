"""Words for codes: what people read instead of the codes the service stores.

One module for every person-facing surface (the coordinators' dashboard, the student and
company pages, the demo report): names of sectors and regions from the reference data, plain
sentences for unplaced reasons, named and explained policies, statuses, roles, and the Dutch
number and date formats. Every text goes through gettext, so it lives in the message catalogue
(``service/translations``, see docs/TRANSLATIONS.md) and another language is a translation.
Codes never reach a person: an unknown code is shown as itself only as a last resort.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent
from flask import g, has_app_context
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seeds.generator import load_reference
from service.extensions import db
from service.identity.principals import Principal
from service.models import Company, RefRegion, RefSector, Role, School
from solver import model as m
from solver.verify import BrokenRule, ineligibility

DEFAULT_LOCALE = "nl"
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")  # people read times as Dutch clock time

# Policies -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyText:
    name: Any  # lazy strings: translated when shown, in the reader's language
    explanation: Any  # for coordinators: what the policy optimises, in order
    advice: Any  # for students: what ranking truthfully means under this policy


POLICIES: dict[str, PolicyText] = {
    "optimal": PolicyText(
        _l("As many placed as possible"),
        _l("First the students with priority, then as many students as possible, then as "
           "many students as possible high on their list."),
        _l("You can end up at any place on your list. Only list places you really want.")),
    "rank_maximal": PolicyText(
        _l("As many first choices as possible"),
        _l("As many students as possible get their first choice, then as many as possible "
           "their second choice, and so on."),
        _l("As many students as possible get their first choice. Only list places you "
           "really want.")),
    "stable": PolicyText(
        _l("Fair order"),
        _l("Nobody loses a place to someone who had to come after them at that company."),
        _l("Put your places in your real order: another order never helps you.")),
}


# For students: whether ranking in their real order is safe under each policy, honestly. Only
# student-proposing deferred acceptance is strategy-proof for students; the two optimising
# policies weigh everyone's ranks together, so in rare cases another order changes the outcome.
TRUTHFUL: dict[str, Any] = {
    "optimal": _l("The computer looks at the lists of all students together and counts how "
                  "high everyone is placed. Your real order is the sensible choice, but it is "
                  "not guaranteed to be the best for you: in rare cases another order would "
                  "have given you a different place. Nobody can predict those cases."),
    "rank_maximal": _l("First choices count most, then second choices, and so on. Your real "
                       "order is the sensible choice, but it is not guaranteed to be the best "
                       "for you: in rare cases another order would have given you a "
                       "different place. Nobody can predict those cases."),
    "stable": _l("Under this policy your real order is always safe: putting a place higher "
                 "or lower than you really want can never get you a better place."),
}


def truthful(objective: str) -> str:
    return str(TRUTHFUL.get(objective, ""))


def policy_name(objective: str) -> str:
    policy = POLICIES.get(objective)
    return str(policy.name) if policy else objective


def policy_explanation(objective: str) -> str:
    policy = POLICIES.get(objective)
    return str(policy.explanation) if policy else ""


# Why a student is not placed ------------------------------------------------------------------

# Short labels for filters and charts; sentences for a coordinator (about the student) and for
# the student (addressed as "je"). The order is the engine's (docs/ENGINE.md).
REASON_LABELS: dict[str, Any] = {
    "no_eligible_offer": _l("No suitable place in the round"),
    "no_preferences": _l("No list handed in"),
    "preferences_ineligible": _l("Places on the list do not fit"),
    "outcompeted": _l("Places on the list were taken"),
}
REASONS_FOR_STAFF: dict[str, Any] = {
    "no_eligible_offer": _l("This round had no place that fits the student's course, level "
                            "or region."),
    "no_preferences": _l("No list of preferences handed in."),
    "preferences_ineligible": _l("The places on the student's list do not fit their course, "
                                 "level, pathway, region or travel distance."),
    "outcompeted": _l("The places on the student's list had no seat left for them."),
}
REASONS_FOR_STUDENT: dict[str, Any] = {
    "no_eligible_offer": _l("This round had no place that fits your course, level or region."),
    "no_preferences": _l("No list of preferences handed in."),
    "preferences_ineligible": _l("The places on your list do not fit your course, level, "
                                 "pathway, region or travel distance."),
    "outcompeted": _l("The places on your list were already full."),
}
# Per listed offer: why a seat was not free, and which rule excluded an offer.
SEAT_TAKEN: dict[str, Any] = {
    "full": _l("full"),
    "reserved": _l("the remaining seats are reserved for students with priority"),
    "environment_full": _l("the hybrid learning environment was full"),
}
RULES: dict[str, Any] = {
    "level": _l("the level does not fit"),
    "pathway": _l("the pathway (BOL or BBL) does not fit"),
    "qualification": _l("the qualification does not fit"),
    "sector": _l("the sector does not fit"),
    "region": _l("the region does not fit"),
    "period": _l("the period does not fit"),
}


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


def reason_for_staff(code: str) -> str:
    return str(REASONS_FOR_STAFF.get(code, code))


def reason_for_student(code: str) -> str:
    return str(REASONS_FOR_STUDENT.get(code, code))


def seat_taken(code: str) -> str:
    """Why a listed offer had no seat left (the engine's seat reason), in words."""
    return label(SEAT_TAKEN, code)


def too_far(km: float, limit_km: float) -> str:
    """The travel-distance rule, with both distances."""
    return str(_("too far away: %(km)s km, at most %(limit)s km", km=decimal(km, 1),
                 limit=decimal(limit_km, 1)))


def rule_text(rule: BrokenRule) -> str:
    """One broken eligibility rule in words, from its stable code and its details."""
    if rule.code == "distance":
        return too_far(float(rule.detail("km")), float(rule.detail("limit_km")))
    return label(RULES, rule.code)


def why_not_eligible(student: m.Student, offer: m.Offer) -> list[str]:
    """Each rule the offer breaks for the student, in words; the engine's own check
    (solver.verify.ineligibility) decides, this only names what it found."""
    return [rule_text(rule) for rule in ineligibility(student, offer)]


# Statuses, pathways, roles --------------------------------------------------------------------

ROUND_STATUS: dict[str, Any] = {
    "draft": _l("draft"), "open": _l("open"), "closed": _l("closed"),
    "allocated": _l("allocated"), "published": _l("published"), "finished": _l("finished"),
}
OFFER_STATUS: dict[str, Any] = {"draft": _l("draft"), "open": _l("open"),
                                "closed": _l("closed")}
JOB_STATE: dict[str, Any] = {"idle": _l("not allocated yet"), "queued": _l("waiting in line"),
                             "running": _l("busy"), "finished": _l("done"),
                             "failed": _l("failed")}
JOB_PHASE: dict[str, Any] = {"queued": _l("waiting in line"), "loading": _l("loading data"),
                             "solving": _l("allocating"), "writing": _l("saving"),
                             "done": _l("done")}
MESSAGE_STATUS: dict[str, Any] = {"queued": _l("waiting to be sent"), "sent": _l("sent"),
                                  "failed": _l("failed")}
MESSAGE_KIND: dict[str, Any] = {
    "round_opened": _l("round opened"), "lists_reminder": _l("list reminder"),
    "results_published": _l("results published"),
    "consent_requested": _l("consent requested"),
    "answer_due": _l("answer deadline approaching"), "pok_ready": _l("POK ready to sign")}
PATHWAYS: dict[str, Any] = {"BOL": _l("BOL"), "BBL": _l("BBL"),
                            "HYBRID": _l("hybrid learning environment")}
# For companies and students: the pathway as the place it is (UX-NL.md's words).
PATHWAY_PLACES: dict[str, Any] = {
    "BOL": _l("BOL (internship)"), "BBL": _l("BBL (apprenticeship job: working and learning)"),
    "HYBRID": _l("place in a hybrid learning environment")}

# A praktijkovereenkomst's status (service/pok/records.py).
POK_STATUSES: dict[str, Any] = {"voorlopig": _l("provisional"),
                                "volledig": _l("complete, ready to sign"),
                                "definitief": _l("final (signed)")}
ROLES: dict[str, Any] = {Role.ADMIN: _l("Administrator"), Role.COORDINATOR: _l("Coordinator"),
                         Role.COMPANY: _l("Company"), Role.STUDENT: _l("Student")}


RESULT_STATUS: dict[str, Any] = {
    "optimal": _l("the best allocation for this policy (proven)"),
    "stable": _l("a fair order: nobody lost a place to someone who came after them"),
    "feasible": _l("a valid allocation; not proven the best (the computing time ran out)"),
    "infeasible": _l("no allocation: the fixed placements alone do not fit the seats"),
}


def label(table: dict[str, Any], code: str) -> str:
    """The text for ``code`` in one of the tables above (the code itself if unknown)."""
    return str(table.get(code, code))


def message_failure(error: str | None) -> str:
    """Why a message failed, for a person; the mail server's own reply stays beside it.
    The prefixes are those of ``messages.delivery.describe``."""
    if not error:
        return ""
    if error.startswith("recipient refused"):
        return str(_("the mail server refused the address"))
    if error.startswith("SMTP "):
        return str(_("the mail server refused the message"))
    if error.startswith(("ConnectionRefusedError", "TimeoutError", "socket", "gaierror",
                         "SMTPServerDisconnected", "OSError")):
        return str(_("the mail server could not be reached"))
    return str(_("sending failed"))


def shortage_line(cell: dict[str, Any]) -> str:
    """What extra seats in a shortage cell achieve.

    The engine's gain is a max flow from the unplaced students to unlimited new seats in the
    cell: each newly placed student ends a path at one new seat, so exactly that many seats
    place exactly that many more students (some by moving a placed student along).
    """
    gain = int(cell["would_place"])
    return str(ngettext("+%(seats)s seat in this cell → %(students)s more student placed",
                        "+%(seats)s seats in this cell → %(students)s more students placed",
                        gain, seats=number(gain), students=number(gain)))


def proposal_state(status: str, company_response: str | None, needs_consent: bool) -> str:
    """Where a proposed student stands, as the company reads it."""
    if status == "accepted":
        return str(_("Accepted: the student comes to you."))
    if status == "declined":
        return str(_("Declined."))
    if company_response == "accepted":
        return str(_("You accepted; waiting for the student."))
    if needs_consent:
        return str(_("Proposed: waiting for your answer."))
    return str(_("Proposed: waiting for the student's answer."))


# Names from the reference data ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReferenceNames:
    sectors: dict[str, str]
    regions: dict[str, str]


@functools.cache
def _bundled() -> ReferenceNames:
    ref = load_reference()
    return ReferenceNames({s["id"]: s["name"] for s in ref["sectors"]},
                          {r["id"]: r["name"] for r in ref["regions"]})


def _names() -> ReferenceNames:
    """The reference tables' names over the bundled files', read once per app context."""
    bundled = _bundled()
    if not has_app_context():
        return bundled
    names: ReferenceNames | None = g.get("reference_names")
    if names is None:
        session = db.session
        sectors = {code: name for code, name in session.execute(
            select(RefSector.id, RefSector.name))}
        regions = {code: name for code, name in session.execute(
            select(RefRegion.id, RefRegion.name))}
        names = ReferenceNames({**bundled.sectors, **sectors}, {**bundled.regions, **regions})
        g.reference_names = names
    return names


def sector_names() -> dict[str, str]:
    return dict(_names().sectors)


def region_names() -> dict[str, str]:
    return dict(_names().regions)


def sector_name(code: str) -> str:
    return _names().sectors.get(code, code)


def region_name(code: str) -> str:
    return _names().regions.get(code, code)


def who(principal: Principal) -> str:
    """A person's role and scope in words: "Coördinator · ROC van Twente"."""
    role = label(ROLES, principal.role)
    kind, ident = principal.kind, principal.value
    place: str | None = None
    if kind == "school" and ident.isdigit():
        school = db.session.get(School, int(ident))
        place = school.name if school else None
    elif kind == "company" and ident.isdigit():
        company = db.session.get(Company, int(ident))
        place = company.name if company else None
    elif kind == "region" and ident:
        place = str(_("region %(name)s", name=region_name(ident)))
    return f"{role} · {place}" if place else role


# Numbers and dates ----------------------------------------------------------------------------

def locale() -> Locale:
    """The reader's locale in a request, the app's default in an app context (a report made
    by a job or the command line), Dutch elsewhere."""
    found = get_locale() if has_app_context() else None
    return found or Locale.parse(DEFAULT_LOCALE)


def number(value: int | float) -> str:
    """1.234"""
    return format_decimal(value, format="#,##0", locale=locale())


def decimal(value: float, places: int = 1) -> str:
    """2,7 (always ``places`` decimals)"""
    return format_decimal(value, format="#,##0." + "0" * places, locale=locale())


def percent(share: float, places: int = 1) -> str:
    """92,0% from 0.92"""
    return format_percent(share, format="#,##0" + ("." + "0" * places if places else "") + "%",
                          locale=locale())


def km(value: float) -> str:
    """13,7 km"""
    return str(_("%(value)s km", value=decimal(value, 1)))


def signed(value: float, places: int = 0) -> str:
    """+3, −2, 0 (or +1,5 with ``places``)"""
    text = decimal(abs(value), places) if places else number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def _local(moment: dt.datetime) -> dt.datetime:
    # Stored times are UTC; SQLite gives them back without their offset.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(LOCAL_TIME)


def date(moment: dt.datetime | dt.date) -> str:
    """1 december 2026"""
    day = _local(moment) if isinstance(moment, dt.datetime) else moment
    return format_date(day, format="d MMMM y", locale=locale())


def time(moment: dt.datetime) -> str:
    """16:05"""
    return format_time(_local(moment), format="HH:mm", locale=locale())


def moment(value: dt.datetime) -> str:
    """1 december 2026, 16:05"""
    return str(_("%(date)s, %(time)s", date=date(value), time=time(value)))


FILTERS = {"number": number, "decimal": decimal, "percent": percent, "km": km, "date": date,
           "time": time, "moment": moment, "signed": signed, "sector": sector_name,
           "region": region_name, "policy": policy_name,
           "pathway_name": lambda code: label(PATHWAYS, code),
           "pathway_long": lambda code: label(PATHWAY_PLACES, code)}
GLOBALS = {
    "policy_explanation": policy_explanation, "shortage_line": shortage_line,
    "round_status": lambda code: label(ROUND_STATUS, code),
    "offer_status": lambda code: label(OFFER_STATUS, code),
    "job_state": lambda code: label(JOB_STATE, code),
    "result_status": lambda code: label(RESULT_STATUS, code),
    "pathway": lambda code: label(PATHWAYS, code),
    "pathway_long": lambda code: label(PATHWAY_PLACES, code),

    "message_status": lambda code: label(MESSAGE_STATUS, code),
    "message_kind": lambda code: label(MESSAGE_KIND, code),
    "message_failure": message_failure,
}
