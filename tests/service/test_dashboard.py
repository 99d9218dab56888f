"""The coordinators' dashboard: sign-in, CSRF, the round pages and the numbers they show."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
import zipfile
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from service.config import instance_secret_key
from service.extensions import db
from service.identity.principals import hash_token
from service.identity.signin import SESSION_TOKEN
from service.models import ApiToken, Job, Scenario, Student

from .conftest import Factory, sign_in_web

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: FlaskClient, path: str = "/dashboard/rounds") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def raw(headers: dict[str, str]) -> str:
    return headers["Authorization"].split()[1]


def sign_in(client: FlaskClient, headers: dict[str, str]) -> str:
    """A session holding the hash of the token in ``headers`` (the identity path's session
    format; people get theirs from a sign-in link, tests/service/test_signin.py), so revoking
    that token ends it; the session's CSRF token for later forms."""
    with client.session_transaction() as cookie:
        cookie[SESSION_TOKEN] = hash_token(raw(headers))
        cookie["csrf"] = secrets.token_urlsafe(16)
    return csrf(client, "/dashboard/rounds")


def seeded_round(client: FlaskClient, make: Factory, staff: dict[str, str]) -> dict[str, Any]:
    """A closed school round: two offers (one full, one free), three students, two lists.

    s1 and s2 both want the one-seat offer A in Twente; s2 is a priority student and wins it,
    s1 falls back to B 11 km away; s3 listed nothing and is left unplaced.
    """
    school = int(staff["school"])
    company = make.company(name="Hotel De Zon")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff["h"]).get_json()["id"]
    a = make.offer(company, title="Kok A", capacity=1, round_id=rid, lat=52.22, lon=6.89)
    b = make.offer(make.company(name="Bakkerij Noord"), title="Kok B", capacity=2,
                   round_id=rid, region="zwolle", lat=52.22 + 0.1, lon=6.89)
    s1 = make.student(school, regions=["twente", "zwolle"], lat=52.22, lon=6.89)
    s2 = make.student(school, priority=True, lat=52.22, lon=6.89)
    s3 = make.student(school)
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff["h"])
    for sid, prefs in ((s1, [a, b]), (s2, [a])):
        response = client.put(f"/api/v1/rounds/{rid}/preferences/{sid}",
                              json={"offers": prefs}, headers=staff["h"])
        assert response.status_code == 200, response.get_json()
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff["h"])
    return {"round": rid, "a": a, "b": b, "s1": s1, "s2": s2, "s3": s3, "school": school,
            "company": company}


def coordinator(make: Factory) -> dict[str, Any]:
    school = make.school()
    return {"school": school, "h": make.token("coordinator", f"school:{school}")}


def allocated(client: FlaskClient, make: Factory) -> tuple[dict[str, Any], str]:
    staff = coordinator(make)
    seed = seeded_round(client, make, staff)
    token = sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{seed['round']}/allocate",
                           data={"csrf_token": token})
    assert response.status_code == 302
    return seed, token


# Sign-in and who may enter ----------------------------------------------------------------

def test_a_page_without_a_session_sends_the_browser_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/dashboard/rounds")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_the_old_token_sign_in_page_leads_to_the_sign_in_for_people(client: FlaskClient
                                                                    ) -> None:
    response = client.get("/dashboard/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_a_coordinator_signs_in_and_sees_the_rounds_page(client: FlaskClient,
                                                         make: Factory) -> None:
    sign_in(client, coordinator(make)["h"])
    response = client.get("/dashboard/rounds")
    assert response.status_code == 200
    assert "Rondes" in response.get_data(as_text=True)


def test_a_coordinator_signs_in_through_a_link(client: FlaskClient, make: Factory) -> None:
    sign_in_web(client, "coordinator", f"school:{make.school()}")
    assert client.get("/dashboard/rounds").status_code == 200


def test_an_admin_token_signs_in(client: FlaskClient, make: Factory) -> None:
    sign_in(client, make.admin())
    assert client.get("/dashboard/offers").status_code == 200


def test_a_company_signed_in_by_link_does_not_enter_the_dashboard(client: FlaskClient,
                                                                  make: Factory) -> None:
    sign_in_web(client, "company", f"company:{make.company()}")
    response = client.get("/dashboard/rounds")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_a_student_signed_in_by_link_does_not_enter_the_dashboard(client: FlaskClient,
                                                                  make: Factory) -> None:
    sign_in_web(client, "student", f"student:{make.student()}")
    assert client.get("/dashboard/students").status_code == 302


def test_a_bearer_header_does_not_open_the_dashboard(client: FlaskClient,
                                                     make: Factory) -> None:
    response = client.get("/dashboard/rounds", headers=coordinator(make)["h"])
    assert response.status_code == 302


def token_id(app: Flask, headers: dict[str, str]) -> int:
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(
            ApiToken.token_hash == hash_token(raw(headers))))
        assert row is not None
        return row.id


