"""Regional agreements on workplaces, and their progress from the seats actually offered.

A coordinator records an agreement for their own region (a school's coordinator: their
school's region), an admin for any; each write is audited in the caller's transaction.
Progress counts the seats of the offers of the finished rounds of the agreement's school
year that match it (region, sector, and the level and pathway when it names them, a pathway
as ``figures.offer_pathways`` counts it); an offer that returns in a later round of the same
year counts once, at its largest capacity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.audit.log import record, snapshot
from service.directory.reference import check_record
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import STAFF, Agreement, Offer, Role, School, mask_to_levels
from service.monitor.figures import finished_rounds, offer_pathways, round_school_year
from service.rounds.lifecycle import round_offer_rows

FIELDS = ("title", "region", "sector", "level", "pathway", "school_year",
          "baseline_school_year", "target")


def agreement_query() -> Select[Agreement]:
    return select(Agreement).order_by(Agreement.school_year, Agreement.region,
                                      Agreement.sector, Agreement.id)


def own_region(session: Session, p: Principal) -> str | None:
    """The region a coordinator may record agreements for: theirs, or their school's."""
    if p.region is not None:
        return p.region
    school = session.get(School, p.school_id) if p.school_id is not None else None
    return school.region if school is not None else None


def require_agreement_scope(session: Session, p: Principal, region: str) -> None:
    """Admins for every region; coordinators for their own (403 otherwise)."""
    p.require(*STAFF)
    if p.role == Role.COORDINATOR and own_region(session, p) != region:
        raise Problem(403, f"a coordinator records agreements for their own region only, "
                           f"not {region!r}")


def create_agreement(session: Session, actor: Principal, data: dict[str, Any]) -> Agreement:
    check_record(session, {"region": data["region"], "sector": data["sector"]})
    require_agreement_scope(session, actor, data["region"])
    baseline = data.get("baseline_school_year")
    if baseline is not None and baseline >= data["school_year"]:
        raise field_error("baseline_school_year",
                          "must be a school year before the agreement's school year")
    agreement = Agreement()
    for key in FIELDS:
        setattr(agreement, key, data.get(key))
    session.add(agreement)
    session.flush()
    record(session, actor, "agreement.create", agreement, None, snapshot(agreement, FIELDS))
    return agreement


def visible_agreement(session: Session, agreement_id: int) -> Agreement:
    """Agreements are public: any one that exists (404 otherwise)."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise Problem(404, f"no agreement with id {agreement_id}")
    return agreement


def delete_agreement(session: Session, actor: Principal, agreement: Agreement) -> None:
    require_agreement_scope(session, actor, agreement.region)
    record(session, actor, "agreement.delete", agreement, snapshot(agreement, FIELDS), None)
    session.delete(agreement)
    session.flush()


def seats_offered(session: Session, school_year: str, region: str, sector: str,
                  level: int | None, pathway: str | None) -> int:
    """Seats offered in the finished rounds of ``school_year`` matching the agreement."""
    round_ids = [r.id for r in finished_rounds(session, school_year)]
    if not round_ids:
        return 0
    kept = round_offer_rows()
    largest: dict[int, int] = {}
    for offer_id, level_mask, o_mask, environment, capacity in session.execute(
            select(Offer.id, Offer.level_mask, Offer.pathway_mask, Offer.environment_id,
                   func.max(kept.c.capacity))
            .join(kept, kept.c.offer_id == Offer.id)
            .where(kept.c.round_id.in_(round_ids), Offer.region == region,
                   Offer.sector == sector)
            .group_by(Offer.id, Offer.level_mask, Offer.pathway_mask, Offer.environment_id)):
        if level is not None and level not in mask_to_levels(level_mask):
            continue
        if pathway is not None and pathway not in offer_pathways(o_mask, environment):
            continue
        largest[offer_id] = int(capacity or 0)
    return sum(largest.values())


@dataclass(frozen=True, slots=True)
class Progress:
    agreement: Agreement
    seats: int  # offered in the agreement's school year
    baseline_seats: int | None  # offered in the baseline year, when it names one
    achieved: int  # seats, or seats beyond the baseline's (never below zero)
    finished_rounds: int  # rounds of the school year the figures come from

    @property
    def share(self) -> float:
        return min(1.0, self.achieved / self.agreement.target)


def progress(session: Session, agreements: Sequence[Agreement]) -> list[Progress]:
    years = {r.id: round_school_year(r) for r in finished_rounds(session)}
    out = []
    for a in agreements:
        seats = seats_offered(session, a.school_year, a.region, a.sector, a.level, a.pathway)
        baseline = (None if a.baseline_school_year is None else seats_offered(
            session, a.baseline_school_year, a.region, a.sector, a.level, a.pathway))
        achieved = max(0, seats - (baseline or 0))
        rounds = sum(1 for year in years.values() if year == a.school_year)
        out.append(Progress(a, seats, baseline, achieved, rounds))
    return out


def progress_row(item: Progress) -> dict[str, Any]:
    """One agreement with its progress, as the API, the CSV and the page show it."""
    a = item.agreement
    return {"id": a.id, "title": a.title, "region": a.region, "sector": a.sector,
            "level": a.level, "pathway": a.pathway, "school_year": a.school_year,
            "baseline_school_year": a.baseline_school_year, "target": a.target,
            "seats_offered": item.seats, "baseline_seats": item.baseline_seats,
            "achieved": item.achieved, "progress": round(item.share, 4),
            "finished_rounds": item.finished_rounds}


AGREEMENT_COLUMNS = ("id", "title", "region", "sector", "level", "pathway", "school_year",
                     "baseline_school_year", "target", "seats_offered", "baseline_seats",
                     "achieved", "progress", "finished_rounds")
