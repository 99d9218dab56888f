"""What-if allocations: the round solved under other policy or capacities, stored apart.

A scenario is the same allocation job with overrides applied to the engine's input; its
outcome lands in the ``scenarios`` table only, so it never touches assignments or the round.
Coordinators compare it with the round's current allocation: placed share, rank profile and
per-sector fill.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.audit.log import now as utcnow
from service.errors import Problem
from service.models import Assignment, Offer, Round, Scenario
from service.rounds.allocation import result_summary
from service.rounds.lifecycle import round_offer_rows
from service.rounds.loading import round_offer_filter
from solver import model as m
from solver.document import result_to_dict


def check_overrides(session: Session, rnd: Round, data: dict[str, Any]) -> None:
    """Every override must name something in the round, so a typo is not a silent no-op."""
    errors: list[dict[str, str]] = []
    offers = set(session.scalars(select(Offer.id).where(round_offer_filter(rnd.id))))
    for i, entry in enumerate(data.get("capacity", [])):
        if entry["offer_id"] not in offers:
            errors.append({"field": f"capacity.{i}.offer_id", "location": "json",
                           "message": f"offer {entry['offer_id']} is not in round {rnd.id}"})
    sectors = set(session.scalars(select(Offer.sector).where(round_offer_filter(rnd.id))))
    regions = set(session.scalars(select(Offer.region).where(round_offer_filter(rnd.id))))
    for i, entry in enumerate(data.get("scale", [])):
        for key, known in (("sector", sectors), ("region", regions)):
            if entry.get(key) is not None and entry[key] not in known:
                errors.append({"field": f"scale.{i}.{key}", "location": "json",
                               "message": f"no offer of round {rnd.id} has {key} "
                                          f"{entry[key]!r}"})
    if errors:
        raise Problem(422, "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]),
                      errors)


def apply_overrides(rnd: m.Round, params: dict[str, Any]) -> m.Round:
    """The round as the engine sees it, with the scenario's policy and capacities.

    Scaling applies first (rounded to whole seats), then explicit capacities; reserved
    priority seats shrink with a capacity that falls below them.
    """
    policy = replace(rnd.policy, **params.get("policy", {}))
    explicit = {str(e["offer_id"]): int(e["capacity"]) for e in params.get("capacity", [])}
    offers = []
    for offer in rnd.offers:
        capacity = offer.capacity
        for rule in params.get("scale", []):
            if (rule.get("sector") in (None, offer.sector)
                    and rule.get("region") in (None, offer.region)):
                capacity = round(capacity * float(rule["factor"]))
        capacity = explicit.get(offer.id, capacity)
        offers.append(replace(offer, capacity=capacity,
                              reserved_priority=min(offer.reserved_priority, capacity)))
    return replace(rnd, policy=policy, offers=tuple(offers))


def sector_fill(capacity: Counter[str], placed: Counter[str]) -> dict[str, dict[str, int]]:
    return {sector: {"capacity": capacity[sector], "placed": placed[sector]}
            for sector in sorted(set(capacity) | set(placed))}


def store_scenario(session: Session, job_id: int, round_id: int, params: dict[str, Any],
                   rnd: m.Round, result: m.Result) -> dict[str, Any]:
    """Keep the what-if's outcome as a scenario; the caller's transaction commits it."""
    doc = result_to_dict(result)
    sector_of = {o.id: o.sector for o in rnd.offers}
    capacity: Counter[str] = Counter()
    for offer in rnd.offers:
        capacity[offer.sector] += offer.capacity
    placed = Counter(sector_of[a.offer_id] for a in result.assignments)
    report = {key: doc[key] for key in ("status", "proven", "message", "stats", "shortage")}
    report["warnings"] = len(result.warnings)
    report["unassigned"] = len(result.unassigned)
    report["sectors"] = sector_fill(capacity, placed)
    scenario = Scenario(round_id=round_id, job_id=job_id, name=params.get("name", ""),
                        overrides={k: v for k, v in params.items() if k != "name"},
                        report=report, created_at=utcnow())
    session.add(scenario)
    session.flush()
    return result_summary(result, scenario_id=scenario.id)


def visible_scenario(session: Session, rnd: Round, scenario_id: int) -> Scenario:
    scenario = session.get(Scenario, scenario_id)
    if scenario is None or scenario.round_id != rnd.id:
        raise Problem(404, f"round {rnd.id} has no scenario {scenario_id}")
    return scenario


def scenario_query(rnd: Round) -> Any:
    return select(Scenario).where(Scenario.round_id == rnd.id).order_by(Scenario.id)


def current_sectors(session: Session, rnd: Round) -> dict[str, dict[str, int]]:
    """Seats and placed students per sector in the round's stored allocation."""
    kept = round_offer_rows()
    capacity = Counter({sector: int(total or 0) for sector, total in session.execute(
        select(Offer.sector, func.sum(kept.c.capacity)).select_from(kept)
        .join(Offer, Offer.id == kept.c.offer_id).where(kept.c.round_id == rnd.id)
        .group_by(Offer.sector))})
    placed = Counter({sector: int(n) for sector, n in session.execute(
        select(Offer.sector, func.count(Assignment.id))
        .join(Offer, Offer.id == Assignment.offer_id)
        .where(Assignment.round_id == rnd.id).group_by(Offer.sector))})
    return sector_fill(capacity, placed)