def test_a_revoked_token_ends_its_dashboard_session(app: Flask, client: FlaskClient,
                                                    make: Factory) -> None:
    staff = coordinator(make)
    sign_in(client, staff["h"])
    revoked = client.post(f"/api/v1/tokens/{token_id(app, staff['h'])}/revoke",
                          headers=make.admin())
    assert revoked.status_code == 200, revoked.get_json()
    response = client.get("/dashboard/rounds")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_an_expired_token_ends_its_dashboard_session(app: Flask, client: FlaskClient,
                                                    make: Factory) -> None:
    staff = coordinator(make)
    sign_in(client, staff["h"])
    assert client.get("/dashboard/rounds").status_code == 200
    with app.app_context(), db.transaction() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id(app, staff["h"]))
                        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    response = client.get("/dashboard/rounds")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_a_dashboard_transition_is_audited_with_its_token(app: Flask, client: FlaskClient,
                                                          make: Factory) -> None:
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff["h"]).get_json()["id"]
    token = sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{rid}/open", data={"csrf_token": token})
    assert response.status_code == 302
    events = client.get(f"/api/v1/audit?action=round.open&round_id={rid}",
                        headers=make.admin()).get_json()
    assert len(events) == 1
    assert events[0]["actor_token_id"] == token_id(app, staff["h"])
    assert events[0]["actor_role"] == "coordinator"
    assert events[0]["actor_surface"] == "staff"


def test_a_dashboard_policy_change_is_audited_with_its_token(app: Flask, client: FlaskClient,
                                                             make: Factory) -> None:
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff["h"]).get_json()["id"]
    token = sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{rid}/edit",
                           data={"csrf_token": token, "name": "Najaar"})
    assert response.status_code == 302
    events = client.get(f"/api/v1/audit?action=round.update&round_id={rid}",
                        headers=make.admin()).get_json()
    assert [(e["actor_token_id"], e["actor_surface"]) for e in events] == [
        (token_id(app, staff["h"]), "staff")]


def test_sign_out_ends_the_session(client: FlaskClient, make: Factory) -> None:
    token = sign_in(client, coordinator(make)["h"])
    assert client.post("/dashboard/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard/rounds").status_code == 302


def test_the_progress_json_answers_401_without_a_session(client: FlaskClient) -> None:
    response = client.get("/dashboard/rounds/1/progress")
    assert response.status_code == 401
    assert response.get_json()["error"]


# CSRF -------------------------------------------------------------------------------------

def test_a_form_without_a_csrf_token_changes_nothing(client: FlaskClient,
                                                     make: Factory) -> None:
    staff = coordinator(make)
    sign_in(client, staff["h"])
    response = client.post("/dashboard/rounds/new", data={"name": "Zonder token"})
    assert response.status_code == 400
    assert client.get("/api/v1/rounds", headers=staff["h"]).get_json() == []


def test_a_form_with_another_sessions_csrf_token_is_refused(app: Flask,
                                                            make: Factory) -> None:
    staff = coordinator(make)
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, staff["h"])
    their_token = sign_in(theirs, staff["h"])
    response = mine.post("/dashboard/rounds/new",
                         data={"name": "Geleend token", "csrf_token": their_token})
    assert response.status_code == 400


def test_a_lifecycle_step_without_a_csrf_token_is_refused(client: FlaskClient,
                                                          make: Factory) -> None:
    staff = coordinator(make)
    seed = seeded_round(client, make, staff)
    sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{seed['round']}/allocate", data={})
    assert response.status_code == 400
    rnd = client.get(f"/api/v1/rounds/{seed['round']}", headers=staff["h"]).get_json()
    assert rnd["status"] == "closed"


def test_sign_out_without_a_csrf_token_is_refused(client: FlaskClient, make: Factory) -> None:
    sign_in(client, coordinator(make)["h"])
    assert client.post("/dashboard/logout").status_code == 400
    assert client.get("/dashboard/rounds").status_code == 200


# Rounds -----------------------------------------------------------------------------------

def test_a_round_created_by_form_belongs_to_the_coordinators_school(client: FlaskClient,
                                                                    make: Factory) -> None:
    staff = coordinator(make)
    token = sign_in(client, staff["h"])
    response = client.post("/dashboard/rounds/new", data={
        "csrf_token": token, "name": "Najaar", "objective": "rank_maximal",
        "max_preferences": "5", "seed": "3", "time_limit_s": "30",
        "priority_first_shown": "1", "place_unranked_shown": "1", "place_unranked": "on"})
    assert response.status_code == 302
    [rnd] = client.get("/api/v1/rounds", headers=staff["h"]).get_json()
    assert (rnd["name"], rnd["school_id"], rnd["objective"], rnd["max_preferences"],
            rnd["priority_first"], rnd["place_unranked"]) == (
        "Najaar", staff["school"], "rank_maximal", 5, False, True)


