"""The synthetic round generator: format, calibration targets, determinism, speed.

Calibration checks use one 6,000-student round (the default demo size); each test states its
tolerance next to the target it checks in ``seeds.generator.TARGETS``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from seeds.generator import FORMAT, TARGETS, generate_round, load_reference

N = 6000

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def doc() -> Doc:
    return generate_round(N, seed=1)


@pytest.fixture(scope="module")
def offers(doc: Doc) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in doc["offers"]}


def share(items: list[Any], value: Any) -> float:
    return sum(1 for x in items if x == value) / len(items)


def haversine(a: dict[str, float], b: dict[str, float]) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def eligible(s: dict[str, Any], o: dict[str, Any]) -> bool:
    """The engine issue's eligibility rules, written out independently of the generator."""
    if s["level"] not in o["levels"] or not set(s["pathways"]) & set(o["pathways"]):
        return False
    if o["region"] not in s["regions"]:
        return False
    located = s["location"] and o["location"] and s["max_travel_km"] is not None
    if located and haversine(s["location"], o["location"]) > s["max_travel_km"]:
        return False
    if o["qualifications"]:
        if s["qualification"] not in o["qualifications"]:
            return False
    elif s["sector"] != o["sector"]:
        return False
    dates = (o["start"], o["end"], s["available_from"], s["available_until"])
    if all(d is not None for d in dates):
        return bool(o["start"] <= s["available_from"] and s["available_until"] <= o["end"])
    return True


# ------------------------------------------------------------------------------------------
# Format


OFFER_FIELDS = {
    "id": str, "company_id": str, "title": str, "levels": list, "pathways": list,
    "qualifications": list, "sector": str, "region": str, "location": (dict, type(None)),
    "capacity": int, "reserved_priority": int, "environment_id": (str, type(None)),
    "start": (str, type(None)), "end": (str, type(None)),
}
STUDENT_FIELDS = {
    "id": str, "school_id": str, "level": int, "pathways": list,
    "qualification": (str, type(None)), "sector": str, "regions": list,
    "location": (dict, type(None)), "max_travel_km": (float, type(None)), "priority": bool,
    "available_from": (str, type(None)), "available_until": (str, type(None)),
    "preferences": list,
}


def test_document_has_every_field_of_the_round_format(doc: Doc) -> None:
    assert doc["format"] == FORMAT == "leerplek-round/1"
    assert set(doc["round"]) == {"id", "name"}
    assert doc["policy"] == {
        "objective": "optimal", "priority_first": True, "place_unranked": False,
        "max_preferences": 10, "seed": 1, "time_limit_s": 60,
    }
    for env in doc["environments"]:
        assert set(env) == {"id", "name", "capacity"} and isinstance(env["capacity"], int)
    for o in doc["offers"]:
        assert set(o) == set(OFFER_FIELDS)
        for key, typ in OFFER_FIELDS.items():
            assert isinstance(o[key], typ), (key, o)
        assert set(o["pathways"]) <= {"BOL", "BBL", "HYBRID"} and o["pathways"]
        assert set(o["levels"]) <= {1, 2, 3, 4} and o["levels"]
        assert 1 <= o["capacity"] <= 6 and 0 <= o["reserved_priority"] < o["capacity"]
        if o["location"] is not None:
            assert set(o["location"]) == {"lat", "lon"}
    for s in doc["students"]:
        assert set(s) == set(STUDENT_FIELDS)
        for key, typ in STUDENT_FIELDS.items():
            assert isinstance(s[key], typ), (key, s)
        assert s["level"] in (1, 2, 3, 4) and len(s["preferences"]) <= 10
    json.dumps(doc)  # plain JSON data: dates as strings, no NumPy scalars


def test_ids_are_zero_padded_unique_and_companies_hold_one_to_three_offers(doc: Doc) -> None:
    assert [s["id"] for s in doc["students"]] == [f"st-{i:06d}" for i in range(N)]
    assert [o["id"] for o in doc["offers"]] == [f"of-{i:06d}" for i in range(len(doc["offers"]))]
    per_company = Counter(o["company_id"] for o in doc["offers"])
    assert all(re.fullmatch(r"kvk-\d{8}", c) for c in per_company)
    assert set(per_company.values()) <= {1, 2, 3}
    env_ids = [e["id"] for e in doc["environments"]]
    assert len(set(env_ids)) == len(env_ids)


