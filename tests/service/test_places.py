"""An offer's place and a student's home place give the location when no coordinates are
given (issue 13: the distance from the student's home): through the API, the imports and
the company form alike, so students read the km and the engine's travel rule applies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.directory.places import PlacePoints, settled_location
from service.extensions import db
from service.models import Offer, Round

from .conftest import Factory, offer_body, sign_in_web, student_body

# The reference points of seeds/reference/regions.json
ENSCHEDE = {"lat": 52.222, "lon": 6.894}
HENGELO = {"lat": 52.266, "lon": 6.793}
ALMELO = {"lat": 52.357, "lon": 6.663}
EXACT = {"lat": 52.2301, "lon": 6.9012}  # a street in Enschede, given by the caller

FORM = {"csrf_token": "x", "title": "Kok in de brasserie", "sector": "gastvrijheid",
        "qualifications": "25180", "levels": ["2"], "pathways": ["BOL"], "region": "twente",
        "place": "Hengelo", "capacity": "2"}


def stored(app: Flask, model: Any, ident: int) -> Any:
    with app.app_context():
        obj = db.session.get(model, ident)
        assert obj is not None
        db.session.expunge(obj)
        return obj


def post_offer(client: FlaskClient, make: Factory, **kw: Any) -> dict[str, Any]:
    response = client.post("/api/v1/offers", json=offer_body(make.company(), **kw),
                           headers=make.admin())
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def patch(client: FlaskClient, make: Factory, url: str, **kw: Any) -> dict[str, Any]:
    response = client.patch(url, json=kw, headers=make.admin())
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


# The rule ------------------------------------------------------------------------------------

def test_a_place_named_in_two_regions_gives_the_point_in_the_record_s_region() -> None:
    points = PlacePoints([("Hasselt", "regio-zwolle", 52.592, 6.096),
                          ("Hasselt", "limburg-be", 50.93, 5.338)])
    assert settled_location(points, "Hasselt", ["limburg-be"], None, given=False) == {
        "lat": 50.93, "lon": 5.338}
    assert settled_location(points, "Hasselt", ["twente"], None, given=False) == {
        "lat": 52.592, "lon": 6.096}


def test_an_unknown_or_missing_place_gives_no_location() -> None:
    points = PlacePoints([("Enschede", "twente", 52.222, 6.894)])
    assert settled_location(points, None, ["twente"], None, given=False) is None
    assert settled_location(points, "Nergenshuizen", ["twente"], None, given=False) is None


# Offers through the API ----------------------------------------------------------------------

def test_an_offer_with_a_place_and_no_coordinates_is_put_at_the_place(
        client: FlaskClient, make: Factory, app: Flask) -> None:
    body = post_offer(client, make, place="Hengelo")
    assert body["location"] == HENGELO
    offer = stored(app, Offer, body["id"])
    assert (offer.lat, offer.lon) == (HENGELO["lat"], HENGELO["lon"])


def test_given_coordinates_are_kept(client: FlaskClient, make: Factory) -> None:
    assert post_offer(client, make, place="Enschede", location=EXACT)["location"] == EXACT


def test_an_offer_without_a_place_or_coordinates_has_no_location(
        client: FlaskClient, make: Factory) -> None:
    assert post_offer(client, make)["location"] is None


def test_a_derived_location_follows_a_changed_place(client: FlaskClient,
                                                    make: Factory) -> None:
    oid = post_offer(client, make, place="Hengelo")["id"]
    assert patch(client, make, f"/api/v1/offers/{oid}", place="Almelo")["location"] == ALMELO


def test_a_derived_location_goes_with_a_cleared_place(client: FlaskClient,
                                                      make: Factory) -> None:
    oid = post_offer(client, make, place="Hengelo")["id"]
    assert patch(client, make, f"/api/v1/offers/{oid}", place=None)["location"] is None


def test_given_coordinates_stay_when_only_the_place_changes(client: FlaskClient,
                                                            make: Factory) -> None:
    oid = post_offer(client, make, place="Enschede", location=EXACT)["id"]
    assert patch(client, make, f"/api/v1/offers/{oid}", place="Hengelo")["location"] == EXACT


def test_new_coordinates_given_with_a_new_place_are_kept(client: FlaskClient,
                                                         make: Factory) -> None:
    oid = post_offer(client, make, place="Hengelo")["id"]
    body = patch(client, make, f"/api/v1/offers/{oid}", place="Enschede", location=EXACT)
    assert body["location"] == EXACT


def test_a_change_of_another_field_locates_an_offer_stored_without_location(
        client: FlaskClient, make: Factory) -> None:
    oid = make.offer(place="Hengelo")  # stored before places gave locations
    assert patch(client, make, f"/api/v1/offers/{oid}", title="Kok")["location"] == HENGELO


def test_the_moved_location_is_in_the_offer_s_audit_event(client: FlaskClient,
                                                          make: Factory) -> None:
    oid = post_offer(client, make, place="Hengelo")["id"]
    patch(client, make, f"/api/v1/offers/{oid}", place="Almelo")
    events = client.get("/api/v1/audit", query_string={"entity_type": "offer",
                                                       "entity_id": oid},
                        headers=make.admin()).get_json()
    assert events[0]["action"] == "offer.update"
    assert events[0]["before"] == {"place": "Hengelo", "location": HENGELO}
    assert events[0]["after"] == {"place": "Almelo", "location": ALMELO}


# Students through the API --------------------------------------------------------------------

def test_a_student_with_a_home_place_and_no_coordinates_is_put_there(
        client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/students", headers=make.admin(),
                           json=student_body(make.school(), home_place="Almelo"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["location"] == ALMELO


def test_a_student_s_derived_location_follows_the_home_place(client: FlaskClient,
                                                             make: Factory) -> None:
    created = client.post("/api/v1/students", headers=make.admin(), json=student_body(
        make.school(), home_place="Almelo")).get_json()
    body = patch(client, make, f"/api/v1/students/{created['id']}", home_place="Enschede")
    assert body["location"] == ENSCHEDE


def test_a_student_s_given_coordinates_are_kept(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/students", headers=make.admin(), json=student_body(
        make.school(), home_place="Enschede", location=EXACT))
    assert response.get_json()["location"] == EXACT


# Imports -------------------------------------------------------------------------------------

def test_imported_offers_are_put_at_their_place_unless_given_coordinates(
        client: FlaskClient, make: Factory) -> None:
    company = make.company()
    rows = [offer_body(company, place="Hengelo"),
            offer_body(company, place="Enschede", location=EXACT), offer_body(company)]
    response = client.post("/api/v1/offers/import", json=rows, headers=make.admin())
    assert response.status_code == 200, response.get_json()
    located = [client.get(f"/api/v1/offers/{i}", headers=make.admin()).get_json()["location"]
               for i in response.get_json()["ids"]]
    assert located == [HENGELO, EXACT, None]


def test_offers_imported_as_csv_are_put_at_their_place(client: FlaskClient,
                                                       make: Factory) -> None:
    company = make.company()
    text = ("company_id,title,levels,pathways,qualifications,sector,region,capacity,place\n"
            f"{company},Kok,2,BOL,25180,gastvrijheid,twente,2,Almelo\n")
    response = client.post("/api/v1/offers/import", data=text.encode(),
                           headers={**make.admin(), "Content-Type": "text/csv"})
    assert response.status_code == 200, response.get_json()
    oid = response.get_json()["ids"][0]
    assert client.get(f"/api/v1/offers/{oid}",
                      headers=make.admin()).get_json()["location"] == ALMELO


def test_imported_students_are_put_at_their_home_place(client: FlaskClient,
                                                       make: Factory) -> None:
    school = make.school()
    rows = [student_body(school, student_number="a1", home_place="Almelo"),
            student_body(school, student_number="a2", home_place="Almelo", location=EXACT)]
    response = client.post("/api/v1/students/import", json=rows, headers=make.admin())
    assert response.status_code == 200, response.get_json()
    located = [client.get(f"/api/v1/students/{i}", headers=make.admin()).get_json()["location"]
               for i in response.get_json()["ids"]]
    assert located == [ALMELO, EXACT]


def test_an_import_updating_a_student_puts_them_at_the_new_home_place(
        client: FlaskClient, make: Factory) -> None:
    school = make.school()
    first = client.post("/api/v1/students/import", headers=make.admin(), json=[
        student_body(school, home_place="Almelo")]).get_json()["ids"][0]
    response = client.post("/api/v1/students/import", query_string={"on_conflict": "update"},
                           json=[student_body(school, home_place="Hengelo")],
                           headers=make.admin())
    assert response.status_code == 200, response.get_json()
    assert client.get(f"/api/v1/students/{first}",
                      headers=make.admin()).get_json()["location"] == HENGELO


# The company form and what a student then reads ----------------------------------------------

@pytest.fixture
def company(make: Factory) -> int:
    return make.company(name="Brasserie De Kater")


@pytest.fixture
def signed_in(client: FlaskClient, company: int) -> FlaskClient:
    sign_in_web(client, "company", f"company:{company}", csrf="x")
    return client


def version_of(page: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]+)"', page)
    assert found
    return found.group(1)


def the_offer(app: Flask) -> Offer:
    with app.app_context():
        offer = db.session.scalars(select(Offer)).one()
        db.session.expunge(offer)
        return offer


def test_an_offer_posted_through_the_form_is_put_at_its_place(signed_in: FlaskClient,
                                                              app: Flask) -> None:
    assert signed_in.post("/bedrijf/aanbod/nieuw", data=FORM).status_code == 302
    assert the_offer(app).location == HENGELO


def test_changing_the_place_in_the_form_moves_the_offer(signed_in: FlaskClient,
                                                        app: Flask) -> None:
    signed_in.post("/bedrijf/aanbod/nieuw", data=FORM)
    oid = the_offer(app).id
    version = version_of(signed_in.get(f"/bedrijf/aanbod/{oid}/wijzigen").get_data(
        as_text=True))
    response = signed_in.post(f"/bedrijf/aanbod/{oid}/wijzigen",
                              data={**FORM, "place": "Almelo", "version": version})
    assert response.status_code == 302
    assert the_offer(app).location == ALMELO


def test_the_form_keeps_the_coordinates_an_import_gave(signed_in: FlaskClient, app: Flask,
                                                       make: Factory, company: int) -> None:
    oid = make.offer(company, place="Enschede", location=EXACT)
    version = version_of(signed_in.get(f"/bedrijf/aanbod/{oid}/wijzigen").get_data(
        as_text=True))
    response = signed_in.post(f"/bedrijf/aanbod/{oid}/wijzigen",
                              data={**FORM, "place": "Enschede", "title": "Chef",
                                    "version": version})
    assert response.status_code == 302
    assert stored(app, Offer, oid).location == EXACT


def test_a_student_reads_the_km_to_an_offer_posted_with_only_a_place(
        signed_in: FlaskClient, client: FlaskClient, make: Factory, app: Flask) -> None:
    school = make.school()
    rid = make._add(Round(name="BPV voorjaar", status="open", max_preferences=5,
                          school_id=school))
    response = client.post("/api/v1/students", headers=make.admin(), json=student_body(
        school, qualification="25180", home_place="Enschede", max_travel_km=30.0))
    sid = response.get_json()["id"]
    assert signed_in.post("/bedrijf/aanbod/nieuw",
                          data={**FORM, "round_id": str(rid)}).status_code == 302
    oid = the_offer(app).id
    version = version_of(signed_in.get(f"/bedrijf/aanbod/{oid}").get_data(as_text=True))
    assert signed_in.post(f"/bedrijf/aanbod/{oid}/status", data={
        "csrf_token": "x", "action": "publish", "version": version}).status_code == 302
    student = app.test_client()
    sign_in_web(student, "student", f"student:{sid}", csrf="x")
    html = student.get(f"/student/rounds/{rid}/offers").get_data(as_text=True)
    assert re.search(rf'<li class="panel" data-offer="{oid}"', html)
    # Enschede to Hengelo is about 8 km by the reference points
    assert re.search(r'data-km="[78]\.\d+"', html)
    assert re.search(r"[78],\d\skm", html)
    page = student.get(f"/student/rounds/{rid}/offers/{oid}").get_data(as_text=True)
    assert 'id="offer-km"' in page


def test_an_offer_stored_without_location_shows_no_km(client: FlaskClient, make: Factory
                                                     ) -> None:
    """The other side of the test above: the km shows only where both ends are located."""
    school = make.school()
    rid = make._add(Round(name="BPV voorjaar", status="open", max_preferences=5,
                          school_id=school))
    sid = make.student(school, location=ENSCHEDE)
    make.offer(round_id=rid, place="Hengelo")  # stored directly, bypassing every save
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    html = client.get(f"/student/rounds/{rid}/offers").get_data(as_text=True)
    assert '<li class="panel" data-offer=' in html and "data-km" not in html