def test_a_round_form_with_a_bad_value_names_the_field(client: FlaskClient,
                                                       make: Factory) -> None:
    token = sign_in(client, coordinator(make)["h"])
    response = client.post("/dashboard/rounds/new", data={
        "csrf_token": token, "name": "Fout", "max_preferences": "0"})
    assert response.status_code == 422
    assert 'data-field="max_preferences"' in response.get_data(as_text=True)


def test_the_policy_form_changes_an_open_round(client: FlaskClient, make: Factory) -> None:
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "R"}, headers=staff["h"]).get_json()["id"]
    token = sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{rid}/edit", data={
        "csrf_token": token, "objective": "stable", "seed": "11",
        "priority_first_shown": "1", "priority_first": "on", "place_unranked_shown": "1"})
    assert response.status_code == 302
    rnd = client.get(f"/api/v1/rounds/{rid}", headers=staff["h"]).get_json()
    assert (rnd["name"], rnd["objective"], rnd["seed"]) == ("R", "stable", 11)


def test_a_closed_rounds_policy_is_refused_with_409(client: FlaskClient,
                                                    make: Factory) -> None:
    staff = coordinator(make)
    seed = seeded_round(client, make, staff)
    token = sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{seed['round']}/edit",
                           data={"csrf_token": token, "seed": "5"})
    assert response.status_code == 409


def test_the_rounds_list_shows_status_and_counts(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get("/dashboard/rounds").get_data(as_text=True)
    row = re.search(rf'<tr data-round="{seed["round"]}">(.*?)</tr>', html, re.S)
    assert row
    numbers = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
    assert numbers == ["2", "3", "3", "2"]  # offers, seats, students, placed
    assert "ingedeeld" in row.group(1)


def test_another_schools_round_is_not_found(client: FlaskClient, make: Factory) -> None:
    seed = seeded_round(client, make, coordinator(make))
    sign_in(client, coordinator(make)["h"])
    assert client.get(f"/dashboard/rounds/{seed['round']}").status_code == 404


def test_the_confirmation_page_changes_nothing_until_confirmed(client: FlaskClient,
                                                               make: Factory) -> None:
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "R"}, headers=staff["h"]).get_json()["id"]
    token = sign_in(client, staff["h"])
    page = client.get(f"/dashboard/rounds/{rid}/open").get_data(as_text=True)
    assert 'id="confirm"' in page
    assert client.get(f"/api/v1/rounds/{rid}", headers=staff["h"]).get_json()["status"] == "draft"
    client.post(f"/dashboard/rounds/{rid}/open", data={"csrf_token": token})
    assert client.get(f"/api/v1/rounds/{rid}", headers=staff["h"]).get_json()["status"] == "open"


def test_a_step_from_the_wrong_state_answers_409(client: FlaskClient, make: Factory) -> None:
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "R"}, headers=staff["h"]).get_json()["id"]
    token = sign_in(client, staff["h"])
    response = client.post(f"/dashboard/rounds/{rid}/publish", data={"csrf_token": token})
    assert response.status_code == 409
    # The service's own detail is for API clients (English, with codes); the page explains.
    html = response.get_data(as_text=True)
    assert "Dat kan niet in de huidige stand van de ronde" in html and "publish" not in html


def test_allocating_from_the_dashboard_stores_the_report(client: FlaskClient,
                                                         make: Factory) -> None:
    seed, _ = allocated(client, make)
    state = client.get(f"/dashboard/rounds/{seed['round']}/progress").get_json()
    assert (state["state"], state["percent"]) == ("finished", 100)


def test_publish_after_allocation(client: FlaskClient, make: Factory) -> None:
    seed, token = allocated(client, make)
    client.post(f"/dashboard/rounds/{seed['round']}/publish", data={"csrf_token": token})
    html = client.get(f"/dashboard/rounds/{seed['round']}").get_data(as_text=True)
    assert "gepubliceerd" in html


# Results ----------------------------------------------------------------------------------

def test_results_before_allocation_answer_409(client: FlaskClient, make: Factory) -> None:
    staff = coordinator(make)
    seed = seeded_round(client, make, staff)
    sign_in(client, staff["h"])
    assert client.get(f"/dashboard/rounds/{seed['round']}/results").status_code == 409