def test_round_id_and_policy_overrides() -> None:
    d = generate_round(50, seed=3, round_id="r-1", policy={"objective": "stable", "seed": 9})
    assert d["round"]["id"] == "r-1"
    assert d["policy"]["objective"] == "stable" and d["policy"]["seed"] == 9
    with pytest.raises(ValueError, match="unknown policy"):
        generate_round(10, policy={"objectve": "stable"})


@pytest.mark.parametrize("n", [0, 1, 7, 40])
def test_tiny_rounds_are_valid(n: int) -> None:
    d = generate_round(n, seed=n)
    assert len(d["students"]) == n
    ids = {o["id"] for o in d["offers"]}
    assert all(p in ids for s in d["students"] for p in s["preferences"])


# ------------------------------------------------------------------------------------------
# Calibration (tolerances stated per test)


def test_level_shares_within_two_points(doc: Doc) -> None:
    levels = [s["level"] for s in doc["students"]]
    for level, target in TARGETS["level_shares"].items():
        assert abs(share(levels, level) - target) <= 0.02, level


def test_school_shares_within_two_points_and_school_rules(doc: Doc) -> None:
    schools = {s["id"]: s for s in load_reference()["schools"]}
    ids = [s["school_id"] for s in doc["students"]]
    for school, target in TARGETS["school_shares"].items():
        assert abs(share(ids, school) - target) <= 0.02, school
    for s in doc["students"]:
        school = schools[s["school_id"]]
        assert s["level"] in school["levels"]
        assert school["sectors"] is None or s["sector"] in school["sectors"]
        assert s["regions"][0] in school["regions"]  # home region first


def test_sector_shares_within_two_points(doc: Doc) -> None:
    sectors = [s["sector"] for s in doc["students"]]
    for sector, target in TARGETS["sector_shares"].items():
        assert abs(share(sectors, sector) - target) <= 0.02, sector


def test_bol_bbl_split_and_hybrid_acceptance(doc: Doc) -> None:
    students = doc["students"]
    bbl = sum("BBL" in s["pathways"] for s in students) / N
    assert abs(bbl - TARGETS["bbl_share"]) <= 0.03  # ±3 points
    assert all(("BOL" in s["pathways"]) != ("BBL" in s["pathways"]) for s in students)
    hybrid = sum("HYBRID" in s["pathways"] for s in students) / N
    assert abs(hybrid - TARGETS["hybrid_accept_share"]) <= 0.02


def test_priority_share_within_two_points(doc: Doc) -> None:
    assert abs(share([s["priority"] for s in doc["students"]], True) - 0.15) <= 0.02
    assert TARGETS["priority_share"] == 0.15


def test_total_capacity_is_about_105_percent_of_students(doc: Doc) -> None:
    ratio = sum(o["capacity"] for o in doc["offers"]) / N
    assert 1.0 <= ratio <= 1.1
    assert any(o["reserved_priority"] > 0 for o in doc["offers"])


def test_levels_2_and_3_bound_to_their_region_level_4_mobile(doc: Doc) -> None:
    mid = [s for s in doc["students"] if s["level"] in (2, 3)]
    own_only = sum(len(s["regions"]) == 1 for s in mid) / len(mid)
    assert own_only >= 0.85  # target 0.92
    top = [s for s in doc["students"] if s["level"] == 4]
    mobile = sum(len(s["regions"]) >= 2 for s in top) / len(top)
    assert 0.40 <= mobile <= 0.60  # target 0.50


def test_home_locations_and_travel_limits(doc: Doc) -> None:
    places = {
        r["id"]: [{"lat": p["lat"], "lon": p["lon"]} for p in r["places"]]
        for r in load_reference()["regions"]
    }
    allowed = {None if k is None else float(k) for k in TARGETS["max_travel_km"]}
    for s in doc["students"]:
        assert s["max_travel_km"] in allowed
        if s["location"] is not None:
            nearest = min(haversine(s["location"], p) for p in places[s["regions"][0]])
            assert nearest < 25.0  # jitter sd is 4 km
    assert sum(s["location"] is None for s in doc["students"]) / N <= 0.02


