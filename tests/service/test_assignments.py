"""After publishing: each party sees its own placement and accepts or declines it."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.identity.principals import Principal
from service.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Offer,
    Preference,
    Role,
    Round,
    RoundStatus,
)
from service.seeding import seed_reference
from service.web.staff.analysis import fill_rates, round_rows

from .conftest import Factory, assert_problem


def _published(client: FlaskClient, make: Factory, pathway: str = "BOL",
               publish: bool = True, students: int = 1, capacity: int = 2) -> dict[str, Any]:
    """A school round with one offer, allocated (and published): each student ranks the
    offer; ``id`` and ``me`` are the first student's assignment and token."""
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    company = make.company()
    offer = make.offer(company, round_id=rid, pathways=[pathway], capacity=capacity)
    ids = [make.student(school, pathways=[pathway]) for _ in range(students)]
    tokens = [make.token("student", f"student:{sid}") for sid in ids]
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    for sid, me in zip(ids, tokens, strict=True):
        client.put(f"{url}/preferences/{sid}", json={"offers": [offer]}, headers=me)
    client.post(f"{url}/close", headers=staff)
    client.post(f"{url}/allocate", headers=staff)
    if publish:
        client.post(f"{url}/publish", headers=staff)
    rows = client.get(f"{url}/assignments", headers=staff).get_json()
    return {"id": rows[0]["id"], "me": tokens[0], "students": tokens, "staff": staff,
            "url": url, "offer": offer,
            "company": make.token("company", f"company:{company}")}


def test_parties_see_their_placement_only_after_publishing(client: FlaskClient,
                                                           make: Factory) -> None:
    hidden = _published(client, make, publish=False)
    assert client.get("/api/v1/assignments", headers=hidden["me"]).get_json() == []
    assert_problem(client.get(f"/api/v1/assignments/{hidden['id']}", headers=hidden["me"]),
                   404)
    shown = _published(client, make)
    assert [a["id"] for a in client.get("/api/v1/assignments",
                                        headers=shown["me"]).get_json()] == [shown["id"]]
    assert [a["id"] for a in client.get("/api/v1/assignments",
                                        headers=shown["company"]).get_json()] == [shown["id"]]


def test_another_student_cannot_see_or_answer(client: FlaskClient, make: Factory) -> None:
    a = _published(client, make)
    other = make.token("student", f"student:{make.student()}")
    assert_problem(client.post(f"/api/v1/assignments/{a['id']}/accept", headers=other), 404)


def test_a_bol_placement_is_settled_by_the_student(client: FlaskClient, make: Factory) -> None:
    a = _published(client, make)
    response = client.post(f"/api/v1/assignments/{a['id']}/accept", headers=a["me"])
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"


def test_a_bbl_placement_needs_the_company_too(client: FlaskClient, make: Factory) -> None:
    a = _published(client, make, pathway="BBL")
    first = client.post(f"/api/v1/assignments/{a['id']}/accept", headers=a["me"])
    assert first.get_json()["status"] == "proposed"
    second = client.post(f"/api/v1/assignments/{a['id']}/accept", headers=a["company"])
    assert second.get_json()["status"] == "accepted"


def test_a_decline_settles_and_cannot_be_answered_again(client: FlaskClient,
                                                        make: Factory) -> None:
    a = _published(client, make)
    declined = client.post(f"/api/v1/assignments/{a['id']}/decline", headers=a["company"])
    assert declined.get_json()["status"] == "declined"
    assert_problem(client.post(f"/api/v1/assignments/{a['id']}/accept", headers=a["me"]), 409)