def test_results_show_placed_share_and_priority_placed(client: FlaskClient,
                                                       make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    assert 'id="kpi-placed" data-value="2">2 van 3' in html
    assert "66,7%" in html
    assert 'id="kpi-priority" data-value="1">1 van 1' in html


def test_the_rank_profile_chart_has_the_stored_counts(client: FlaskClient,
                                                      make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    chart = re.search(r'<svg id="chart-rank".*?</svg>', html, re.S)
    assert chart
    values = re.findall(r'data-label="([^"]+)" data-value="(\d+)"', chart.group(0))
    # s2 got its first choice, s1 its second; the last bar counts unranked placements.
    assert values[:3] == [("1e", "1"), ("2e", "1"), ("3e", "0")]
    assert values[-1] == ("buiten de lijst", "0")
    assert "keuze waarop geplaatst" in chart.group(0)  # an axis label


def test_the_heat_map_shows_filled_seats_over_capacity(client: FlaskClient,
                                                       make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    table = re.search(r'<table class="heat" id="fill-2">.*?</table>', html, re.S).group(0)
    # Sectors down, regions across, by name: one row, Voedsel en gastvrijheid.
    head = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert head == ["Sector", "Twente", "zwolle"]  # zwolle is no reference region: its code
    [row] = re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', table, re.S)
    assert row[0] == "Voedsel en gastvrijheid"
    assert re.findall(r'data-filled="(\d+)" data-capacity="(\d+)"', row[1]) == [
        ("1", "1"), ("1", "2")]
    assert "100%" in row[1] and "50%" in row[1] and "1 van 2" in row[1]
    assert 'id="fill-1"' not in html  # no offer takes level 1


def test_the_distance_chart_bins_the_travelled_kilometres(client: FlaskClient,
                                                          make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    chart = re.search(r'<svg id="chart-distance".*?</svg>', html, re.S).group(0)
    values = dict(re.findall(r'data-label="([^"]+)" data-value="(\d+)"', chart))
    # s2 travels 0 km to A; s1 about 11.1 km (0.1 degree of latitude) to B.
    assert values["0–5"] == "1" and values["10–15"] == "1"
    assert sum(int(v) for v in values.values()) == 2


def test_the_unplaced_table_gives_the_reason(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    row = re.search(rf'<tr data-student="{seed["s3"]}"[^>]*>(.*?)</tr>', html, re.S)
    assert row and "Geen voorkeurslijst ingeleverd." in row.group(1)


def unplaced_row(client: FlaskClient, staff: dict[str, Any], rid: int, student: int,
                 reason: str) -> str:
    """Close and allocate the open round; the student's row among the unplaced for reason."""
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff["h"])
    token = sign_in(client, staff["h"])
    client.post(f"/dashboard/rounds/{rid}/allocate", data={"csrf_token": token})
    html = client.get(f"/dashboard/rounds/{rid}/results?reason={reason}").get_data(as_text=True)
    row = re.search(rf'<tr data-student="{student}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, html
    return row.group(1)


def test_the_unplaced_table_names_the_offers_a_student_lost(client: FlaskClient,
                                                            make: Factory) -> None:
    staff = coordinator(make)
    school = staff["school"]
    rid = client.post("/api/v1/rounds", json={"name": "Krap"},
                      headers=staff["h"]).get_json()["id"]
    only = make.offer(title="Enige plek", capacity=1, round_id=rid)
    winner, loser = make.student(school, priority=True), make.student(school)
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff["h"])
    for sid in (winner, loser):
        client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", json={"offers": [only]},
                   headers=staff["h"])
    row = unplaced_row(client, staff, rid, loser, "outcompeted")
    assert re.search(rf'data-offer="{only}"><span class="offer-title">Enige plek bij '
                     r'Company \d+</span>: vol</li>', row)
    assert "hadden geen plaats meer voor deze student" in row


def test_the_unplaced_filter_keeps_one_reason(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results?reason=outcompeted"
                      ).get_data(as_text=True)
    assert f'data-student="{seed["s3"]}"' not in html
    assert "0 resultaten" in html


def test_the_shortage_table_lists_the_stored_cells(app: Flask, client: FlaskClient,
                                                   make: Factory) -> None:
    staff = coordinator(make)
    school = staff["school"]
    rid = client.post("/api/v1/rounds", json={"name": "Tekort"},
                      headers=staff["h"]).get_json()["id"]
    only = make.offer(title="Enige plek", capacity=1, round_id=rid)
    students = [make.student(school) for _ in range(3)]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff["h"])
    for sid in students:
        client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", json={"offers": [only]},
                   headers=staff["h"])
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff["h"])
    token = sign_in(client, staff["h"])
    client.post(f"/dashboard/rounds/{rid}/allocate", data={"csrf_token": token})
    report = client.get(f"/api/v1/rounds/{rid}/report", headers=staff["h"]).get_json()
    html = client.get(f"/dashboard/rounds/{rid}/results").get_data(as_text=True)
    table = re.search(r'<table class="data" id="shortage-table">.*?</table>', html, re.S)
    assert table and report["shortage"]
    shown = re.findall(r'class="would-place" data-value="(\d+)">([^<]*)<', table.group(0))
    assert [int(v) for v, _ in shown] == [c["would_place"] for c in report["shortage"]]
    assert report["shortage"][0]["would_place"] == 2  # both losers fit an extra seat
    assert shown[0][1] == "+2 plaatsen in deze cel → 2 studenten meer geplaatst"
    chart = re.search(r'<svg id="chart-shortage".*?</svg>', html, re.S).group(0)
    assert ('data-series="meer geplaatst" data-label="Twente · Voedsel en gastvrijheid · '
            'niveau 2" data-value="2"') in chart