def test_environments_bind_and_hold_only_hybrid_offers(doc: Doc) -> None:
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in doc["offers"]:
        assert ("HYBRID" in o["pathways"]) == (o["environment_id"] is not None)
        if o["environment_id"]:
            members[o["environment_id"]].append(o)
    per_region = Counter(e["id"].rsplit("-", 1)[0] for e in doc["environments"])
    assert set(per_region) == {"env-twente", "env-regio-zwolle", "env-stedendriehoek"}
    assert all(2 <= k <= 6 for k in per_region.values())
    for env in doc["environments"]:
        offers = members[env["id"]]
        assert len(offers) >= 2
        assert 1 <= env["capacity"] < sum(o["capacity"] for o in offers)


def test_some_sector_region_cells_are_short_of_places(doc: Doc) -> None:
    demand = Counter((s["regions"][0], s["sector"]) for s in doc["students"])
    supply: Counter[tuple[str, str]] = Counter()
    for o in doc["offers"]:
        supply[(o["region"], o["sector"])] += o["capacity"]
    short = {cell for cell in demand if demand[cell] > supply[cell]}
    assert short, "no sector × region cell has demand above capacity"
    for cell in TARGETS["shortage_cells"]:
        assert supply[cell] <= 0.8 * demand[cell], cell  # target factor 0.7


