"""The shared conformance rounds: values an independent implementation computed."""

from __future__ import annotations

import json

import pytest

from solver import allocate, load_round, verify

from .conftest import CONFORMANCE, conformance_names


@pytest.mark.parametrize("name", conformance_names())
def test_conformance_round_reaches_expected_values(name: str) -> None:
    expected = json.loads((CONFORMANCE / "expected.json").read_text())[name]
    rnd = load_round(CONFORMANCE / f"{name}.json")
    result = allocate(rnd)
    assert verify(rnd, result) == []
    st = result.stats
    if "priority_placed" in expected:
        assert st.placed_priority == expected["priority_placed"]
    assert st.placed == expected["placed"]
    if "rank_sum" in expected:
        assert st.rank_sum == expected["rank_sum"]
    if "rank_profile" in expected:
        assert list(st.rank_profile) == expected["rank_profile"]
    if "assignments" in expected:
        assert {a.student_id: a.offer_id for a in result.assignments} == expected["assignments"]
    assert result.proven
    assert result.status == ("stable" if expected["objective"] == "stable" else "optimal")