def _csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_export_for_a_company_has_only_its_offers(client: FlaskClient,
                                                          make: Factory) -> None:
    seed, _ = allocated(client, make)
    rows = _csv_rows(client.get(f"/dashboard/rounds/{seed['round']}/export.csv"
                                f"?company={seed['company']}"))
    assert [(int(r["student_id"]), int(r["offer_id"])) for r in rows] == [(seed["s2"],
                                                                          seed["a"])]


def test_the_csv_export_for_a_school_has_its_students(client: FlaskClient,
                                                      make: Factory) -> None:
    seed, _ = allocated(client, make)
    rows = _csv_rows(client.get(f"/dashboard/rounds/{seed['round']}/export.csv"
                                f"?school={seed['school']}"))
    assert sorted(int(r["student_id"]) for r in rows) == sorted([seed["s1"], seed["s2"]])
    assert _csv_rows(client.get(f"/dashboard/rounds/{seed['round']}/export.csv"
                                f"?school={make.school()}")) == []


def test_a_company_is_chosen_by_its_name(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    rows = _csv_rows(client.get(f"/dashboard/rounds/{seed['round']}/export.csv"
                                "?bedrijf=hotel de zon"))
    assert [(int(r["student_id"]), r["company"]) for r in rows] == [(seed["s2"],
                                                                     "Hotel De Zon")]


def test_a_name_matching_several_companies_lists_them_to_choose(client: FlaskClient,
                                                                 make: Factory) -> None:
    seed, _ = allocated(client, make)
    response = client.get(f"/dashboard/rounds/{seed['round']}/export.csv?bedrijf=e")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    listed = re.findall(r'<li><a href="[^"]*company=(\d+)">([^<]+)</a>', html)
    assert sorted(name for _, name in listed) == ["Bakkerij Noord", "Hotel De Zon"]
    missing = client.get(f"/dashboard/rounds/{seed['round']}/export.csv?bedrijf=garage")
    assert 'id="company-none"' in missing.get_data(as_text=True)


def test_one_zip_holds_every_school_csv_of_the_round(client: FlaskClient,
                                                     make: Factory) -> None:
    seed, _ = allocated(client, make)
    response = client.get(f"/dashboard/rounds/{seed['round']}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        [name] = archive.namelist()
        rows = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
    assert name.startswith(f"ronde-{seed['round']}-school-{seed['school']}-")
    assert sorted(int(r["student_id"]) for r in rows) == sorted([seed["s1"], seed["s2"]])
    page = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    assert f'/dashboard/rounds/{seed["round"]}/export.zip' in page


def test_the_csv_export_needs_a_school_or_company(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    assert client.get(f"/dashboard/rounds/{seed['round']}/export.csv").status_code == 422


# Scenarios --------------------------------------------------------------------------------

def tight_round(client: FlaskClient, make: Factory) -> tuple[dict[str, Any], int, str]:
    """An allocated round of one seat in gastvrijheid wanted by two students; one is placed."""
    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "Krap"},
                      headers=staff["h"]).get_json()["id"]
    only = make.offer(title="Enige plek", capacity=1, round_id=rid)
    students = [make.student(staff["school"]) for _ in range(2)]
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff["h"])
    for sid in students:
        client.put(f"/api/v1/rounds/{rid}/preferences/{sid}", json={"offers": [only]},
                   headers=staff["h"])
    client.post(f"/api/v1/rounds/{rid}/close", headers=staff["h"])
    token = sign_in(client, staff["h"])
    client.post(f"/dashboard/rounds/{rid}/allocate", data={"csrf_token": token})
    return staff, rid, token


def start_scenario(client: FlaskClient, rid: int, token: str, **fields: str) -> Any:
    data = {"csrf_token": token, "name": "Dubbel gastvrijheid", "objective": "optimal",
            "sector": "gastvrijheid", "extra_percent": "100", **fields}
    return client.post(f"/dashboard/rounds/{rid}/scenarios", data=data)


def test_a_scenario_form_starts_a_stored_what_if_job(client: FlaskClient,
                                                     make: Factory) -> None:
    staff, rid, token = tight_round(client, make)
    response = start_scenario(client, rid, token)
    assert response.status_code == 302
    job_id = int(re.search(r"[?&]job=(\d+)", response.headers["Location"]).group(1))
    job = client.get(f"/api/v1/jobs/{job_id}", headers=staff["h"]).get_json()
    assert (job["kind"], job["status"]) == ("simulate", "finished")
    [stored] = client.get(f"/api/v1/rounds/{rid}/scenarios", headers=staff["h"]).get_json()
    assert stored["job_id"] == job_id and stored["name"] == "Dubbel gastvrijheid"
    assert stored["overrides"]["policy"] == {"objective": "optimal"}
    assert stored["overrides"]["scale"] == [
        {"sector": "gastvrijheid", "region": None, "factor": 2.0}]


