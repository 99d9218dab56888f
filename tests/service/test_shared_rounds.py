"""Shared rounds (a region's, the province's) seen and acted on by the coordinators of the
students taking part, restricted to those students next to the round's totals."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from .conftest import Factory, assert_problem
from .test_dashboard import sign_in


def _province_round(client: FlaskClient, make: Factory, region: str | None = None,
                    publish: bool = True) -> dict[str, Any]:
    """An admin's round (province-wide, or ``region``'s) with students of two schools: school A
    has ``mine`` (placed) and ``mine_unplaced`` (ranks nothing), school B has ``theirs``.
    A's coordinator submits the list of their own student."""
    admin = make.admin()
    a, b = make.school(), make.school()
    staff_a = make.token("coordinator", f"school:{a}")
    body = {"name": "Provincie"} | ({"region": region} if region else {})
    rid = client.post("/api/v1/rounds", json=body, headers=admin).get_json()["id"]
    offer = make.offer(round_id=rid, capacity=5)
    mine, mine_unplaced, theirs = make.student(a), make.student(a), make.student(b)
    url = f"/api/v1/rounds/{rid}"
    assert client.post(f"{url}/open", headers=admin).status_code == 200
    submitted = client.put(f"{url}/preferences/{mine}", json={"offers": [offer]},
                           headers=staff_a)
    assert submitted.status_code == 200, submitted.get_json()
    assert client.put(f"{url}/preferences/{theirs}", json={"offers": [offer]},
                      headers=admin).status_code == 200
    client.post(f"{url}/close", headers=admin)
    assert client.post(f"{url}/allocate", headers=admin).status_code == 202
    if publish:
        assert client.post(f"{url}/publish", headers=admin).status_code == 200
    return {"id": rid, "url": url, "admin": admin, "staff_a": staff_a, "mine": mine,
            "mine_unplaced": mine_unplaced, "theirs": theirs, "school_a": a, "offer": offer}