def _headline(stats: dict[str, Any]) -> dict[str, Any]:
    students, placed = int(stats["students"]), int(stats["placed"])
    return {"students": students, "placed": placed,
            "placed_priority": int(stats["placed_priority"]),
            # Kept from an earlier round, at the rank they were made at: shown apart.
            "kept": int(stats.get("pinned", 0)),
            "placed_share": round(placed / students, 4) if students else 0.0,
            "rank_profile": list(stats["rank_profile"]), "mean_rank": stats["mean_rank"]}


def compare(session: Session, rnd: Round, scenario: Scenario) -> dict[str, Any]:
    """The scenario against the round's current allocation, with the differences."""
    if rnd.report is None:
        raise Problem(409, f"round {rnd.id} has no allocation to compare with yet")
    current, what_if = _headline(rnd.report["stats"]), _headline(scenario.report["stats"])
    width = max(len(current["rank_profile"]), len(what_if["rank_profile"]))

    def padded(profile: list[int]) -> list[int]:
        return profile + [0] * (width - len(profile))

    now, then = current_sectors(session, rnd), scenario.report["sectors"]
    sectors = []
    for sector in sorted(set(now) | set(then)):
        a = now.get(sector, {"capacity": 0, "placed": 0})
        b = then.get(sector, {"capacity": 0, "placed": 0})
        sectors.append({
            "sector": sector, "current_capacity": a["capacity"], "current_placed": a["placed"],
            "current_fill": round(a["placed"] / a["capacity"], 4) if a["capacity"] else None,
            "scenario_capacity": b["capacity"], "scenario_placed": b["placed"],
            "scenario_fill": round(b["placed"] / b["capacity"], 4) if b["capacity"] else None,
            "placed_delta": b["placed"] - a["placed"]})
    return {
        "round_id": rnd.id, "scenario_id": scenario.id, "name": scenario.name,
        "current": current, "scenario": what_if,
        "delta": {
            "placed": what_if["placed"] - current["placed"],
            "kept": what_if["kept"] - current["kept"],
            "placed_priority": what_if["placed_priority"] - current["placed_priority"],
            "placed_share": round(what_if["placed_share"] - current["placed_share"], 4),
            "rank_profile": [b - a for a, b in zip(padded(current["rank_profile"]),
                                                    padded(what_if["rank_profile"]),
                                                    strict=True)]},
        "sectors": sectors}
