"""The whole loop through HTTP: a round from creation to a follow-up that places a student
who declined."""

from __future__ import annotations

from flask.testing import FlaskClient

from .conftest import Factory, assert_problem


def test_round_lifecycle_with_a_declined_placement_and_a_follow_up(client: FlaskClient,
                                                                   make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "BPV voorjaar", "seed": 7},
                      headers=staff).get_json()["id"]

    # Companies post their offers into the round.
    offers = {}
    for name in ("A", "B", "C"):
        company = make.company()
        response = client.post(
            "/api/v1/offers", headers=make.token("company", f"company:{company}"),
            json={"title": f"Leerplaats {name}", "round_id": rid, "levels": [2],
                  "pathways": ["BOL"], "qualifications": ["25180"], "sector": "gastvrijheid",
                  "region": "twente", "capacity": 1, "status": "open"})
        assert response.status_code == 201, response.get_json()
        offers[name] = response.get_json()["id"]

    # Students submit their lists while the round is open.
    s1, s2 = make.student(school), make.student(school)
    t1, t2 = (make.token("student", f"student:{s}") for s in (s1, s2))
    assert client.post(f"/api/v1/rounds/{rid}/open", headers=staff).status_code == 200
    for sid, token, ranked in ((s1, t1, ["A", "C"]), (s2, t2, ["B"])):
        response = client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", headers=token,
                              json={"offers": [offers[x] for x in ranked]})
        assert response.status_code == 200

    # Close, allocate, publish.
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff)
    job = client.post(f"/api/v1/rounds/{rid}/allocate", headers=staff).get_json()
    assert job["status"] == "finished", job
    report = client.get(f"/api/v1/rounds/{rid}/report", headers=staff).get_json()
    assert report["stats"]["placed"] == 2 and report["stats"]["rank_profile"][0] == 2
    assert client.post(f"/api/v1/rounds/{rid}/publish", headers=staff).status_code == 200

    # s1 declines A, s2 accepts B; a follow-up waits for every answer first.
    [mine] = client.get("/api/v1/assignments", headers=t1).get_json()
    assert mine["offer_id"] == offers["A"]
    client.post(f"/api/v1/assignments/{mine['id']}/decline", headers=t1)
    assert_problem(client.post(f"/api/v1/rounds/{rid}/follow-up", headers=staff), 409)
    [theirs] = client.get("/api/v1/assignments", headers=t2).get_json()
    client.post(f"/api/v1/assignments/{theirs['id']}/accept", headers=t2)

    nxt = client.post(f"/api/v1/rounds/{rid}/follow-up", headers=staff)
    assert nxt.status_code == 201
    nid = nxt.get_json()["id"]
    assert client.get(f"/api/v1/rounds/{rid}", headers=staff).get_json()["status"] == "finished"

    # The follow-up keeps s2's seat pinned and places s1 at the next offer on the list.
    client.post(f"/api/v1/rounds/{nid}/close", headers=staff)
    job = client.post(f"/api/v1/rounds/{nid}/allocate", headers=staff).get_json()
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=staff).get_json()["status"] == \
        "finished"
    report = client.get(f"/api/v1/rounds/{nid}/report", headers=staff).get_json()
    assert report["stats"]["pinned"] == 1 and report["stats"]["placed"] == 2
    rows = client.get(f"/api/v1/rounds/{nid}/assignments", headers=staff).get_json()
    placed = {a["student_id"]: (a["offer_id"], a["pinned"], a["status"]) for a in rows}
    assert placed == {s1: (offers["C"], False, "proposed"),
                      s2: (offers["B"], True, "accepted")}