def test_popular_offers_are_oversubscribed(doc: Doc) -> None:
    first = Counter(s["preferences"][0] for s in doc["students"] if s["preferences"])
    capacity = {o["id"]: o["capacity"] for o in doc["offers"]}
    top = sorted(capacity, key=lambda k: -first[k])[: len(capacity) // 10]
    wanted, seats = sum(first[k] for k in top), sum(capacity[k] for k in top)
    assert wanted >= 3 * seats  # the top 10% get far more first choices than seats
    assert sum(1 for k in capacity if first[k] == 0) >= len(capacity) // 4  # long tail


def test_preferences_are_eligible_apart_from_a_little_noise(
    doc: Doc, offers: dict[str, dict[str, Any]]
) -> None:
    bad_entries = total = 0
    noisy_students = 0
    for s in doc["students"]:
        seen: set[str] = set()
        bad = 0
        for p in s["preferences"]:
            if p in seen or not eligible(s, offers[p]):
                bad += 1
            seen.add(p)
        total += len(s["preferences"])
        bad_entries += bad
        noisy_students += bad > 0
        assert bad <= 1, s["id"]  # at most one noisy entry per student
    assert bad_entries / total <= 0.01
    assert 0.005 <= noisy_students / N <= 0.04  # target 0.02
    empty = sum(not s["preferences"] for s in doc["students"]) / N
    assert 0.005 <= empty <= 0.025  # target 0.01
    full = sum(len(s["preferences"]) == 10 for s in doc["students"]) / N
    assert full >= 0.5


def test_some_offers_and_students_have_dates(doc: Doc) -> None:
    dated_offers = share([o["start"] is not None for o in doc["offers"]], True)
    dated_students = share([s["available_from"] is not None for s in doc["students"]], True)
    assert abs(dated_offers - TARGETS["dated_share"]) <= 0.05
    assert abs(dated_students - TARGETS["dated_share"]) <= 0.05


# ------------------------------------------------------------------------------------------
# Determinism and speed


def test_same_seed_same_document_other_seed_other_document() -> None:
    a, b, c = generate_round(1500, 7), generate_round(1500, 7), generate_round(1500, 8)
    assert json.dumps(a) == json.dumps(b)
    assert a["students"] != c["students"] and a["offers"] != c["offers"]


def test_result_is_independent_of_earlier_calls() -> None:
    first = generate_round(300, 2)
    generate_round(500, 5)
    assert generate_round(300, 2) == first


# ------------------------------------------------------------------------------------------
# Reference data


def test_reference_data() -> None:
    ref = load_reference()
    assert {r["id"] for r in ref["regions"]} == {"twente", "regio-zwolle", "stedendriehoek"}
    assert {s["id"] for s in ref["schools"]} == {
        "rocvantwente", "deltion", "aventus", "landstede", "cibap", "mensoalting",
    }
    cibap = next(s for s in ref["schools"] if s["id"] == "cibap")
    assert cibap["levels"] == [3, 4]
    assert abs(sum(s["employment_share"] for s in ref["sectors"]) - 1.0) < 1e-9
    real = {q["code"] for q in ref["qualifications"] if not q["synthetic"]}
    assert real == {"25180", "25603"}
    per_sector = Counter(q["sector"] for q in ref["qualifications"])
    assert set(per_sector) == {s["id"] for s in ref["sectors"]}
    assert all(3 <= k <= 6 for k in per_sector.values())
    assert all(re.fullmatch(r"\d{5}", q["code"]) for q in ref["qualifications"])
    ref["schools"].clear()  # a copy: the generator's own data is untouched
    assert load_reference()["schools"]


# ------------------------------------------------------------------------------------------
# Calibration, supply side and regions (tolerances stated per test)


def test_home_regions_follow_school_sizes_by_region_within_two_points(doc: Doc) -> None:
    schools = load_reference()["schools"]
    total = sum(s["students"] for s in schools)
    target: Counter[str] = Counter()
    for s in schools:
        target[s["regions"][0]] += s["students"] / total
    home = [s["regions"][0] for s in doc["students"]]
    for region, expected in target.items():
        assert abs(share(home, region) - expected) <= 0.02, region


def test_seats_per_region_follow_home_demand_within_three_points(doc: Doc) -> None:
    seats: Counter[str] = Counter()
    for o in doc["offers"]:
        seats[o["region"]] += o["capacity"]
    total = sum(seats.values())
    home = [s["regions"][0] for s in doc["students"]]
    for region, n in seats.items():
        assert abs(n / total - share(home, region)) <= 0.03, region


def test_shortage_cells_hold_the_target_factor_and_the_rest_have_room(doc: Doc) -> None:
    demand = Counter((s["regions"][0], s["sector"]) for s in doc["students"])
    supply: Counter[tuple[str, str]] = Counter()
    for o in doc["offers"]:
        supply[(o["region"], o["sector"])] += o["capacity"]
    factor = TARGETS["shortage_capacity_factor"]
    for cell, wanted in demand.items():
        if cell in TARGETS["shortage_cells"]:
            assert abs(supply[cell] / wanted - factor) <= 0.05, cell  # ±0.05 of 0.70
        elif wanted >= 50:  # small cells round to whole seats
            assert supply[cell] >= wanted, cell  # scaled up to keep the total ratio


def test_offer_pathways_within_three_points_and_bbl_seats_cover_bbl_students(doc: Doc) -> None:
    ordinary = [o for o in doc["offers"] if o["environment_id"] is None]
    shares = TARGETS["offer_pathways"]
    bbl_only = share([o["pathways"] == ["BBL"] for o in ordinary], True)
    both = share([sorted(o["pathways"]) == ["BBL", "BOL"] for o in ordinary], True)
    assert abs(bbl_only - shares["BBL"]) <= 0.03
    assert abs(both - shares["BOL+BBL"]) <= 0.03
    seats = sum(o["capacity"] for o in doc["offers"])
    bbl_seats = sum(o["capacity"] for o in doc["offers"] if "BBL" in o["pathways"])
    assert bbl_seats / seats >= TARGETS["bbl_share"]  # work-based students can find a job
    hybrid = share([o["environment_id"] is not None for o in doc["offers"]], True)
    assert abs(hybrid - TARGETS["hybrid_offer_share"]) <= 0.02


def test_popularity_skew_top_tenth_of_offers_draws_a_third_of_all_listings(doc: Doc) -> None:
    listed = Counter(p for s in doc["students"] for p in s["preferences"])
    counts = sorted((listed[o["id"]] for o in doc["offers"]), reverse=True)
    top = sum(counts[: len(counts) // 10]) / sum(counts)
    # Zipf exponent 0.9 over popularity ranks: a uniform choice would give the top tenth 10%.
    assert top >= 0.30
