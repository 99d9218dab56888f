"""The company pages under /bedrijf: a leerbedrijf's profile, its offers through a form with
the API's validation, and the students proposed to it after publishing (issue 13)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.models import Assignment, AuditEvent, Company, Offer, Preference, Round, School

from .conftest import Factory, assert_problem, offer_body, sign_in_web

FORM = {"csrf_token": "x", "title": "Kok in de brasserie", "sector": "gastvrijheid",
        "qualifications": "25180", "levels": ["2"], "pathways": ["BBL"], "region": "twente",
        "place": "Enschede", "capacity": "2", "start": "2027-02-01", "end": "2027-06-30",
        "days_per_week": "4", "hours_per_week": "32",
        "description": "Meewerken in de keuken van een drukke brasserie."}


def add(app: Flask, obj: Any) -> int:
    with app.app_context(), db.transaction() as session:
        session.add(obj)
        session.flush()
        ident: int = obj.id
    return ident


def stored(app: Flask, model: Any, ident: int) -> Any:
    with app.app_context():
        obj = db.session.get(model, ident)
        if obj is not None:
            db.session.expunge(obj)
        return obj


def html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def field_error(page: str, field: str) -> str:
    """The error text shown next to ``field``, checking the field points at it."""
    assert f'aria-describedby="{field}-error' in page, f"{field} does not name its error"
    found = re.search(rf'<span class="error field-error" id="{field}-error"[^>]*>([^<]+)<',
                      page)
    assert found, f"no error shown at {field}"
    return found.group(1)


@pytest.fixture
def company(make: Factory) -> int:
    return make.company(name="Brasserie De Kater")


@pytest.fixture
def signed_in(client: FlaskClient, make: Factory, company: int) -> FlaskClient:
    sign_in_web(client, "company", f"company:{company}", csrf="x")
    return client


def published(app: Flask, make: Factory, offer_id: int, pathways: list[str],
              respond_by: dt.datetime | None = None, **student: Any) -> int:
    """A published round proposing one student of a school with a contact at ``offer_id``;
    the assignment's id."""
    school = make.school(name="ROC van Twente", contact_name="Anna de Vries",
                         contact_email="bpv@rocvantwente.example",
                         contact_phone="053 123 4567")
    sid = make.student(school, pathways=pathways, level=2, student_number="geheim-77",
                       **student)
    rid = add(app, Round(name="Voorjaar 2027", status="published", respond_by=respond_by or (
        dt.datetime.now(dt.UTC) + dt.timedelta(days=7))))
    with app.app_context(), db.transaction() as session:
        session.get(Offer, offer_id).round_id = rid  # type: ignore[union-attr]
    return add(app, Assignment(round_id=rid, student_id=sid, offer_id=offer_id,
                               status="proposed", rank=1))


# Who gets in -------------------------------------------------------------------------------

def test_without_a_session_the_pages_ask_to_sign_in(client: FlaskClient, make: Factory) -> None:
    make.offer(title="Geheime plek")
    response = client.get("/bedrijf")
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    assert "Geheime plek" not in html(response)


def test_a_student_session_is_not_let_in(client: FlaskClient, make: Factory) -> None:
    sign_in_web(client, "student", f"student:{make.student()}", csrf="x")
    assert client.get("/bedrijf").headers["Location"] == "/inloggen"


def test_the_pages_are_dutch_and_carry_the_strict_policy(signed_in: FlaskClient) -> None:
    response = signed_in.get("/bedrijf")
    assert response.status_code == 200
    assert '<html lang="nl">' in html(response)
    assert "Onze plekken" in html(response)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_form_without_the_session_secret_is_refused(signed_in: FlaskClient, app: Flask
                                                      ) -> None:
    response = signed_in.post("/bedrijf/aanbod/nieuw", data={**FORM, "csrf_token": "y"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Offer)).all() == []


# A company sees only its own -----------------------------------------------------------------

def test_the_overview_lists_only_the_company_s_own_offers(
        signed_in: FlaskClient, make: Factory, company: int) -> None:
    make.offer(company, title="Eigen plek")
    make.offer(title="Plek van een ander")
    page = html(signed_in.get("/bedrijf"))
    assert "Eigen plek" in page and "Plek van een ander" not in page


