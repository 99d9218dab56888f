"""A student's ranks in a round are 1, 2, … n, whichever path wrote the list.

No index holds ``preferences.rank`` (migration 0019: a reordered list is then a heap-only
update on PostgreSQL), so no unique constraint catches a repeated rank: each path that
writes lists must number them by position itself. One test per path, and one that keeps
the rank out of every index.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from service.extensions import db
from service.models import Preference

from .conftest import Factory
from .test_imports import small_round


def stored_lists(app: Flask, round_id: int) -> dict[int, list[tuple[int, int]]]:
    """Each student's rows in the round as (rank, offer), in rank order."""
    lists: dict[int, list[tuple[int, int]]] = defaultdict(list)
    with app.app_context():
        for student, rank, offer in db.session.execute(
                select(Preference.student_id, Preference.rank, Preference.offer_id)
                .where(Preference.round_id == round_id)
                .order_by(Preference.student_id, Preference.rank)):
            lists[student].append((rank, offer))
    return dict(lists)


def assert_numbered(lists: dict[int, list[tuple[int, int]]]) -> None:
    for student, rows in lists.items():
        assert [rank for rank, _ in rows] == list(range(1, len(rows) + 1)), (student, rows)


def test_every_replaced_list_is_numbered_from_one(client: FlaskClient, make: Factory,
                                                  app: Flask) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "BPV", "max_preferences": 6},
                      headers=staff).get_json()["id"]
    a, b, c, d, e, f = (make.offer(round_id=rid) for _ in range(6))
    student = make.student(school)
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    url = f"/api/v1/rounds/{rid}/preferences/{student}"
    # Swaps, a reversal, a rotation, shorter and longer lists, new offers among kept ones,
    # an empty list and one after it: each moves ranks through another row's rank.
    for offers in ([a, b, c, d], [b, a, d, c], [d, c, b, a], [c, b, a, d], [a, e],
                   [e, a, b, c, d, f], [f, e, d, c, b, a], [], [c, a]):
        response = client.put(url, json={"offers": offers}, headers=staff)
        assert response.status_code == 200, response.get_json()
        stored = stored_lists(app, rid).get(student, [])
        assert stored == list(enumerate(offers, 1))


def test_an_imported_round_numbers_every_list_from_one(client: FlaskClient, make: Factory,
                                                       app: Flask) -> None:
    doc = small_round(40, seed=11)
    body = client.post("/api/v1/rounds/import", json=doc, headers=make.admin()).get_json()
    lists = stored_lists(app, body["round"]["id"])
    assert sum(len(rows) for rows in lists.values()) == body["preferences"] > 0
    assert_numbered(lists)


def test_a_follow_up_numbers_the_carried_lists_again(client: FlaskClient, make: Factory,
                                                     app: Flask) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "BPV"}, headers=staff).get_json()["id"]
    a, b, c = (make.offer(round_id=rid, capacity=1) for _ in range(3))
    student = make.student(school)
    me = make.token("student", f"student:{student}")
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    client.put(f"/api/v1/rounds/{rid}/preferences/{student}", headers=me,
               json={"offers": [a, b, c]})
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff)
    job: dict[str, Any] = client.post(f"/api/v1/rounds/{rid}/allocate",
                                      headers=staff).get_json()
    assert job["status"] == "finished", job
    client.post(f"/api/v1/rounds/{rid}/publish", headers=staff)
    [placed] = client.get("/api/v1/assignments", headers=me).get_json()
    assert placed["offer_id"] == a
    client.post(f"/api/v1/assignments/{placed['id']}/decline", headers=me)
    response = client.post(f"/api/v1/rounds/{rid}/follow-up", headers=staff)
    assert response.status_code == 201, response.get_json()
    # The declined first choice leaves the list; the rest move up, without a gap.
    assert stored_lists(app, response.get_json()["id"]) == {student: [(1, b), (2, c)]}


def test_no_index_holds_a_rank(app: Flask) -> None:
    """A moved rank is a heap-only update only while no index holds the column."""
    with app.app_context():
        found = inspect(db.engine)
        indexed = [*found.get_indexes("preferences"),
                   *found.get_unique_constraints("preferences"),
                   found.get_pk_constraint("preferences")]
    assert indexed and not [i for i in indexed if "rank" in (i.get("column_names") or [])]
