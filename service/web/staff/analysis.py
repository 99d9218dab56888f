"""What the dashboard shows, as queries: counts, fill rates, distances, tables, scenarios.

Aggregates run in SQL (GROUP BY over offers and assignments) and distances in NumPy over one
fetched array, so a 60,000-student round renders without a Python loop over its rows. The
rules themselves (who sees what, lifecycle, allocation) stay in the features (service.rounds,
service.directory), and what-ifs run as jobs (service.jobs, service.rounds.scenarios); this
module only reads,
except that listing a job whose worker is gone fails it, as every read of a job does.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from service import texts
from service.audit.log import student_events
from service.directory.offers import offer_filter, offer_query
from service.directory.students import student_filter, student_query
from service.errors import Problem
from service.identity.principals import Principal
from service.jobs.lock import reap
from service.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Company,
    Job,
    JobKind,
    Offer,
    Preference,
    Round,
    Scenario,
    School,
    Student,
    StudentRegion,
    mask_to_levels,
)
from service.pagination import page
from service.rounds.lifecycle import round_offer_rows, round_query
from service.rounds.loading import offer_model, student_model
from service.rounds.participation import participants
from solver.eligibility import great_circle_km
from solver.model import LEVELS, PREFERENCES_INELIGIBLE

DISTANCE_BINS = (0, 5, 10, 15, 20, 30, 40, 60)  # km; the last bin is open-ended
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Paged:
    rows: list[Any]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))


# Rounds -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RoundRow:
    round: Round
    offers: int
    capacity: int
    students: int
    placed: int


def round_rows(session: Session, p: Principal) -> list[RoundRow]:
    """Every visible round with its counts: four grouped queries, whatever the round sizes."""
    rounds = list(session.scalars(round_query(p, {})))
    ids = [r.id for r in rounds]
    kept = round_offer_rows()
    offers = {rid: (n, cap or 0) for rid, n, cap in session.execute(
        select(kept.c.round_id, func.count(), func.sum(kept.c.capacity))
        .where(kept.c.round_id.in_(ids)).group_by(kept.c.round_id))}
    placed = dict(session.execute(
        select(Assignment.round_id, func.count()).where(Assignment.round_id.in_(ids))
        .group_by(Assignment.round_id)).all())
    schools = {r.school_id for r in rounds if r.school_id is not None}
    regions = {r.region for r in rounds if r.school_id is None and r.region}
    per_school = dict(session.execute(
        select(Student.school_id, func.count()).where(Student.school_id.in_(schools))
        .group_by(Student.school_id)).all())
    per_region = dict(session.execute(
        select(StudentRegion.region, func.count()).where(StudentRegion.region.in_(regions))
        .group_by(StudentRegion.region)).all())
    everyone = (int(session.scalar(select(func.count()).select_from(Student)) or 0)
                if any(r.school_id is None and not r.region for r in rounds) else 0)

    def students(r: Round) -> int:
        # rounds.participants, counted per tenant for all rounds at once.
        if r.school_id is not None:
            return int(per_school.get(r.school_id, 0))
        return int(per_region.get(r.region, 0)) if r.region else everyone

    return [RoundRow(r, offers.get(r.id, (0, 0))[0], int(offers.get(r.id, (0, 0))[1]),
                     students(r), int(placed.get(r.id, 0)))
            for r in rounds]


# Results ----------------------------------------------------------------------------------

@dataclass
class Mine:
    """A coordinator's own students in a shared round, on the round's charts' axes."""

    rank_counts: list[int]
    reasons: list[int]  # per entry of Results.reasons
    fill: dict[int, dict[tuple[str, str], tuple[int, int]]]  # seats their students took
    distance_counts: list[int]