def test_the_overview_is_paged(signed_in: FlaskClient, make: Factory, app: Flask,
                               company: int) -> None:
    with app.app_context(), db.transaction() as session:
        for n in range(51):
            offer = Offer(company_id=company, title=f"Plek nummer {n:02d}", levels=[2],
                          pathways=["BOL"], sector="gastvrijheid", region="twente",
                          capacity=1, status="open")
            session.add(offer)
    first, second = (html(signed_in.get(f"/bedrijf?page={n}")) for n in (1, 2))
    assert "Plek nummer 00" in first and "Plek nummer 50" not in first
    assert "Plek nummer 50" in second and "Plek nummer 00" not in second
    assert "pagina 1 van 2" in first


@pytest.mark.parametrize("method,path", [
    ("get", "/bedrijf/aanbod/{id}"), ("get", "/bedrijf/aanbod/{id}/wijzigen"),
    ("post", "/bedrijf/aanbod/{id}/wijzigen"), ("post", "/bedrijf/aanbod/{id}/status"),
    ("post", "/bedrijf/aanbod/{id}/verwijderen")])
def test_another_company_s_offer_is_not_found(signed_in: FlaskClient, make: Factory,
                                              app: Flask, method: str, path: str) -> None:
    other = make.offer(title="Plek van een ander", status="draft")
    response = getattr(signed_in, method)(path.format(id=other),
                                          data={**FORM, "action": "withdraw"})
    assert response.status_code == 404
    assert "Plek van een ander" not in html(response)
    assert stored(app, Offer, other).status == "draft"


def test_another_company_s_proposed_student_is_not_found(
        signed_in: FlaskClient, make: Factory, app: Flask) -> None:
    aid = published(app, make, make.offer(pathways=["BBL"]), ["BBL"])
    response = signed_in.post(f"/bedrijf/plaatsingen/{aid}/antwoord",
                              data={"csrf_token": "x", "answer": "accept"})
    assert response.status_code == 404
    assert stored(app, Assignment, aid).company_response is None


# Posting an offer through the form -----------------------------------------------------------

def test_a_company_posts_a_draft_offer_with_every_field(
        signed_in: FlaskClient, app: Flask, company: int) -> None:
    response = signed_in.post("/bedrijf/aanbod/nieuw", data=FORM)
    assert response.status_code == 302
    with app.app_context():
        offer = db.session.scalars(select(Offer)).one()
        assert (offer.company_id, offer.status, offer.title) == (company, "draft",
                                                                 "Kok in de brasserie")
        assert (offer.levels, offer.pathways, offer.qualifications) == ([2], ["BBL"],
                                                                        ["25180"])
        assert (offer.place, offer.days_per_week, offer.hours_per_week) == ("Enschede", 4, 32)
        assert (offer.start, offer.end) == (dt.date(2027, 2, 1), dt.date(2027, 6, 30))
        assert offer.description == FORM["description"]
        assert response.headers["Location"].endswith(f"/bedrijf/aanbod/{offer.id}")


def test_the_form_offers_the_reference_data_by_name(signed_in: FlaskClient) -> None:
    page = html(signed_in.get("/bedrijf/aanbod/nieuw"))
    assert '<option value="zorg-welzijn" >Zorg, welzijn en sport</option>' in page
    assert '<option value="twente" >Twente</option>' in page
    assert '<option value="Enschede">' in page  # the places' datalist
    assert "Kok (25180)" in page  # a qualification the company is recognised for


def test_an_unknown_place_is_refused_next_to_the_field(signed_in: FlaskClient, app: Flask
                                                       ) -> None:
    response = signed_in.post("/bedrijf/aanbod/nieuw", data={**FORM, "place": "Enschde"})
    assert response.status_code == 422
    assert field_error(html(response), "place") == "Kies een plaats uit de lijst, of laat " \
                                                   "het veld leeg."
    assert 'value="Enschde"' in html(response)  # what was typed stays
    with app.app_context():
        assert db.session.scalars(select(Offer)).all() == []