def test_a_school_coordinator_lists_the_province_round_of_their_students(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    rounds = client.get("/api/v1/rounds", headers=r["staff_a"]).get_json()
    assert [x["id"] for x in rounds] == [r["id"]]
    assert client.get(r["url"], headers=r["staff_a"]).status_code == 200


def test_a_coordinator_without_students_in_a_round_does_not_see_it(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    elsewhere = make.token("coordinator", f"school:{make.school()}")
    assert client.get("/api/v1/rounds", headers=elsewhere).get_json() == []
    assert_problem(client.get(r["url"], headers=elsewhere), 404)


def test_a_region_coordinator_sees_the_province_round(client: FlaskClient,
                                                       make: Factory) -> None:
    r = _province_round(client, make)
    regional = make.token("coordinator", "region:twente")
    assert [x["id"] for x in client.get("/api/v1/rounds", headers=regional).get_json()] == [
        r["id"]]
    away = make.token("coordinator", "region:achterhoek")
    assert client.get("/api/v1/rounds", headers=away).get_json() == []


def test_shared_round_assignments_are_the_coordinators_students_only(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    everyone = client.get(f"{r['url']}/assignments", headers=r["admin"]).get_json()
    assert {a["student_id"] for a in everyone} == {r["mine"], r["theirs"]}
    mine = client.get(f"{r['url']}/assignments", headers=r["staff_a"]).get_json()
    assert [a["student_id"] for a in mine] == [r["mine"]]
    listed = client.get("/api/v1/assignments", headers=r["staff_a"]).get_json()
    assert [a["student_id"] for a in listed] == [r["mine"]]
    theirs = next(a["id"] for a in everyone if a["student_id"] == r["theirs"])
    assert_problem(client.get(f"/api/v1/assignments/{theirs}", headers=r["staff_a"]), 404)


def test_shared_round_csv_holds_the_coordinators_students_only(client: FlaskClient,
                                                               make: Factory) -> None:
    r = _province_round(client, make)
    response = client.get(f"{r['url']}/assignments",
                          headers={**r["staff_a"], "Accept": "text/csv"})
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 2 and lines[1].split(",")[1] == str(r["mine"])


def test_shared_round_report_has_totals_and_the_coordinators_figures(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    report = client.get(f"{r['url']}/report", headers=r["staff_a"]).get_json()
    assert report["stats"]["students"] == 3 and report["stats"]["placed"] == 2
    assert [int(u["student_id"]) for u in report["unassigned"]] == [r["mine_unplaced"]]
    assert report["scope"]["students"] == 2 and report["scope"]["placed"] == 1
    assert report["scope"]["rank_profile"][0] == 1 and report["scope"]["mean_rank"] == 1.0
    full = client.get(f"{r['url']}/report", headers=r["admin"]).get_json()
    assert len(full["unassigned"]) == 1 and "scope" not in full


def test_a_coordinator_sees_a_shared_round_but_does_not_run_it(client: FlaskClient,
                                                                make: Factory) -> None:
    r = _province_round(client, make, publish=False)
    assert_problem(client.post(f"{r['url']}/publish", headers=r["staff_a"]), 403)
    assert_problem(client.patch(r["url"], json={"name": "x"}, headers=r["staff_a"]), 403)
    assert_problem(client.post(f"{r['url']}/allocate", headers=r["staff_a"]), 403)
    assert_problem(client.get(f"{r['url']}/export", headers=r["staff_a"]), 403)


def test_a_school_coordinator_submits_a_list_in_a_region_round(client: FlaskClient,
                                                                make: Factory) -> None:
    r = _province_round(client, make, region="twente")
    rows = client.get(f"{r['url']}/assignments", headers=r["staff_a"]).get_json()
    assert [a["student_id"] for a in rows] == [r["mine"]]


def test_the_dashboard_lists_the_shared_round(client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    sign_in(client, r["staff_a"])
    page = client.get("/dashboard/rounds").get_data(as_text=True)
    assert "Provincie" in page and "Nog geen rondes" not in page


def test_the_dashboard_results_show_the_coordinators_students_beside_the_totals(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    sign_in(client, r["staff_a"])
    page = client.get(f"/dashboard/rounds/{r['id']}/results").get_data(as_text=True)
    assert 'id="kpi-scope-placed" data-value="1"' in page and "1 van 2" in page
    assert 'id="kpi-placed" data-value="2"' in page


def _answer_both(client: FlaskClient, r: dict[str, Any]) -> dict[int, int]:
    """The admin accepts both placements on the students' behalf; assignment id per student."""
    rows = client.get(f"{r['url']}/assignments", headers=r["admin"]).get_json()
    ids = {a["student_id"]: a["id"] for a in rows}
    for aid in ids.values():
        answered = client.post(f"/api/v1/assignments/{aid}/accept",
                               json={"reason": "telefonisch bevestigd"}, headers=r["admin"])
        assert answered.status_code == 200, answered.get_json()
    return ids


def _audit(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", headers=headers, query_string={"page_size": 100})
    assert response.status_code == 200, response.get_json()
    rows: list[dict[str, Any]] = response.get_json()
    return rows


def test_the_audit_log_shows_a_coordinator_the_shared_rounds_steps(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    seen = {(e["action"], e["round_id"]) for e in _audit(client, r["staff_a"])
            if e["entity_type"] == "round"}
    assert {("round.open", r["id"]), ("round.allocate", r["id"]),
            ("round.publish", r["id"])} <= seen


def test_the_audit_log_shows_answers_of_the_coordinators_students_only(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    ids = _answer_both(client, r)
    answered = {e["entity_id"] for e in _audit(client, r["staff_a"])
                if e["action"] == "assignment.accept"}
    assert answered == {ids[r["mine"]]}
    everyone = {e["entity_id"] for e in _audit(client, r["admin"])
                if e["action"] == "assignment.accept"}
    assert everyone == set(ids.values())


def test_the_audit_log_of_a_shared_round_stays_hidden_from_others(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    _answer_both(client, r)
    elsewhere = make.token("coordinator", f"school:{make.school()}")
    assert [e for e in _audit(client, elsewhere) if e["round_id"] == r["id"]] == []


def test_the_dashboard_charts_show_the_coordinators_students_beside_the_round(
        client: FlaskClient, make: Factory) -> None:
    r = _province_round(client, make)
    sign_in(client, r["staff_a"])
    page = client.get(f"/dashboard/rounds/{r['id']}/results").get_data(as_text=True)
    # A second series ("uw studenten") beside the whole round's, and heat tables of the
    # seats the coordinator's own students took: one of the offer's five.
    assert "uw studenten" in page and "hele ronde" in page
    assert 'id="fill-mine-' in page
    mine_table = page[page.index('id="fill-mine-'):]
    assert 'data-filled="1" data-capacity="5"' in mine_table.split("</table>")[0]
    whole_table = page[page.index('id="fill-'):]
    assert 'data-filled="2" data-capacity="5"' in whole_table.split("</table>")[0]


def test_the_dashboard_charts_of_a_round_of_ones_own_stay_single(
        client: FlaskClient, make: Factory) -> None:
    # The admin sees the whole round only: nothing is "theirs" beside it.
    r = _province_round(client, make)
    sign_in(client, r["admin"])
    page = client.get(f"/dashboard/rounds/{r['id']}/results").get_data(as_text=True)
    assert 'id="fill-mine-' not in page and "uw studenten" not in page