def test_a_scenario_leaves_the_rounds_allocation_as_it_was(client: FlaskClient,
                                                           make: Factory) -> None:
    staff, rid, token = tight_round(client, make)
    start_scenario(client, rid, token)
    report = client.get(f"/api/v1/rounds/{rid}/report", headers=staff["h"]).get_json()
    assert report["stats"]["placed"] == 1
    rows = client.get(f"/api/v1/rounds/{rid}/assignments", headers=staff["h"]).get_json()
    assert len(rows) == 1


def test_a_finished_scenario_is_compared_with_the_current_allocation(client: FlaskClient,
                                                                     make: Factory) -> None:
    _, rid, token = tight_round(client, make)
    html = client.get(start_scenario(client, rid, token).headers["Location"]).get_data(
        as_text=True)
    row = re.search(r'<tr data-key="placed">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', row) == ["1", "2", "+1"]
    sector = re.search(r'<tr data-sector="gastvrijheid">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', sector) == ["1", "1", "2", "2", "+1"]


def test_the_comparison_charts_show_the_stored_scenarios_rank_profile(
        client: FlaskClient, make: Factory) -> None:
    staff, rid, token = tight_round(client, make)
    html = client.get(start_scenario(client, rid, token).headers["Location"]).get_data(
        as_text=True)
    [stored] = client.get(f"/api/v1/rounds/{rid}/scenarios", headers=staff["h"]).get_json()
    chart = re.search(r'<svg id="chart-compare-rank".*?</svg>', html, re.S).group(0)
    values = [int(v) for v in re.findall(r'class="bar[^"]*"[^>]*data-value="(\d+)"', chart)]
    # Grouped bars, rank by rank: current then scenario.
    assert values[1::2] == stored["report"]["stats"]["rank_profile"]
    assert "keuze waarop geplaatst" in chart and 'class="legend"' in chart
    assert 'id="chart-compare-sectors"' in html


def test_the_scenario_list_shows_name_requester_status_and_placed(client: FlaskClient,
                                                                  make: Factory) -> None:
    _staff, rid, token = tight_round(client, make)
    start_scenario(client, rid, token, name="Plan B")
    html = client.get(f"/dashboard/rounds/{rid}/scenarios").get_data(as_text=True)
    row = re.search(r'<tr data-job="\d+" data-status="finished"[^>]*>(.*?)</tr>', html,
                    re.S).group(1)
    assert "Plan B" in row and "Coördinator · School " in row and "coordinator" not in row
    assert "+100% plaatsen in Voedsel en gastvrijheid" in row and "klaar" in row
    assert "2 van 2" in row