def test_an_offer_without_a_level_is_refused_as_the_api_refuses_it(
        signed_in: FlaskClient, client: FlaskClient, make: Factory, company: int) -> None:
    form = {k: v for k, v in FORM.items() if k != "levels"}
    response = signed_in.post("/bedrijf/aanbod/nieuw", data=form)
    assert response.status_code == 422
    assert field_error(html(response), "levels") == "Vink minstens één niveau aan."
    api = client.post("/api/v1/offers", json=offer_body(company, levels=[]),
                      headers=make.token("company", f"company:{company}"))
    assert_problem(api, 422, "levels")


def test_an_end_before_the_start_is_refused_at_the_end(signed_in: FlaskClient) -> None:
    response = signed_in.post("/bedrijf/aanbod/nieuw",
                              data={**FORM, "start": "2027-06-01", "end": "2027-01-01"})
    assert response.status_code == 422
    assert "einddatum" in field_error(html(response), "end")


def test_too_many_hours_a_week_are_refused(signed_in: FlaskClient) -> None:
    response = signed_in.post("/bedrijf/aanbod/nieuw", data={**FORM, "hours_per_week": "61"})
    assert response.status_code == 422
    assert "60" in field_error(html(response), "hours_per_week")


def test_a_qualification_the_company_is_not_recognised_for_is_refused(
        signed_in: FlaskClient) -> None:
    response = signed_in.post("/bedrijf/aanbod/nieuw", data={**FORM, "qualifications": "90602"})
    assert response.status_code == 422
    assert "erkend" in field_error(html(response), "qualifications")


# Changing, publishing, withdrawing ------------------------------------------------------------

def version_of(page: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]+)"', page)
    assert found
    return found.group(1)


def test_a_company_changes_its_offer_and_clears_a_field(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int) -> None:
    oid = make.offer(company, description="Oud", status="open", capacity=3)
    version = version_of(html(signed_in.get(f"/bedrijf/aanbod/{oid}/wijzigen")))
    form = {**FORM, "description": "", "capacity": "5", "version": version}
    assert signed_in.post(f"/bedrijf/aanbod/{oid}/wijzigen", data=form).status_code == 302
    offer = stored(app, Offer, oid)
    assert (offer.capacity, offer.description, offer.status) == (5, None, "open")


def test_a_change_to_an_offer_changed_meanwhile_is_refused(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int, client: FlaskClient
        ) -> None:
    oid = make.offer(company, capacity=3)
    version = version_of(html(signed_in.get(f"/bedrijf/aanbod/{oid}/wijzigen")))
    with app.app_context(), db.transaction() as session:
        session.get(Offer, oid).capacity = 4  # type: ignore[union-attr]
    response = signed_in.post(f"/bedrijf/aanbod/{oid}/wijzigen",
                              data={**FORM, "capacity": "9", "version": version})
    assert response.status_code == 412
    assert "in de tussentijd" in html(response)
    assert stored(app, Offer, oid).capacity == 4


def test_a_capacity_below_the_accepted_placements_is_refused(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int) -> None:
    oid = make.offer(company, pathways=["BOL"], capacity=2)
    aid = published(app, make, oid, ["BOL"])
    with app.app_context(), db.transaction() as session:
        session.get(Assignment, aid).status = "accepted"  # type: ignore[union-attr]
    version = version_of(html(signed_in.get(f"/bedrijf/aanbod/{oid}/wijzigen")))
    response = signed_in.post(f"/bedrijf/aanbod/{oid}/wijzigen", data={
        **FORM, "pathways": ["BOL"], "capacity": "0", "version": version,
        "round_id": str(stored(app, Offer, oid).round_id)})
    assert response.status_code == 422
    assert "al meer studenten" in field_error(html(response), "capacity")
    assert stored(app, Offer, oid).capacity == 2


def test_a_draft_is_published_then_withdrawn(signed_in: FlaskClient, make: Factory,
                                             app: Flask, company: int) -> None:
    oid = make.offer(company, status="draft")
    for action, status in (("publish", "open"), ("withdraw", "closed")):
        version = version_of(html(signed_in.get(f"/bedrijf/aanbod/{oid}")))
        response = signed_in.post(f"/bedrijf/aanbod/{oid}/status",
                                  data={"csrf_token": "x", "action": action,
                                        "version": version})
        assert response.status_code == 302
        assert stored(app, Offer, oid).status == status


