"""Example request bodies for the interactive documentation (/api/docs): one per operation
that reads a body, valid against its schema and the seeded reference data (Twente, the
gastvrijheid sector, crebo 25180 kok), so "Try it out" works on a seeded service once the
ids exist. tests/service/test_api_docs.py loads each through its schema."""

from __future__ import annotations

from typing import Any

SCHOOL: dict[str, Any] = {"name": "ROC van Twente", "code": "ROCVT", "region": "twente",
                          "size": 12000, "main_place": "hengelo"}
SCHOOL_PATCH: dict[str, Any] = {"size": 12500}
COMPANY: dict[str, Any] = {"name": "Hotel De Broeierd", "kvk_number": "06012345",
                           "qualifications": ["25180"], "region": "twente"}
COMPANY_PATCH: dict[str, Any] = {"qualifications": ["25180", "25603"]}
ENVIRONMENT: dict[str, Any] = {"name": "Zorgleerhuis Enschede", "capacity": 12,
                               "region": "twente", "partner_ids": [1, 2]}
ENVIRONMENT_PATCH: dict[str, Any] = {"capacity": 14}
OFFER: dict[str, Any] = {"company_id": 1, "round_id": 1, "title": "Kok (BOL niveau 2-3)",
                         "levels": [2, 3], "pathways": ["BOL"], "qualifications": ["25180"],
                         "sector": "gastvrijheid", "region": "twente", "capacity": 2,
                         "start": "2027-02-01", "end": "2027-06-30", "status": "open"}
OFFER_PATCH: dict[str, Any] = {"capacity": 3, "status": "open"}
OFFERS_IMPORT: list[dict[str, Any]] = [
    {"company_id": 1, "title": "Kok", "levels": [2], "pathways": ["BOL"],
     "qualifications": ["25180"], "sector": "gastvrijheid", "region": "twente",
     "capacity": 2, "status": "open"}]
STUDENT: dict[str, Any] = {"school_id": 1, "student_number": "s-1024", "level": 2,
                           "pathways": ["BOL"], "qualification": "25180",
                           "sector": "gastvrijheid", "regions": ["twente"],
                           "max_travel_km": 25.0}
STUDENT_PATCH: dict[str, Any] = {"regions": ["twente", "salland"]}
STUDENTS_IMPORT: list[dict[str, Any]] = [
    {"school_id": 1, "student_number": "s-1025", "level": 3, "pathways": ["BBL"],
     "sector": "gastvrijheid", "regions": ["twente"]}]
ROUND: dict[str, Any] = {"name": "BPV voorjaar 2027", "respond_by": "2027-01-15T12:00:00Z",
                         "no_response": "decline"}
ROUND_PATCH: dict[str, Any] = {"respond_by": "2027-01-22T12:00:00Z"}
ROUND_DOCUMENT: dict[str, Any] = {
    "format": "leerplek-round/1", "round": {"id": "twente-2027-voorjaar",
                                            "name": "BPV voorjaar 2027"},
    "policy": {"objective": "optimal", "max_preferences": 10},
    "environments": [],
    "offers": [{"id": "of-1", "company_id": "kvk-06012345", "title": "Kok", "levels": [2],
                "pathways": ["BOL"], "qualifications": ["25180"], "sector": "gastvrijheid",
                "region": "twente", "capacity": 2}],
    "students": [{"id": "s-1024", "school_id": "rocvt", "level": 2, "pathways": ["BOL"],
                  "qualification": "25180", "sector": "gastvrijheid", "regions": ["twente"],
                  "preferences": ["of-1"]}]}
PREFERENCES: dict[str, Any] = {"offers": [12, 7, 31]}
SIMULATE: dict[str, Any] = {"name": "10% meer zorgplekken",
                            "scale": [{"sector": "zorg-welzijn", "factor": 1.1}]}
ANSWER: dict[str, Any] = {"reason": "telefonisch bevestigd door de student"}
TOKEN: dict[str, Any] = {"role": "company", "scope": "company:1",
                         "expires_at": "2027-12-31T23:00:00Z"}
WEBHOOK: dict[str, Any] = {"url": "https://hr.example.nl/leerplek/events",
                           "description": "ons sollicitatiesysteem",
                           "events": ["proposal.created", "assignment.accepted",
                                      "assignment.declined"]}
WEBHOOK_PATCH: dict[str, Any] = {"active": True}
AGREEMENT: dict[str, Any] = {"title": "+200 BBL-plaatsen bouw Twente 2027", "region": "twente",
                             "sector": "techniek", "pathway": "BBL",
                             "school_year": "2026-2027", "target": 200}
POK_COMPANY_PART: dict[str, Any] = {
    "leerbedrijf_sbb_code": "100234567", "leerbedrijf_adres": "Stationsstraat 1",
    "leerbedrijf_postcode": "7511 AB", "leerbedrijf_plaats": "Enschede",
    "uren_per_week": 32, "dagen_per_week": 4}
