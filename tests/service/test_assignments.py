"""After publishing: each party sees its own placement and accepts or declines it."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

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


def test_staff_do_not_answer_for_the_parties(client: FlaskClient, make: Factory) -> None:
    a = _published(client, make)
    assert_problem(client.post(f"/api/v1/assignments/{a['id']}/accept", headers=a["staff"]),
                   403)


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


def _follow_up_with_two_accepted(client: FlaskClient, make: Factory) -> dict[str, Any]:
    """An offer of 3 seats whose round was published, two students accepting, followed up."""
    r = _published(client, make, students=2, capacity=3)
    for me in r["students"]:
        [row] = client.get("/api/v1/assignments", headers=me).get_json()
        assert client.post(f"/api/v1/assignments/{row['id']}/accept",
                           headers=me).status_code == 200
    response = client.post(f"{r['url']}/follow-up", headers=r["staff"])
    assert response.status_code == 201, response.get_json()
    return r


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
