"""Shared fixtures: the conformance rounds and a small hand-made round document."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from .workers import isolate_worker

# Before any service test module reads TEST_DATABASE_URL or REDIS_URL (tests/workers.py).
isolate_worker()

# Copied from the project's shared reading material: the repository never reads outside itself.
CONFORMANCE = Path(__file__).resolve().parent / "data" / "conformance"


def conformance_names() -> list[str]:
    expected = json.loads((CONFORMANCE / "expected.json").read_text())
    return sorted(expected)


@pytest.fixture
def small_doc() -> dict[str, Any]:
    """Two offers, three students: enough to exercise every field of the format."""
    return copy.deepcopy({
        "format": "leerplek-round/1",
        "round": {"id": "r1", "name": "Small round"},
        "policy": {"objective": "optimal", "max_preferences": 3, "seed": 7},
        "environments": [{"id": "env-1", "name": "House of Skills", "capacity": 1}],
        "offers": [
            {"id": "of-1", "company_id": "kvk-10000001", "title": "Kok", "levels": [2, 3],
             "pathways": ["BOL"], "qualifications": ["25180"], "sector": "gastvrijheid",
             "region": "twente", "location": {"lat": 52.222, "lon": 6.894}, "capacity": 1,
             "reserved_priority": 0, "environment_id": None, "start": None, "end": None},
            {"id": "of-2", "company_id": "kvk-10000002", "title": "Zorg", "levels": [3],
             "pathways": ["BOL", "HYBRID"], "qualifications": [], "sector": "zorg-welzijn",
             "region": "twente", "location": None, "capacity": 2, "reserved_priority": 1,
             "environment_id": "env-1", "start": "2027-02-01", "end": "2027-07-01"},
        ],
        "students": [
            {"id": "st-1", "school_id": "rocvantwente", "level": 2, "pathways": ["BOL"],
             "qualification": "25180", "sector": "gastvrijheid", "regions": ["twente"],
             "location": {"lat": 52.266, "lon": 6.793}, "max_travel_km": 25,
             "priority": False, "available_from": None, "available_until": None,
             "preferences": ["of-1"]},
            {"id": "st-2", "school_id": "rocvantwente", "level": 3, "pathways": ["HYBRID"],
             "qualification": None, "sector": "zorg-welzijn", "regions": ["twente"],
             "location": None, "max_travel_km": None, "priority": True,
             "available_from": "2027-02-15", "available_until": "2027-06-30",
             "preferences": ["of-2"]},
            {"id": "st-3", "school_id": "rocvantwente", "level": 3, "pathways": ["BOL"],
             "qualification": None, "sector": "zorg-welzijn", "regions": ["twente"],
             "location": None, "max_travel_km": None, "priority": False,
             "available_from": None, "available_until": None,
             "preferences": ["of-2", "of-404", "of-2"]},
        ],
    })