def test_a_draft_is_deleted_but_an_open_offer_is_not(signed_in: FlaskClient, make: Factory,
                                                     app: Flask, company: int) -> None:
    draft, live = make.offer(company, status="draft"), make.offer(company, status="open")
    for oid, status, gone in ((draft, 302, True), (live, 409, False)):
        version = version_of(html(signed_in.get(f"/bedrijf/aanbod/{oid}")))
        response = signed_in.post(f"/bedrijf/aanbod/{oid}/verwijderen",
                                  data={"csrf_token": "x", "version": version})
        assert response.status_code == status
        assert (stored(app, Offer, oid) is None) == gone


def test_the_change_is_audited_as_the_company_s_on_the_company_surface(
        signed_in: FlaskClient, app: Flask) -> None:
    signed_in.post("/bedrijf/aanbod/nieuw", data=FORM)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "offer.create")).one()
        assert (event.actor_role, event.actor_surface) == ("company", "company")


# Students: a count before publishing, what the company needs after -------------------------

def test_before_publishing_only_the_number_of_students_who_listed_it_shows(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int) -> None:
    rid = add(app, Round(name="Voorjaar", status="open"))
    oid = make.offer(company, round_id=rid)
    for number in ("geheim-1", "geheim-2"):
        sid = make.student(student_number=number)
        add(app, Preference(round_id=rid, student_id=sid, offer_id=oid, rank=1))
    page = html(signed_in.get(f"/bedrijf/aanbod/{oid}"))
    assert "2 studenten hebben deze plek op hun lijst." in page
    assert "geheim-" not in page
    assert "2 studenten hebben hem op hun lijst" in html(signed_in.get("/bedrijf"))


def test_the_listed_count_is_of_the_offers_own_round_only(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int) -> None:
    # The offer took part in an earlier round and now in a new one: a list of the earlier
    # round is not a list for the new one. Another offer, in the earlier round, still
    # counts its own.
    earlier = add(app, Round(name="Najaar", status="closed"))
    rid = add(app, Round(name="Voorjaar", status="open"))
    oid = make.offer(company, round_id=rid)
    other = make.offer(company, round_id=earlier)
    for number, round_id, offer_id in (("a", earlier, oid), ("b", rid, oid),
                                       ("c", earlier, other), ("d", earlier, other)):
        sid = make.student(student_number=f"geheim-{number}")
        add(app, Preference(round_id=round_id, student_id=sid, offer_id=offer_id, rank=1))
    assert "1 student heeft deze plek op de lijst." in html(signed_in.get(
        f"/bedrijf/aanbod/{oid}"))
    home = html(signed_in.get("/bedrijf"))
    assert "1 student heeft hem op de lijst" in home
    assert "2 studenten hebben hem op hun lijst" in home


def test_after_publishing_the_proposed_student_shows_only_what_the_company_needs(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int) -> None:
    oid = make.offer(company, pathways=["BBL"], start=dt.date(2027, 2, 1))
    published(app, make, oid, ["BBL"], available_from=dt.date(2027, 3, 1),
              home_place="Hengelo", max_travel_km=17.5)
    page = html(signed_in.get(f"/bedrijf/aanbod/{oid}"))
    for shown in ("ROC van Twente", "Anna de Vries", "bpv@rocvantwente.example",
                  "Kok (25180)", "1 maart 2027", "BBL (leerbaan: werken en leren)",
                  "uw toestemming"):
        assert shown in page, shown
    for hidden in ("geheim-77", "Hengelo", "17,5"):
        assert hidden not in page, hidden


def test_the_company_consents_to_a_bbl_student(signed_in: FlaskClient, make: Factory,
                                               app: Flask, company: int) -> None:
    oid = make.offer(company, pathways=["BBL"])
    aid = published(app, make, oid, ["BBL"])
    response = signed_in.post(f"/bedrijf/plaatsingen/{aid}/antwoord",
                              data={"csrf_token": "x", "answer": "accept"})
    assert response.status_code == 302
    a = stored(app, Assignment, aid)
    assert (a.company_response, a.status) == ("accepted", "proposed")
    page = html(signed_in.get(response.headers["Location"]))
    assert "U heeft geaccepteerd; wacht op de student." in page
    assert f'id="accept-{aid}"' not in page