def test_coordinators_download_assignments_as_csv(client: FlaskClient, make: Factory) -> None:
    a = _published(client, make)
    rows = client.get("/api/v1/assignments", headers=a["me"]).get_json()
    rid = rows[0]["round_id"]
    response = client.get(f"/api/v1/rounds/{rid}/assignments",
                          headers={**a["staff"], "Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("assignment_id,student_id,student_number")
    assert len(lines) == 2 and lines[1].split(",")[0] == str(a["id"])


def test_the_csv_names_school_company_place_region_and_sector_in_numeric_order(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    with app.app_context(), db.transaction() as session:
        seed_reference(session)
    school = make.school(name="ROC Oost")
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    offer = make.offer(make.company(name="Hotel De Kroon"), round_id=rid, capacity=3,
                       location={"lat": 52.22, "lon": 6.89})  # Enschede
    numbers = ["100", "9", "10"]  # as text they would sort 10, 100, 9
    ids = [make.student(school, student_number=n, pathways=["BOL", "BBL"]) for n in numbers]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    for sid in ids:
        client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", json={"offers": [offer]},
                   headers=staff)
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff)
    client.post(f"/api/v1/rounds/{rid}/allocate", headers=staff)
    response = client.get(f"/api/v1/rounds/{rid}/assignments",
                          headers={**staff, "Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["student_number"] for r in rows] == ["9", "10", "100"]
    assert {(r["school"], r["company"], r["place"], r["region"], r["sector"], r["level"],
             r["pathway"], r["rank"]) for r in rows} == {
        ("ROC Oost", "Hotel De Kroon", "Enschede", "Twente", "Voedsel en gastvrijheid", "2",
         "BOL", "1")}


def test_the_csv_shows_the_stored_rank_of_a_kept_placement(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _follow_up_with_two_accepted(client, make)
    with app.app_context(), db.transaction() as session:
        kept = session.scalars(select(Assignment).where(Assignment.round_id == r["next"],
                                                        Assignment.pinned)).all()
        for a in kept:
            a.rank = 1  # the rank from the round that made it, when the data has it
    response = client.get(f"/api/v1/rounds/{r['next']}/assignments",
                          headers={**r["staff"], "Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2 and {(x["pinned"], x["rank"]) for x in rows} == {("true", "1")}


def _follow_up_with_two_accepted(client: FlaskClient, make: Factory) -> dict[str, Any]:
    """An offer of 3 seats whose round was published, two students accepting, followed up."""
    r = _published(client, make, students=2, capacity=3)
    for me in r["students"]:
        [row] = client.get("/api/v1/assignments", headers=me).get_json()
        assert client.post(f"/api/v1/assignments/{row['id']}/accept",
                           headers=me).status_code == 200
    response = client.post(f"{r['url']}/follow-up", headers=r["staff"])
    assert response.status_code == 201, response.get_json()
    return {**r, "next": response.get_json()["id"]}


def test_a_capacity_change_after_a_follow_up_counts_the_seats_once(client: FlaskClient,
                                                                   make: Factory) -> None:
    # The follow-up carries both acceptances along as pinned copies: 2 seats taken, not 4.
    f = _follow_up_with_two_accepted(client, make)
    response = client.patch(f"/api/v1/offers/{f['offer']}", json={"capacity": 3},
                            headers=f["company"])
    assert response.status_code == 200, response.get_json()
    response = client.patch(f"/api/v1/offers/{f['offer']}", json={"capacity": 2},
                            headers=f["company"])
    assert response.status_code == 200, response.get_json()


def test_a_capacity_below_the_rounds_taken_seats_is_409(client: FlaskClient,
                                                        make: Factory) -> None:
    f = _follow_up_with_two_accepted(client, make)
    assert_problem(client.patch(f"/api/v1/offers/{f['offer']}", json={"capacity": 1},
                                headers=f["company"]), 409, "capacity")


def test_kept_placements_keep_their_rank_in_the_follow_up(client: FlaskClient,
                                                          make: Factory) -> None:
    f = _follow_up_with_two_accepted(client, make)
    [nxt] = [r for r in client.get("/api/v1/rounds", headers=f["staff"]).get_json()
             if r["status"] == "open"]
    url = f"/api/v1/rounds/{nxt['id']}"
    client.post(f"{url}/close", headers=f["staff"])
    assert client.post(f"{url}/allocate", headers=f["staff"]).status_code == 202
    stats = client.get(f"{url}/report", headers=f["staff"]).get_json()["stats"]
    # Both were placed at their first choice in the first round: kept at rank 1, not 11.
    assert stats["pinned"] == 2 and stats["rank_profile"][0] == 2
    assert stats["mean_rank"] == 1.0
    rows = client.get(f"{url}/assignments", headers=f["staff"]).get_json()
    assert [(r["rank"], r["pinned"]) for r in rows] == [(1, True), (1, True)]


def test_a_finished_rounds_offers_and_seats_stay_after_its_follow_up(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    f = _follow_up_with_two_accepted(client, make)
    assert client.patch(f"/api/v1/offers/{f['offer']}", json={"capacity": 5},
                        headers=f["company"]).status_code == 200
    with app.app_context():
        rows = {r.round.status: r for r in round_rows(db.session, Principal(Role.ADMIN, ""))}
        first = rows["finished"].round
        fill = fill_rates(db.session, first)
    assert (rows["finished"].offers, rows["finished"].capacity) == (1, 3)
    assert (rows["open"].offers, rows["open"].capacity) == (1, 5)
    assert fill[2][("twente", "gastvrijheid")] == (2, 3)


def test_counting_the_seats_taken_reads_the_offers_index_not_the_round() -> None:
    """Each accept counts the seats taken at its offer (and environment). The count must
    look up the offers' assignments by ``ix_assignments_offer_round``: a plan that starts
    from the round's assignments reads all of them (56,000 in a province round) at every
    accept. Checked on SQLite without statistics, as the demo runs it."""
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.orm import Session

    from service.directory.offers import seats_taken
    from service.models import Base, Offer

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with Session(engine) as session:
        for where in (Offer.id == 1, Offer.environment_id == 1):
            seen.clear()
            assert seats_taken(session, 1, where) == 0
            (sql,) = seen
            plan = " / ".join(row[-1] for row in session.execute(
                text("EXPLAIN QUERY PLAN " + sql.replace("?", "1"))))
            assert "ix_assignments_offer_round (offer_id=? AND round_id=? AND status=?)" in (
                plan), plan
            assert "ix_assignments_round_id" not in plan, plan
    engine.dispose()


def test_a_follow_up_carries_the_lists_of_the_unplaced_without_what_they_declined(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    """The follow-up, set by set: accepted placements pinned at their rank, the offers moved
    on, the others' lists carried without the offer each declined and ranked 1, 2, …
    again, the counts in the audit event."""
    staff = make.admin()
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    a, b, c = (make.offer(round_id=rid) for _ in range(3))
    kept, declining, unplaced = (make.student() for _ in range(3))
    with app.app_context(), db.transaction() as session:
        session.add_all([Preference(round_id=rid, student_id=s, offer_id=o, rank=i + 1)
                         for s, offers in ((kept, [b, a]), (declining, [a, b, c]),
                                           (unplaced, [c, a]))
                         for i, o in enumerate(offers)])
        session.add_all([
            Assignment(round_id=rid, student_id=kept, offer_id=a, rank=2,
                       status=AssignmentStatus.ACCEPTED.value),
            Assignment(round_id=rid, student_id=declining, offer_id=b, rank=2,
                       status=AssignmentStatus.DECLINED.value)])
        session.get_one(Round, rid).status = RoundStatus.PUBLISHED.value
    response = client.post(f"/api/v1/rounds/{rid}/follow-up", headers=staff)
    assert response.status_code == 201, response.get_json()
    nid = response.get_json()["id"]
    with app.app_context():
        lists = db.session.execute(select(Preference.student_id, Preference.offer_id,
                                          Preference.rank)
                                   .where(Preference.round_id == nid)
                                   .order_by(Preference.student_id, Preference.rank)).all()
        placed = db.session.execute(select(Assignment.student_id, Assignment.offer_id,
                                           Assignment.rank, Assignment.pinned,
                                           Assignment.status)
                                    .where(Assignment.round_id == nid)).all()
        moved = set(db.session.scalars(select(Offer.id).where(Offer.round_id == nid)))
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "round.create", AuditEvent.entity_id == nid)).one()
    assert [tuple(row) for row in lists] == [(declining, a, 1), (declining, c, 2),
                                             (unplaced, c, 1), (unplaced, a, 2)]
    assert [tuple(row) for row in placed] == [(kept, a, 2, True, "accepted")]
    assert moved == {a, b, c}
    assert event.after is not None
    assert (event.after["pinned"], event.after["carried_lists"]) == (1, 2)
