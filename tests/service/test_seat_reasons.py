"""Why a listed place had no seat left for an unplaced student, as the coordinator reads it:
the offer was full, its remaining seats were reserved for students with priority, or its
hybrid learning environment (not the offer) was full (issue 12, item 7)."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from service.models import Environment

from .conftest import Factory
from .test_dashboard import coordinator, sign_in, unplaced_row


def _contest(client: FlaskClient, make: Factory, offer: dict[str, Any],
             priority: tuple[bool, ...]) -> tuple[dict[str, Any], int, list[int], int]:
    """An open round with one offer and students (with the given priority) who all list it
    alone: the staff, the round, the students and the offer."""
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "Krap"},
                      headers=staff["h"]).get_json()["id"]
    only = make.offer(title="Enige plek", round_id=rid, **offer)
    students = [make.student(staff["school"], priority=p) for p in priority]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff["h"])
    for sid in students:
        listed = client.put(f"/api/v1/rounds/{rid}/preferences/{sid}",
                            json={"offers": [only]}, headers=staff["h"])
        assert listed.status_code == 200, listed.get_json()
    return staff, rid, students, only


def _allocate(client: FlaskClient, staff: dict[str, Any], rid: int) -> None:
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff["h"])
    token = sign_in(client, staff["h"])
    client.post(f"/dashboard/rounds/{rid}/allocate", data={"csrf_token": token})


def _loser(client: FlaskClient, rid: int, staff: dict[str, Any], students: list[int]) -> int:
    placed = {a["student_id"] for a in client.get(f"/api/v1/rounds/{rid}/assignments",
                                                  headers=staff["h"]).get_json()}
    [loser] = set(students) - placed
    return loser


def _row(client: FlaskClient, rid: int, student: int) -> str:
    html = client.get(f"/dashboard/rounds/{rid}/results?reason=outcompeted"
                      ).get_data(as_text=True)
    row = re.search(rf'<tr data-student="{student}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, html
    return row.group(1)


def _lost_item(row: str, offer: int) -> str:
    found = re.search(rf'<li class="lost" data-offer="{offer}">(.*?)</li>', row, re.S)
    assert found, row
    return found.group(1)


def test_a_full_offer_reads_full(client: FlaskClient, make: Factory) -> None:
    staff, rid, students, only = _contest(client, make, {"capacity": 1}, (True, False))
    row = unplaced_row(client, staff, rid, students[1], "outcompeted")
    assert _lost_item(row, only).endswith("</span>: vol")


def test_reserved_seats_read_reserved_for_students_with_priority(
        client: FlaskClient, make: Factory) -> None:
    # Two seats, one kept for priority; two students without priority: one takes the open
    # seat, the other finds only the reserved one free.
    staff, rid, students, only = _contest(
        client, make, {"capacity": 2, "reserved_priority": 1}, (False, False))
    _allocate(client, staff, rid)
    row = _row(client, rid, _loser(client, rid, staff, students))
    assert "de overige plaatsen zijn gereserveerd voor studenten met voorrang" in _lost_item(
        row, only)


def test_a_full_environment_reads_the_learning_environment_was_full(
        client: FlaskClient, make: Factory) -> None:
    # The offer has two seats, but its hybrid learning environment takes one student.
    env = make._add(Environment(name="House of Skills", capacity=1, region="twente"))
    staff, rid, students, only = _contest(
        client, make, {"capacity": 2, "environment_id": env}, (True, False))
    row = unplaced_row(client, staff, rid, students[1], "outcompeted")
    item = _lost_item(row, only)
    assert "de hybride leeromgeving was vol" in item and ": vol" not in item


def test_the_student_page_says_why_and_which_seat_was_taken(
        client: FlaskClient, make: Factory) -> None:
    staff, rid, students, only = _contest(client, make, {"capacity": 1}, (True, False))
    unplaced_row(client, staff, rid, students[1], "outcompeted")
    sign_in(client, staff["h"])
    html = client.get(f"/dashboard/students/{students[1]}").get_data(as_text=True)
    section = html[html.index(f'id="round-{rid}"'):]
    assert "De plekken op de lijst van de student hadden geen plaats meer" in section
    entry = re.search(rf'<tr data-offer="{only}">(.*?)</tr>', section, re.S)
    assert entry and "maar geen plaats meer: vol" in entry.group(1)