def test_the_company_declines_a_student(signed_in: FlaskClient, make: Factory, app: Flask,
                                        company: int) -> None:
    oid = make.offer(company, pathways=["BOL"])
    aid = published(app, make, oid, ["BOL"])
    signed_in.post(f"/bedrijf/plaatsingen/{aid}/antwoord",
                   data={"csrf_token": "x", "answer": "decline"})
    assert stored(app, Assignment, aid).status == "declined"


def test_after_the_deadline_the_company_can_no_longer_answer(
        signed_in: FlaskClient, make: Factory, app: Flask, company: int) -> None:
    oid = make.offer(company, pathways=["BBL"])
    aid = published(app, make, oid, ["BBL"],
                    respond_by=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert f'id="accept-{aid}"' not in html(signed_in.get(f"/bedrijf/aanbod/{oid}"))
    response = signed_in.post(f"/bedrijf/plaatsingen/{aid}/antwoord",
                              data={"csrf_token": "x", "answer": "accept"})
    assert response.status_code == 409
    assert stored(app, Assignment, aid).company_response is None


# The profile ---------------------------------------------------------------------------------

def test_a_company_changes_its_profile(signed_in: FlaskClient, app: Flask, company: int
                                       ) -> None:
    response = signed_in.post("/bedrijf/profiel", data={
        "csrf_token": "x", "name": "Brasserie De Kater BV", "kvk_number": "12345678",
        "region": "twente", "qualifications": "25180 25603"})
    assert response.status_code == 302
    saved = stored(app, Company, company)
    assert (saved.name, saved.kvk_number, saved.region) == ("Brasserie De Kater BV",
                                                            "12345678", "twente")


def test_a_bad_kvk_number_is_refused_next_to_the_field(signed_in: FlaskClient, app: Flask,
                                                       company: int) -> None:
    response = signed_in.post("/bedrijf/profiel", data={
        "csrf_token": "x", "name": "X", "kvk_number": "1234", "region": "",
        "qualifications": ""})
    assert response.status_code == 422
    assert "8 cijfers" in field_error(html(response), "kvk_number")
    assert stored(app, Company, company).name == "Brasserie De Kater"


def test_codes_never_reach_the_page(signed_in: FlaskClient, make: Factory, company: int
                                    ) -> None:
    oid = make.offer(company, sector="zorg-welzijn", qualifications=[], pathways=["HYBRID"])
    page = html(signed_in.get(f"/bedrijf/aanbod/{oid}"))
    assert "Zorg, welzijn en sport" in page and "hybride leeromgeving" in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert "zorg-welzijn" not in text and "HYBRID" not in text


# The offer's new fields and the school's contact through the API ---------------------------

def test_the_api_takes_an_offer_s_place_week_and_description(
        client: FlaskClient, make: Factory, company: int) -> None:
    body = offer_body(company, place="Zwolle", days_per_week=4, hours_per_week=32,
                      description="Koken")
    response = client.post("/api/v1/offers", json=body, headers=make.admin())
    assert response.status_code == 201
    got = response.get_json()
    assert (got["place"], got["days_per_week"], got["hours_per_week"], got["description"]) \
        == ("Zwolle", 4, 32, "Koken")


@pytest.mark.parametrize("field,value", [("place", "Zwole"), ("hours_per_week", 61),
                                         ("days_per_week", 0)])
def test_the_api_refuses_a_bad_place_or_week(client: FlaskClient, make: Factory,
                                             company: int, field: str, value: Any) -> None:
    response = client.post("/api/v1/offers", json=offer_body(company, **{field: value}),
                           headers=make.admin())
    body = assert_problem(response, 422, field)
    if field == "place":
        assert 'bedoelde je "Zwolle"?' in body["detail"]


def test_a_school_s_contact_is_set_through_the_api(client: FlaskClient, make: Factory,
                                                   app: Flask) -> None:
    sid = make.school()
    bad = client.patch(f"/api/v1/schools/{sid}", json={"contact_email": "geen-adres"},
                       headers=make.admin())
    assert_problem(bad, 422, "contact_email")
    good = client.patch(f"/api/v1/schools/{sid}", json={
        "contact_name": "Anna", "contact_email": "a@school.example",
        "contact_phone": "+31 53 123 4567"}, headers=make.admin())
    assert good.status_code == 200, good.get_json()
    assert stored(app, School, sid).contact_email == "a@school.example"