def test_a_failed_scenario_shows_its_error_instead_of_a_comparison(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    _, rid, token = tight_round(client, make)
    job_id = int(re.search(r"job=(\d+)", start_scenario(client, rid, token).headers["Location"]
                           ).group(1))
    with app.app_context(), db.transaction() as session:
        # As if the solve had died: the job failed and nothing was stored.
        session.execute(delete(Scenario).where(Scenario.job_id == job_id))
        session.execute(update(Job).where(Job.id == job_id).values(
            status="failed", error="MemoryError: out of memory"))
    html = client.get(f"/dashboard/rounds/{rid}/scenarios?job={job_id}").get_data(as_text=True)
    assert 'data-state="failed"' in html and "mislukt: start opnieuw" in html
    assert "MemoryError" not in html  # the operator's detail stays in the job log
    assert 'id="compare-table"' not in html
    assert re.search(rf'<tr data-job="{job_id}" data-status="failed"', html)


def test_a_scenario_without_a_name_names_the_field(client: FlaskClient, make: Factory) -> None:
    _, rid, token = tight_round(client, make)
    response = start_scenario(client, rid, token, name="  ")
    assert response.status_code == 422
    assert 'data-field="name"' in response.get_data(as_text=True)


def test_a_scenario_with_a_bad_percentage_names_the_field(client: FlaskClient,
                                                          make: Factory) -> None:
    seed, token = allocated(client, make)
    response = start_scenario(client, seed["round"], token, sector="", extra_percent="-5")
    assert response.status_code == 422
    assert 'data-field="extra_percent"' in response.get_data(as_text=True)


def test_a_scenario_for_an_unknown_sector_starts_no_job(client: FlaskClient,
                                                        make: Factory) -> None:
    staff, rid, token = tight_round(client, make)
    response = start_scenario(client, rid, token, sector="bouw")
    assert response.status_code == 422
    assert 'data-field="sector"' in response.get_data(as_text=True)
    jobs = client.get(f"/api/v1/jobs?round_id={rid}&kind=simulate", headers=staff["h"])
    assert jobs.get_json() == []


def test_another_rounds_job_is_no_scenario_of_this_round(client: FlaskClient,
                                                         make: Factory) -> None:
    _, rid, token = tight_round(client, make)
    location = start_scenario(client, rid, token).headers["Location"]
    job_id = re.search(r"job=(\d+)", location).group(1)
    seed, _ = allocated(client, make)
    assert client.get(f"/dashboard/rounds/{seed['round']}/scenarios?job={job_id}"
                      ).status_code == 404


def test_the_job_progress_json_reports_a_finished_scenario(client: FlaskClient,
                                                           make: Factory) -> None:
    _, rid, token = tight_round(client, make)
    job_id = re.search(r"job=(\d+)", start_scenario(client, rid, token).headers["Location"]
                       ).group(1)
    state = client.get(f"/dashboard/jobs/{job_id}/progress").get_json()
    assert (state["state"], state["percent"]) == ("finished", 100)


def test_the_job_progress_json_hides_another_schools_job(client: FlaskClient,
                                                         make: Factory) -> None:
    _, rid, token = tight_round(client, make)
    job_id = re.search(r"job=(\d+)", start_scenario(client, rid, token).headers["Location"]
                       ).group(1)
    sign_in(client, coordinator(make)["h"])
    assert client.get(f"/dashboard/jobs/{job_id}/progress").status_code == 404


def test_the_job_progress_json_answers_401_without_a_session(client: FlaskClient) -> None:
    response = client.get("/dashboard/jobs/1/progress")
    assert response.status_code == 401
    assert response.get_json()["error"]


# Offers and students ----------------------------------------------------------------------

def test_the_offer_table_searches_by_company_name(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get("/dashboard/offers?q=bakkerij").get_data(as_text=True)
    assert f'data-offer="{seed["b"]}"' in html and f'data-offer="{seed["a"]}"' not in html


def test_the_offer_table_filters_by_region(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get("/dashboard/offers?region=twente").get_data(as_text=True)
    assert f'data-offer="{seed["a"]}"' in html and f'data-offer="{seed["b"]}"' not in html


def test_the_offer_table_pages_by_fifty(client: FlaskClient, make: Factory) -> None:
    company = make.company()
    ids = [make.offer(company, title=f"Plek {i}") for i in range(51)]
    sign_in(client, make.admin())
    first = client.get("/dashboard/offers").get_data(as_text=True)
    second = client.get("/dashboard/offers?page=2").get_data(as_text=True)
    assert first.count("<tr data-offer=") == 50 and "51 resultaten" in first
    assert re.findall(r'<tr data-offer="(\d+)"', second) == [str(ids[-1])]


def test_the_student_table_shows_only_the_coordinators_school(client: FlaskClient,
                                                              make: Factory) -> None:
    staff = coordinator(make)
    mine = make.student(staff["school"])
    theirs = make.student(make.school())
    sign_in(client, staff["h"])
    html = client.get("/dashboard/students").get_data(as_text=True)
    assert f'data-student="{mine}"' in html and f'data-student="{theirs}"' not in html


def test_the_student_table_searches_by_number(client: FlaskClient, make: Factory) -> None:
    staff = coordinator(make)
    wanted = make.student(staff["school"], student_number="x-777")
    other = make.student(staff["school"], student_number="y-123")
    sign_in(client, staff["h"])
    html = client.get("/dashboard/students?q=777").get_data(as_text=True)
    assert f'data-student="{wanted}"' in html and f'data-student="{other}"' not in html


def _student_row(html: str, student: int) -> str:
    row = re.search(rf'<tr data-student="{student}">.*?</tr>', html, re.S)
    assert row, f"student {student} not in the table"
    return row.group(0)


def test_the_student_table_shows_each_placement(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get("/dashboard/students").get_data(as_text=True)
    assert "Hotel De Zon – Kok A (voorstel" in _student_row(html, seed["s2"])
    assert "Bakkerij Noord – Kok B" in _student_row(html, seed["s1"])
    assert "niet geplaatst" in _student_row(html, seed["s3"])


def test_the_student_table_filters_placed_and_not_placed(client: FlaskClient,
                                                         make: Factory) -> None:
    seed, _ = allocated(client, make)
    placed = client.get("/dashboard/students?plaatsing=geplaatst").get_data(as_text=True)
    others = client.get("/dashboard/students?plaatsing=niet-geplaatst").get_data(as_text=True)
    shown = re.findall(r'<tr data-student="(\d+)"', placed)
    assert sorted(map(int, shown)) == sorted([seed["s1"], seed["s2"]])
    assert re.findall(r'<tr data-student="(\d+)"', others) == [str(seed["s3"])]


def test_the_student_page_shows_the_list_with_its_fit_the_placement_and_history(
        client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/students/{seed['s1']}").get_data(as_text=True)
    assert "Bakkerij Noord – Kok B, 2e keuze" in html and "Status: voorstel." in html
    entries = re.findall(r'<tr data-offer="(\d+)">.*?</tr>', html, re.S)
    assert entries == [str(seed["a"]), str(seed["b"])]
    assert html.count("<td class=\"fits\">ja</td>") == 2
    assert "voorkeurslijst ingeleverd of gewijzigd" in html and "coördinator" in html
    assert "preferences.submit" not in html


def test_the_student_page_names_the_rule_an_entry_breaks(client: FlaskClient,
                                                        make: Factory) -> None:
    seed, _ = allocated(client, make)
    with client.application.app_context(), db.transaction() as session:
        session.execute(update(Student).where(Student.id == seed["s1"]).values(level=4))
    html = client.get(f"/dashboard/students/{seed['s1']}").get_data(as_text=True)
    assert html.count("nee: het niveau past niet") == 2


def test_the_student_page_is_refused_outside_the_coordinators_scope(
        client: FlaskClient, make: Factory) -> None:
    staff = coordinator(make)
    theirs = make.student(make.school())
    sign_in(client, staff["h"])
    assert client.get(f"/dashboard/students/{theirs}").status_code == 404
    assert client.get("/dashboard/students/999999").status_code == 404


# Settings ---------------------------------------------------------------------------------

def test_the_default_secret_key_is_made_once_per_instance(tmp_path: Any) -> None:
    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64 and instance_secret_key(str(tmp_path)) == first
    assert instance_secret_key(str(tmp_path / "other")) != first


def test_the_offer_table_links_each_round_offer_to_its_companys_export(
        client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get("/dashboard/offers?q=Hotel").get_data(as_text=True)
    link = re.search(r'class="csv"[^>]*href="([^"]+)"', html)
    assert link
    rows = _csv_rows(client.get(link.group(1).replace("&amp;", "&")))
    assert [int(r["offer_id"]) for r in rows] == [seed["a"]]


def test_pages_may_load_only_the_apps_own_script_and_styles(client: FlaskClient) -> None:
    response = client.get("/inloggen")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy


# Error pages ------------------------------------------------------------------------------

def test_a_lost_database_gives_a_dutch_page_not_problem_json(
        client: FlaskClient, make: Factory, monkeypatch: Any) -> None:
    from sqlalchemy.exc import OperationalError

    from service.web.staff import analysis

    sign_in(client, coordinator(make)["h"])

    def down(*_args: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(analysis, "round_rows", down)
    response = client.get("/dashboard/rounds")
    assert response.status_code == 503 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Leerplek is even niet bereikbaar" in html and "connection refused" not in html



def test_an_unknown_dashboard_address_gives_the_dutch_404_page(client: FlaskClient,
                                                               make: Factory) -> None:
    sign_in(client, coordinator(make)["h"])
    response = client.get("/dashboard/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)
    assert client.get("/web/static/dashboard.css").status_code == 200


def test_an_ineligible_list_names_the_rule_each_entry_breaks(app: Flask, client: FlaskClient,
                                                            make: Factory) -> None:
    from service.models import Student

    staff = coordinator(make)
    rid = client.post("/api/v1/rounds", json={"name": "Verhuisd"},
                      headers=staff["h"]).get_json()["id"]
    near = make.offer(title="Dichtbij", levels=[2, 3], round_id=rid, lat=52.22, lon=6.89)
    far = make.offer(title="Ver weg", levels=[2, 4], round_id=rid, lat=52.32, lon=6.89)
    make.offer(title="Past wel", levels=[4], round_id=rid, lat=52.22, lon=6.89)
    student = make.student(staff["school"], lat=52.22, lon=6.89)
    client.post(f"/api/v1/rounds/{rid}/open", headers=staff["h"])
    assert client.put(f"/api/v1/rounds/{rid}/preferences/{student}",
                      json={"offers": [near, far]}, headers=staff["h"]).status_code == 200
    with app.app_context(), db.transaction() as session:
        # After the list was handed in, the student moved up a level and may travel 5 km.
        session.execute(update(Student).where(Student.id == student).values(
            level=4, max_travel_km=5.0))
    row = unplaced_row(client, staff, rid, student, "preferences_ineligible")
    entries = re.findall(r'<li class="lost" data-offer="(\d+)"><span class="offer-title">'
                         r'([^<]*)</span>: ([^<]*)</li>', row)
    assert entries == [
        (str(near), "Dichtbij bij " + entries[0][1].split(" bij ")[1], "het niveau past niet"),
        (str(far), "Ver weg bij " + entries[1][1].split(" bij ")[1],
         "te ver weg: 11,1 km, hoogstens 5,0 km")]