@dataclass
class Results:
    report: dict[str, Any]
    stats: dict[str, Any]
    rank_labels: list[str]
    rank_counts: list[int]
    reasons: list[tuple[str, str, int]]
    regions: list[str]
    sectors: list[str]
    levels: list[int]
    # level -> (region, sector) -> (filled seats, capacity) of the offers open to that level
    fill: dict[int, dict[tuple[str, str], tuple[int, int]]]
    distance_labels: list[str]
    distance_counts: list[int]
    distance_mean: float | None
    distance_median: float | None
    distance_unknown: int
    shortage: list[dict[str, Any]] = field(default_factory=list)
    # In a shared round, the same figures for the reader's own students (None otherwise).
    mine: Mine | None = None

    @property
    def placed_share(self) -> float | None:
        students = self.stats.get("students") or 0
        return self.stats["placed"] / students if students else None

    @property
    def priority_share(self) -> float | None:
        prio = self.stats.get("priority_students") or 0
        return self.stats["placed_priority"] / prio if prio else None


def rank_profile(report: dict[str, Any]) -> tuple[list[str], list[int]]:
    """Placed students per preference rank, the unranked placements last."""
    profile = [int(v) for v in report["stats"].get("rank_profile", [])]
    return rank_labels(max(len(profile) - 1, 0)) if profile else [], profile


def rank_labels(ranked: int) -> list[str]:
    """"1e", "2e", … for ``ranked`` places on the list, then the placements outside it."""
    return [_("choice %(rank)s", rank=i + 1) for i in range(ranked)] + [_("outside the list")]


