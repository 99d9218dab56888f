"""The round document: what it accepts, and every way it rejects a broken one."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from solver import DocumentError, load_round, parse_round, result_to_dict, round_to_dict
from solver.document import result_to_json
from solver.model import Location
from solver.schema import decode_round

Doc = dict[str, Any]


def test_parses_every_field(small_doc: Doc) -> None:
    rnd = parse_round(small_doc)
    assert rnd.id == "r1" and rnd.policy.max_preferences == 3 and rnd.policy.seed == 7
    assert rnd.policy.objective == "optimal" and rnd.policy.priority_first is True
    assert rnd.offers[0].location == Location(52.222, 6.894)
    assert rnd.offers[1].start == dt.date(2027, 2, 1)
    assert rnd.students[1].priority is True
    assert rnd.students[2].preferences == ("of-2", "of-404", "of-2")


def test_policy_defaults_apply(small_doc: Doc) -> None:
    del small_doc["policy"]
    policy = parse_round(small_doc).policy
    assert (policy.objective, policy.priority_first, policy.place_unranked,
            policy.max_preferences, policy.seed, policy.time_limit_s) == (
        "optimal", True, False, 10, 0, 60.0)


def test_round_trips_through_dict(small_doc: Doc) -> None:
    rnd = parse_round(small_doc)
    assert parse_round(round_to_dict(rnd)) == rnd


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return apply


_DELETE = object()

REJECTIONS = [
    ("unknown format", _set("format", "leerplek-round/9"), "format"),
    ("missing students", _set("students", _DELETE), "students"),
    ("missing offer capacity", _set("offers.0.capacity", _DELETE), "offers[0].capacity"),
    ("mistyped capacity", _set("offers.0.capacity", "3"), "offers[0].capacity"),
    ("negative capacity", _set("offers.0.capacity", -1), "offers[0].capacity"),
    ("reserved above capacity", _set("offers.1.reserved_priority", 3),
     "offers[1].reserved_priority"),
    ("level above 4", _set("students.0.level", 5), "students[0].level"),
    ("level 0 in an offer", _set("offers.0.levels", [0, 2]), "offers[0].levels[0]"),
    ("boolean as level", _set("students.0.level", True), "students[0].level"),
    ("unknown pathway", _set("students.1.pathways", ["DUAL"]), "students[1].pathways[0]"),
    ("empty pathways", _set("offers.0.pathways", []), "offers[0].pathways"),
    ("duplicate offer id", _set("offers.1.id", "of-1"), "offers[1].id"),
    ("duplicate student id", _set("students.2.id", "st-1"), "students[2].id"),
    ("bad date", _set("offers.1.start", "1 feb 2027"), "offers[1].start"),
    ("end before start", _set("offers.1.end", "2027-01-01"), "offers[1].end"),
    ("latitude out of range", _set("offers.0.location", {"lat": 91, "lon": 6}),
     "offers[0].location.lat"),
    ("priority not a boolean", _set("students.0.priority", "yes"), "students[0].priority"),
    ("preferences not a list", _set("students.0.preferences", "of-1"),
     "students[0].preferences"),
    ("unknown objective", _set("policy.objective", "fastest"), "policy.objective"),
    ("max_preferences zero", _set("policy.max_preferences", 0), "policy.max_preferences"),
    ("unknown environment", _set("offers.0.environment_id", "env-9"),
     "offers[0].environment_id"),
    ("pinned unknown student", _set("pinned", [{"student_id": "st-9", "offer_id": "of-1"}]),
     "pinned[0].student_id"),
    ("pinned unknown offer", _set("pinned", [{"student_id": "st-1", "offer_id": "of-9"}]),
     "pinned[0].offer_id"),
    ("student pinned twice", _set("pinned", [{"student_id": "st-1", "offer_id": "of-1"},
                                             {"student_id": "st-1", "offer_id": "of-2"}]),
     "pinned[1].student_id"),
    ("ranking names unknown offer", _set("company_rankings", {"of-9": ["st-1"]}),
     "company_rankings.of-9"),
    ("ranking names unknown student", _set("company_rankings", {"of-1": ["st-9"]}),
     "company_rankings.of-1[0]"),
    ("student not an object", _set("students.0", 17), "students[0]"),
]


@pytest.mark.parametrize(("case", "breakit", "field"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_rejects_broken_document_naming_the_field(
    small_doc: Doc, case: str, breakit: Callable[[Doc], None], field: str
) -> None:
    breakit(small_doc)
    with pytest.raises(DocumentError) as info:
        parse_round(small_doc)
    assert field in [e.path for e in info.value.errors], info.value.errors


def test_reports_every_error_at_once(small_doc: Doc) -> None:
    small_doc["students"][0]["level"] = 9
    small_doc["offers"][0]["capacity"] = -2
    with pytest.raises(DocumentError) as info:
        parse_round(small_doc)
    paths = {e.path for e in info.value.errors}
    assert {"students[0].level", "offers[0].capacity"} <= paths


def test_not_an_object_is_rejected() -> None:
    with pytest.raises(DocumentError):
        parse_round([1, 2, 3])


def test_content_problems_are_warnings_not_errors(small_doc: Doc) -> None:
    from solver import allocate

    result = allocate(parse_round(small_doc))
    codes = {(w.code, w.student_id) for w in result.warnings}
    assert ("unknown_offer", "st-3") in codes
    assert ("repeated_offer", "st-3") in codes


@pytest.mark.parametrize("name", ["c01-optimal-features", "c05-pinned", "c06-edge-entries"])
def test_fast_and_careful_readers_agree(name: str) -> None:
    import json

    from solver import document

    from .conftest import CONFORMANCE

    doc = json.loads((CONFORMANCE / f"{name}.json").read_text())
    for i, raw in enumerate(doc["students"]):
        careful = document._Reader()
        assert document._student_fast(raw) == document._student_careful(careful, raw, "s")
        assert careful.errors == []
        obj = dict(raw, id=[raw["id"]])  # unusual input: the careful reader names it
        assert document._student_fast(obj) is None
        document._student(careful, obj, f"students[{i}]")
        assert [e.path for e in careful.errors] == [f"students[{i}].id"]
    for raw in doc["offers"]:
        careful = document._Reader()
        assert document._offer_fast(raw) == document._offer_careful(careful, raw, "o")
        assert careful.errors == []
    rnd = parse_round(doc)
    assert parse_round(round_to_dict(rnd)) == rnd


@pytest.mark.parametrize(("case", "breakit", "field"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_compiled_reader_leaves_every_broken_document_to_the_careful_one(
    small_doc: Doc, case: str, breakit: Callable[[Doc], None], field: str, tmp_path: Path
) -> None:
    breakit(small_doc)
    data = json.dumps(small_doc).encode()
    assert decode_round(data) is None
    path = tmp_path / "round.json"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        load_round(path)
    assert field in [e.path for e in info.value.errors], info.value.errors


@pytest.mark.parametrize("name", ["c01-optimal-features", "c02-rank-maximal",
                                  "c03-stable-rankings", "c04-place-unranked", "c05-pinned",
                                  "c06-edge-entries"])
def test_compiled_and_careful_readers_read_a_round_the_same(name: str) -> None:
    from .conftest import CONFORMANCE

    data = (CONFORMANCE / f"{name}.json").read_bytes()
    fast = decode_round(data)
    assert fast is not None
    assert fast == parse_round(json.loads(data))


def test_compiled_reader_applies_the_same_defaults(small_doc: Doc) -> None:
    for key in ("policy", "environments"):
        small_doc.pop(key, None)
    for s in small_doc["students"]:
        for key in ("qualification", "location", "max_travel_km", "priority",
                    "available_from", "available_until", "preferences"):
            s.pop(key, None)
    del small_doc["round"]["name"]
    for o in small_doc["offers"]:
        o["environment_id"] = None
        for key in ("title", "qualifications", "location", "reserved_priority", "start",
                    "end"):
            o.pop(key, None)
    fast = decode_round(json.dumps(small_doc).encode())
    assert fast is not None and fast == parse_round(small_doc)


def test_compiled_reader_knows_the_engine_pathways() -> None:
    from typing import get_args

    from solver import schema
    from solver.model import PATHWAYS

    assert get_args(schema.Pathway) == PATHWAYS


def test_result_json_is_the_result_document(small_doc: Doc) -> None:
    from solver import allocate

    result = allocate(parse_round(small_doc))
    assert json.loads(result_to_json(result)) == result_to_dict(result)