def reason_counts(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    counts = Counter(u["reason"] for u in report.get("unassigned", []))
    return [(code, texts.reason_label(code), counts[code]) for code in texts.REASON_LABELS
            if counts[code]]


def fill_rates(session: Session, rnd: Round, students: ColumnElement[bool] | None = None
               ) -> dict[int, dict[tuple[str, str], tuple[int, int]]]:
    """Filled seats and capacity per level × region × sector, from two grouped queries;
    with ``students``, only the seats those students took (of the same capacity).

    An offer open to several levels counts in each of them: the cell for level 2 shows how full
    the places a level-2 student could take are, the same reading as the shortage cells.
    """
    key = (Offer.region, Offer.sector, Offer.level_mask)
    kept = round_offer_rows()
    capacity = session.execute(select(*key, func.sum(kept.c.capacity)).select_from(kept)
                               .join(Offer, Offer.id == kept.c.offer_id)
                               .where(kept.c.round_id == rnd.id).group_by(*key)).all()
    taken = (select(*key, func.count()).select_from(Assignment)
             .join(Offer, Offer.id == Assignment.offer_id)
             .where(Assignment.round_id == rnd.id))
    if students is not None:
        taken = taken.join(Student, Student.id == Assignment.student_id).where(students)
    filled = {(r, s, m): n for r, s, m, n in session.execute(taken.group_by(*key))}
    out: dict[int, dict[tuple[str, str], tuple[int, int]]] = {}
    for region, sector, mask, cap in capacity:
        for level in mask_to_levels(mask):
            cell = out.setdefault(level, {})
            f, c = cell.get((region, sector), (0, 0))
            cell[(region, sector)] = (f + int(filled.get((region, sector, mask), 0)),
                                      c + int(cap or 0))
    return out


def distances(session: Session, rnd: Round, students: ColumnElement[bool] | None = None
              ) -> tuple[np.ndarray[Any, Any], int]:
    """Great-circle km from home to placement of every placed student with both locations
    (of those in ``students``), and how many placed students lack a location."""
    query = (select(Student.lat, Student.lon, Offer.lat, Offer.lon).select_from(Assignment)
             .join(Student, Student.id == Assignment.student_id)
             .join(Offer, Offer.id == Assignment.offer_id)
             .where(Assignment.round_id == rnd.id))
    if students is not None:
        query = query.where(students)
    # On the connection, not the ORM session: plain tuples, ten times faster at 60,000 rows.
    rows = session.connection().execute(query).all()
    if not rows:
        return np.zeros(0), 0
    # Plain tuples first: NumPy reads rows of Row objects element by element, 20x slower.
    arr = np.array([tuple(row) for row in rows], dtype=float)  # NULL becomes NaN
    known = ~np.isnan(arr).any(axis=1)
    lat1, lon1, lat2, lon2 = np.radians(arr[known]).T
    return great_circle_km(lat1, lon1, lat2, lon2), int((~known).sum())


def distance_histogram(km: np.ndarray[Any, Any]) -> tuple[list[str], list[int]]:
    edges = [*DISTANCE_BINS, math.inf]
    counts, _ = np.histogram(km, bins=edges)
    labels = [f"{texts.number(a)}–{texts.number(b)}"
              for a, b in itertools.pairwise(DISTANCE_BINS)]
    labels.append(f"{texts.number(DISTANCE_BINS[-1])}+")
    return labels, [int(c) for c in counts]


def results(session: Session, rnd: Round, scoped: dict[str, Any] | None = None,
            students: ColumnElement[bool] | None = None) -> Results:
    """The round's figures; with the reader's ``scoped`` report (rounds.lifecycle.
    scoped_report) of a shared round and their ``students`` filter, theirs beside them."""
    report = rnd.report or {}
    labels, profile = rank_profile(report)
    fill = fill_rates(session, rnd)
    regions = sorted({r for cells in fill.values() for r, _ in cells})
    sectors = sorted({s for cells in fill.values() for _, s in cells})
    km, unknown = distances(session, rnd)
    d_labels, d_counts = distance_histogram(km)
    reasons = reason_counts(report)
    scope = (scoped or {}).get("scope")
    mine = None
    if scope is not None and students is not None and scope["students"] < int(
            report.get("stats", {}).get("students", 0)):
        own = Counter(u["reason"] for u in (scoped or {}).get("unassigned", []))
        mine = Mine(rank_counts=[int(n) for n in scope["rank_profile"]],
                    reasons=[own[code] for code, _label, _n in reasons],
                    fill=fill_rates(session, rnd, students),
                    distance_counts=distance_histogram(distances(session, rnd, students)[0])[1])
    return Results(
        mine=mine,
        report=report, stats=report.get("stats", {}), rank_labels=labels,
        rank_counts=profile, reasons=reasons, regions=regions, sectors=sectors,
        levels=[level for level in LEVELS if level in fill], fill=fill,
        distance_labels=d_labels, distance_counts=d_counts,
        distance_mean=float(km.mean()) if km.size else None,
        distance_median=float(np.median(km)) if km.size else None,
        distance_unknown=unknown, shortage=list(report.get("shortage", [])))


@dataclass(frozen=True, slots=True)
class LostOffer:
    """An offer on an unplaced student's list, and why it did not take them."""

    offer_id: int
    title: str
    why: str


@dataclass(frozen=True, slots=True)
class UnplacedRow:
    student_id: int
    student_number: str
    code: str
    reason: str  # the plain sentence for ``code``
    lost: list[LostOffer]  # the listed offers that had no seat left for the student


def unplaced(session: Session, rnd: Round, report: dict[str, Any], reason: str | None,
             number: int) -> Paged:
    """One page of the unplaced students of a (scoped) report, with the titles of the
    offers they lost."""
    entries = [u for u in report.get("unassigned", [])
               if reason is None or u["reason"] == reason]
    chunk = entries[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    student_ids = [int(u["student_id"]) for u in chunk]
    offer_ids = {int(o) for u in chunk for o in u.get("offers", [])}
    numbers = dict(session.execute(
        select(Student.id, Student.student_number).where(Student.id.in_(student_ids))).all())
    titles = {oid: _("%(title)s at %(company)s", title=title, company=company)
              for oid, title, company in session.execute(
                  select(Offer.id, Offer.title, Company.name)
                  .join(Company, Company.id == Offer.company_id)
                  .where(Offer.id.in_(offer_ids)))}
    # The engine says per lost offer why its seat was not free (full, the remaining seats
    # reserved for priority, the hybrid environment full); reports written before it did
    # have no ``seat_reasons`` and show the offer alone.
    listed = ineligible_entries(session, rnd, [int(u["student_id"]) for u in chunk
                                               if u["reason"] == PREFERENCES_INELIGIBLE])
    rows = [UnplacedRow(int(u["student_id"]), numbers.get(int(u["student_id"]), "?"),
                        u["reason"], texts.reason_for_staff(u["reason"]),
                        listed.get(int(u["student_id"])) or lost_offers(u, titles))
            for u in chunk]
    return Paged(rows, number, len(entries))


def lost_offers(entry: dict[str, Any], titles: dict[int, str]) -> list[LostOffer]:
    """The offers an outcompeted student lost, each with why its seat was not free."""
    offers = entry.get("offers", [])
    why = entry.get("seat_reasons") or [""] * len(offers)
    return [LostOffer(int(o), titles.get(int(o), _("offer %(id)s", id=o)),
                      texts.seat_taken(w) if w else "")
            for o, w in zip(offers, why, strict=True)]


def ineligible_entries(session: Session, rnd: Round, student_ids: list[int]
                       ) -> dict[int, list[LostOffer]]:
    """The counted entries on these students' lists, each with the rules it breaks for them.

    The engine only says that none of a student's entries fits; which rule each breaks comes
    from its own per-pair check (texts.why_not_eligible), for the one page shown.
    """
    if not student_ids:
        return {}
    students = {s.id: student_model(s) for s in session.scalars(
        select(Student).where(Student.id.in_(student_ids)))}
    entries = session.execute(
        select(Preference.student_id, Offer, Company.name)
        .join(Offer, Offer.id == Preference.offer_id)
        .join(Company, Company.id == Offer.company_id)
        .where(Preference.round_id == rnd.id, Preference.student_id.in_(student_ids),
               Preference.rank <= rnd.max_preferences)
        .order_by(Preference.student_id, Preference.rank)).all()
    out: dict[int, list[LostOffer]] = {}
    for student_id, offer, company in entries:
        why = texts.why_not_eligible(students[student_id], offer_model(offer))
        out.setdefault(student_id, []).append(LostOffer(
            offer.id, _("%(title)s at %(company)s", title=offer.title, company=company),
            "; ".join(why)))
    return out


def export_schools(session: Session, rnd: Round,
                   students: ColumnElement[bool] | None = None) -> list[School]:
    """The schools of the round's placed students (of those in ``students``), for the
    per-school export.

    Companies are too many for a list (thousands in a province); they are found by name
    (``export_companies``) instead.
    """
    placed = (select(Student.school_id).join(Assignment, Assignment.student_id == Student.id)
              .where(Assignment.round_id == rnd.id))
    if students is not None:
        placed = placed.where(students)
    return list(session.scalars(select(School).where(School.id.in_(placed))
                                .order_by(School.name)))


COMPANY_MATCHES = 50


def export_companies(session: Session, rnd: Round, name: str) -> list[Company]:
    """The companies with a placement in the round whose name contains ``name`` (an exact
    name, ignoring case, alone when there is one), at most COMPANY_MATCHES, by name."""
    placed = (select(Offer.company_id).join(Assignment, Assignment.offer_id == Offer.id)
              .where(Assignment.round_id == rnd.id))
    found = list(session.scalars(
        select(Company).where(Company.id.in_(placed),
                              Company.name.ilike(_like(name), escape="\\"))
        .order_by(Company.name, Company.id).limit(COMPANY_MATCHES)))
    exact = [c for c in found if c.name.casefold() == name.casefold()]
    return exact if len(exact) == 1 else found


# Offers and students ----------------------------------------------------------------------

def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def offer_table(session: Session, p: Principal, filters: dict[str, Any], search: str,
                number: int) -> tuple[Paged, dict[int, int], dict[int, str]]:
    """A page of the offers the principal may see, their placed counts and company names."""
    stmt: Select[Offer] = offer_query(filters, offer_filter(p))
    if search:
        stmt = stmt.where(or_(Offer.title.ilike(_like(search), escape="\\"),
                              Offer.company_id.in_(select(Company.id).where(
                                  Company.name.ilike(_like(search), escape="\\")))))
    rows, total = page(session, stmt, number, PAGE_SIZE)
    ids = [o.id for o in rows]
    placed = dict(session.execute(
        select(Assignment.offer_id, func.count()).join(Offer, Offer.id == Assignment.offer_id)
        .where(Assignment.offer_id.in_(ids), Assignment.round_id == Offer.round_id)
        .group_by(Assignment.offer_id)).all())
    names = dict(session.execute(
        select(Company.id, Company.name).where(Company.id.in_({o.company_id for o in rows})))
        .all())
    return Paged(rows, number, total), placed, names


def student_table(session: Session, p: Principal, filters: dict[str, Any], search: str,
                  number: int) -> tuple[Paged, dict[int, str], dict[int, Placement]]:
    """A page of the students the principal may see, their schools' names and their latest
    placements; ``filters["plaatsing"]`` keeps the placed or the not placed."""
    stmt: Select[Student] = student_query(filters, student_filter(p))
    if filters.get("plaatsing") == "geplaatst":
        stmt = stmt.where(_placed())
    elif filters.get("plaatsing") == "niet-geplaatst":
        stmt = stmt.where(~_placed())
    if search:
        stmt = stmt.where(Student.student_number.ilike(_like(search), escape="\\"))
    rows, total = page(session, stmt, number, PAGE_SIZE)
    schools = dict(session.execute(
        select(School.id, School.name).where(School.id.in_({s.school_id for s in rows})))
        .all())
    return (Paged(rows, number, total), schools,
            latest_placements(session, [s.id for s in rows]))


PLACEMENT_FILTERS = {"geplaatst": _l("placed"), "niet-geplaatst": _l("not placed")}
ASSIGNMENT_LABELS = {"proposed": _l("proposal"), "accepted": _l("accepted"),
                     "declined": _l("declined")}


def _placed() -> ColumnElement[bool]:
    """The student has a placement that was not declined, in any round."""
    return exists(select(Assignment.id).where(
        Assignment.student_id == Student.id, Assignment.status != AssignmentStatus.DECLINED))


@dataclass(frozen=True, slots=True)
class Placement:
    """A student's placement in the latest round that has one."""

    assignment: Assignment
    offer: Offer
    company: str


def latest_placements(session: Session, student_ids: list[int]) -> dict[int, Placement]:
    out: dict[int, Placement] = {}
    rows = session.execute(
        select(Assignment, Offer, Company.name).join(Offer, Offer.id == Assignment.offer_id)
        .join(Company, Company.id == Offer.company_id)
        .where(Assignment.student_id.in_(student_ids))
        .order_by(Assignment.round_id, Assignment.id)).all()
    for a, offer, company in rows:  # later rounds overwrite earlier ones
        out[a.student_id] = Placement(a, offer, company)
    return out


@dataclass(frozen=True, slots=True)
class ListEntry:
    rank: int
    offer: Offer
    company: str
    broken: list[str]  # the rules this entry breaks, in words; empty: it fits


@dataclass(frozen=True, slots=True)
class StudentRound:
    rnd: Round
    entries: list[ListEntry]
    placement: Placement | None
    unplaced: str | None = None  # why the last allocation left the student out, in words
    seats: dict[int, str] = field(default_factory=dict)  # lost offer -> why, in words


def unplaced_entry(rnd: Round, student_id: int) -> dict[str, Any] | None:
    """The student's line among the unplaced of the round's last allocation, if any."""
    for u in (rnd.report or {}).get("unassigned", []):
        if int(u["student_id"]) == student_id:
            return dict(u)
    return None


def _why_not(student: Student, offer: Offer) -> list[str]:
    """The rules the entry breaks, in words (the engine's check, named by service.texts)."""
    return texts.why_not_eligible(student_model(student), offer_model(offer))


def student_rounds(session: Session, student: Student) -> list[StudentRound]:
    """Every round the student has a list or a placement in: the list with each entry's
    fit (the engine's own rules) and the placement with its answers."""
    rounds = list(session.scalars(select(Round).where(or_(
        Round.id.in_(select(Preference.round_id).where(Preference.student_id == student.id)),
        Round.id.in_(select(Assignment.round_id).where(Assignment.student_id == student.id))))
        .order_by(Round.id)))
    out = []
    for rnd in rounds:
        listed = session.execute(
            select(Preference.rank, Offer, Company.name)
            .join(Offer, Offer.id == Preference.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .where(Preference.round_id == rnd.id, Preference.student_id == student.id)
            .order_by(Preference.rank)).all()
        placed = session.execute(
            select(Assignment, Offer, Company.name).join(Offer, Offer.id == Assignment.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .where(Assignment.round_id == rnd.id, Assignment.student_id == student.id)).first()
        entry = None if placed else unplaced_entry(rnd, student.id)
        out.append(StudentRound(
            rnd, [ListEntry(rank, offer, company, _why_not(student, offer))
                  for rank, offer, company in listed],
            Placement(*placed) if placed else None,
            texts.reason_for_staff(entry["reason"]) if entry else None,
            {o.offer_id: o.why for o in lost_offers(entry, {})} if entry else {}))
    return out


HISTORY_ACTIONS = {
    "student.create": _l("details entered"), "student.update": _l("details changed"),
    "student.import": _l("imported"), "student.erase": _l("personal data erased"),
    "preferences.submit": _l("list of preferences handed in or changed"),
    "assignment.accept": _l("placement accepted"), "assignment.decline": _l("placement declined"),
}
ACTOR_ROLES = {"admin": _l("administrator"), "coordinator": _l("coordinator"),
               "company": _l("company"), "student": _l("student"), "system": _l("system")}


def student_history(session: Session, student: Student,
                    assignment_ids: list[int]) -> list[AuditEvent]:
    """The audit log's events about the student, oldest first."""
    return student_events(session, student.id, assignment_ids, [])


def choices(session: Session, column: Any, scope: ColumnElement[bool] | None = None
            ) -> list[str]:
    """The distinct values of a column, for a filter's drop-down list."""
    stmt = select(column).distinct().order_by(column)
    if scope is not None:
        stmt = stmt.where(scope)
    return [v for v in session.scalars(stmt) if v is not None]


def round_sectors(session: Session, rnd: Round) -> list[str]:
    kept = round_offer_rows()
    return choices(session, Offer.sector, Offer.id.in_(
        select(kept.c.offer_id).where(kept.c.round_id == rnd.id)))


def round_student_count(session: Session, rnd: Round) -> int:
    return int(session.scalar(select(func.count()).select_from(Student)
                              .where(participants(rnd))) or 0)


# Scenarios --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScenarioRow:
    """A what-if job of the round and, once it has finished, the scenario it stored."""

    job: Job
    scenario: Scenario | None

    @property
    def name(self) -> str:
        return self.scenario.name if self.scenario else str((self.job.params or {})
                                                            .get("name", ""))

    @property
    def changes(self) -> str:
        return describe_overrides(self.job.params or {})

    @property
    def stats(self) -> dict[str, Any]:
        return dict(self.scenario.report.get("stats") or {}) if self.scenario else {}


POLICY_SETTINGS = {  # the what-if policy fields besides the objective, in words
    "priority_first": _l("priority students first"),
    "place_unranked": _l("also place outside the list"),
    "max_preferences": _l("longest list"),
    "seed": _l("lottery number"),
    "time_limit_s": _l("computing time (seconds)"),
}


def _percent(factor: float) -> str:
    change = round((float(factor) - 1) * 100)
    return texts.signed(change) + "%"


def describe_overrides(params: dict[str, Any]) -> str:
    """What a scenario changes, in words: its policy, scaled sectors and regions, capacities."""
    parts = []
    for key, value in params.get("policy", {}).items():
        if key == "objective":
            parts.append(_("policy: %(name)s", name=texts.policy_name(str(value))))
        elif key in POLICY_SETTINGS:
            parts.append(_("%(setting)s: %(value)s", setting=POLICY_SETTINGS[key],
                           value=_("yes") if value is True else _("no") if value is False
                           else value))
    for rule in params.get("scale", []):
        names = [texts.region_name(rule["region"]) if rule.get("region") else None,
                 texts.sector_name(rule["sector"]) if rule.get("sector") else None]
        where = " · ".join(n for n in names if n) or _("all sectors")
        parts.append(_("%(change)s seats in %(where)s", change=_percent(rule["factor"]),
                       where=where))
    if params.get("capacity"):
        parts.append(ngettext("own capacity for %(num)s offer", "own capacity for %(num)s offers",
                              len(params["capacity"]), num=len(params["capacity"])))
    return ", ".join(parts) or _("no changes")


def scenario_rows(session: Session, rnd: Round, number: int) -> Paged:
    """One page of the round's what-if jobs, newest first, with their stored scenarios.

    Listed by job rather than by scenario, so a queued, running or failed what-if shows too;
    a job whose worker is gone is failed first, as the API's job listing does.
    """
    stmt = (select(Job).where(Job.round_id == rnd.id, Job.kind == JobKind.SIMULATE.value)
            .order_by(Job.id.desc()))
    jobs, total = page(session, stmt, number, PAGE_SIZE)
    jobs = [reap(session, job) for job in jobs]
    stored = {s.job_id: s for s in session.scalars(
        select(Scenario).where(Scenario.job_id.in_([job.id for job in jobs])))}
    return Paged([ScenarioRow(job, stored.get(job.id)) for job in jobs], number, total)


def scenario_job(session: Session, rnd: Round, job_id: int) -> ScenarioRow:
    """One what-if job of the round (404 for any other job) and its scenario, if stored."""
    job = session.get(Job, job_id)
    if job is None or job.round_id != rnd.id or job.kind != JobKind.SIMULATE:
        raise Problem(404, _("Round %(round)s has no scenario with job %(job)s.", round=rnd.id,
                             job=job_id))
    reap(session, job)
    return ScenarioRow(job, session.scalar(select(Scenario).where(Scenario.job_id == job.id)))


def aligned_rank_profiles(now: list[int], then: list[int]
                          ) -> tuple[list[str], list[int], list[int]]:
    """Two rank profiles on one axis: ranks 1..n (the longer list's n), unranked last.

    A scenario may allow another number of preferences, so the unranked count (always the
    last entry) is kept apart rather than padded onto a rank.
    """
    def split(profile: list[int]) -> tuple[list[int], int]:
        return (profile[:-1], profile[-1]) if profile else ([], 0)

    (ranked_a, out_a), (ranked_b, out_b) = split(now), split(then)
    width = max(len(ranked_a), len(ranked_b))
    labels = rank_labels(width)
    return (labels, ranked_a + [0] * (width - len(ranked_a)) + [out_a],
            ranked_b + [0] * (width - len(ranked_b)) + [out_b])


@dataclass(frozen=True, slots=True)
class CompareRow:
    key: str
    label: str
    now: str
    then: str
    delta: str
    now_value: float | None = None  # the figures as numbers, for tests and scripts
    then_value: float | None = None


def compare_rows(comparison: dict[str, Any], now_stats: dict[str, Any],
                 then_stats: dict[str, Any]) -> list[CompareRow]:
    """The comparison table: the headline figures of service.rounds.scenarios.compare, then the
    rank sum and unranked placements from both reports' stats."""
    now, then, delta = comparison["current"], comparison["scenario"], comparison["delta"]

    def count(value: int | None) -> str:
        return "–" if value is None else texts.number(value)

    def counted(key: str, label: str, a: int | None, b: int | None, signed: bool = True
                ) -> CompareRow:
        change = texts.signed(b - a) if signed and a is not None and b is not None else ""
        return CompareRow(key, label, count(a), count(b), change, a, b)

    rows = [counted("students", _("Students"), now["students"], then["students"], False),
            counted("placed", _("Placed"), now["placed"], then["placed"]),
            counted("kept", _("Kept from an earlier round"), now["kept"], then["kept"]),
            counted("placed_priority", _("Students with priority placed"),
                    now["placed_priority"], then["placed_priority"]),
            CompareRow("placed_share", _("Share placed"), texts.percent(now["placed_share"]),
                       texts.percent(then["placed_share"]),
                       _("%(change)s percentage points",
                         change=texts.signed(delta["placed_share"] * 100, 1)),
                       now["placed_share"], then["placed_share"])]
    for key, label in (("rank_sum", _("Sum of the choices placed on")),
                       ("unranked_placed", _("Placed outside the list"))):
        rows.append(counted(key, label, now_stats.get(key), then_stats.get(key)))

    def mean(value: float | None) -> str:
        return "–" if value is None else _("on average %(mean)s", mean=texts.decimal(value))

    rows.append(CompareRow("mean_rank", _("Place on their list"), mean(now["mean_rank"]),
                           mean(then["mean_rank"]), "", now["mean_rank"], then["mean_rank"]))
    return rows
