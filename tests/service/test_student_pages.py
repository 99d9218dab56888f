"""The students' pages under /student: rounds, eligible offers, the list, the placement."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.models import Assignment, AuditEvent, Preference, Round, Student
from service.rounds.lifecycle import follow_up
from tests.service.conftest import Factory, sign_in_web

ENSCHEDE = {"lat": 52.2215, "lon": 6.8937}
HENGELO = {"lat": 52.2658, "lon": 6.7931}  # about 8 km from Enschede
ZWOLLE = {"lat": 52.5168, "lon": 6.0830}  # about 62 km


def a_round(make: Factory, **kw: Any) -> int:
    return make._add(Round(**{"name": "BPV voorjaar", "status": "open", "max_preferences": 5,
                              **kw}))


def setup(make: Factory, **round_kw: Any) -> dict[str, int]:
    school = make.school()
    sid = make.student(school, location=ENSCHEDE, max_travel_km=30.0)
    rid = a_round(make, school_id=school, **round_kw)
    return {"school": school, "student": sid, "round": rid}


def offer(make: Factory, rid: int, **kw: Any) -> int:
    return make.offer(round_id=rid, **{"location": HENGELO, **kw})


def offer_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<li class="panel" data-offer="(\d+)"', html)]


def my_list(app: Flask, rid: int, sid: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Preference.offer_id).where(
            Preference.round_id == rid, Preference.student_id == sid)
            .order_by(Preference.rank)))


def post_list(client: FlaskClient, rid: int, action: str, oid: int, **kw: Any) -> Any:
    return client.post(f"/student/rounds/{rid}/list",
                       data={"csrf_token": "x", "action": action, "offer_id": oid, **kw})


# Signing in ---------------------------------------------------------------------------------

def test_a_visitor_without_a_session_is_sent_to_the_sign_in_page(client: FlaskClient) -> None:
    response = client.get("/student/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_a_coordinator_session_is_not_a_student_session(client: FlaskClient,
                                                        make: Factory) -> None:
    school = make.school()
    sign_in_web(client, "coordinator", f"school:{school}", csrf="x")
    assert client.get("/student/").status_code == 302


def test_a_form_without_the_csrf_token_is_refused(client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    oid = offer(make, ids["round"])
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    response = client.post(f"/student/rounds/{ids['round']}/list",
                           data={"action": "add", "offer_id": oid})
    assert response.status_code == 400


# Rounds -------------------------------------------------------------------------------------

def test_the_rounds_page_lists_the_rounds_the_student_takes_part_in(
        client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    other = a_round(make, school_id=make.school(), name="Andere school")
    draft = a_round(make, school_id=ids["school"], status="draft", name="Concept")
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    html = client.get("/student/").get_data(as_text=True)
    assert f'data-round="{ids["round"]}"' in html
    assert f'data-round="{other}"' not in html and f'data-round="{draft}"' not in html
    assert client.get(f"/student/rounds/{other}").status_code == 404
    assert client.get(f"/student/rounds/{draft}/offers").status_code == 404


def test_the_round_page_explains_the_policy_honestly(client: FlaskClient,
                                                      make: Factory) -> None:
    ids = setup(make, objective="stable")
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert "Eerlijke volgorde" in html
    assert "altijd veilig" in html
    with client.application.app_context(), db.transaction() as session:
        rnd = session.get(Round, ids["round"])
        assert rnd is not None
        rnd.objective = "optimal"
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert "niet gegarandeerd" in html


# Offers -------------------------------------------------------------------------------------

def test_only_eligible_offers_are_shown_with_their_distance(client: FlaskClient,
                                                            make: Factory) -> None:
    ids = setup(make)
    rid = ids["round"]
    fits = offer(make, rid, title="Kok")
    too_far = offer(make, rid, location=ZWOLLE)
    wrong_level = offer(make, rid, levels=[4])
    wrong_course = offer(make, rid, qualifications=["25603"])
    draft = offer(make, rid, status="draft")
    other_round = offer(make, a_round(make, school_id=ids["school"]))
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    html = client.get(f"/student/rounds/{rid}/offers").get_data(as_text=True)
    assert offer_ids(html) == [fits]
    assert re.search(r'data-km="8\.\d+"', html)
    assert re.search(r"[78],\d\skm", html)  # Dutch decimal comma
    for hidden in (too_far, wrong_level, wrong_course, draft, other_round):
        assert client.get(f"/student/rounds/{rid}/offers/{hidden}").status_code == 404
    page = client.get(f"/student/rounds/{rid}/offers/{fits}").get_data(as_text=True)
    assert 'id="offer-company"' in page and 'id="offer-km"' in page
    assert "Kok (crebo 25180)" in page  # the course by name, its code beside it


def test_the_filters_narrow_the_offers(client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    rid = ids["round"]
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    with client.application.app_context(), db.transaction() as session:
        student = session.get(Student, ids["student"])
        assert student is not None
        student.pathways = ["BOL", "BBL"]
    near = offer(make, rid, title="Kok Enschede", location=ENSCHEDE)
    hengelo = offer(make, rid, title="Kok Hengelo", pathways=["BBL"])
    ids_of = lambda q: offer_ids(client.get(f"/student/rounds/{rid}/offers?{q}")  # noqa: E731
                                 .get_data(as_text=True))
    assert ids_of("") == [near, hengelo]  # nearest first
    assert ids_of("km=3") == [near]
    assert ids_of("pathway=BBL") == [hengelo]
    assert ids_of("q=hengelo") == [hengelo]
    company = make.company(name="Hotel De Broeierd")
    hotel = offer(make, rid, company_id=company, title="Gastheer", location=HENGELO)
    assert ids_of("q=broeierd+gastheer") == [hotel]  # words in the title or company name
    assert ids_of("q=broeierd+kok") == []
    assert ids_of("qualification=25180") == [near, hengelo, hotel]
    assert ids_of("sector=zorg-welzijn") == []
    assert 'aria-invalid="true"' in client.get(f"/student/rounds/{rid}/offers?km=abc"
                                               ).get_data(as_text=True)


def test_offers_are_paged_in_twenties(client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    rid = ids["round"]
    company = make.company()
    made = [offer(make, rid, company_id=company) for _ in range(25)]
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    first = client.get(f"/student/rounds/{rid}/offers").get_data(as_text=True)
    second = client.get(f"/student/rounds/{rid}/offers?page=2").get_data(as_text=True)
    assert 'data-total="25"' in first
    assert offer_ids(first) + offer_ids(second) == made
    assert len(offer_ids(second)) == 5


# My list ------------------------------------------------------------------------------------

def test_the_list_is_built_with_buttons_and_saved_as_the_api_saves_it(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    rid, sid = ids["round"], ids["student"]
    a, b, c = (offer(make, rid) for _ in range(3))
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    for oid in (a, b, c):
        assert post_list(client, rid, "add", oid).status_code == 302
    assert my_list(app, rid, sid) == [a, b, c]
    post_list(client, rid, "up", c)
    assert my_list(app, rid, sid) == [a, c, b]
    post_list(client, rid, "down", a)
    assert my_list(app, rid, sid) == [c, a, b]
    post_list(client, rid, "move", b, position="1")
    assert my_list(app, rid, sid) == [b, c, a]
    post_list(client, rid, "remove", c)
    assert my_list(app, rid, sid) == [b, a]
    html = client.get(f"/student/rounds/{rid}").get_data(as_text=True)
    assert 'data-count="2"' in html and 'data-max="5"' in html
    assert html.index(f'id="entry-{b}"') < html.index(f'id="entry-{a}"')
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "preferences.submit")))
    assert len(events) == 7 and {e.actor_surface for e in events} == {"student"}


def test_the_list_holds_at_most_max_preferences(app: Flask, client: FlaskClient,
                                                make: Factory) -> None:
    ids = setup(make, max_preferences=2)
    rid, sid = ids["round"], ids["student"]
    a, b, c = (offer(make, rid) for _ in range(3))
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    post_list(client, rid, "add", a)
    post_list(client, rid, "add", b)
    response = post_list(client, rid, "add", c)
    assert response.status_code == 302
    assert my_list(app, rid, sid) == [a, b]
    html = client.get(f"/student/rounds/{rid}").get_data(as_text=True)
    assert 'id="flash-error"' in html and "vol" in html


def test_an_offer_the_student_may_not_choose_is_not_added(app: Flask, client: FlaskClient,
                                                          make: Factory) -> None:
    ids = setup(make)
    rid, sid = ids["round"], ids["student"]
    wrong = offer(make, rid, levels=[4])
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    post_list(client, rid, "add", wrong)
    assert my_list(app, rid, sid) == []
    assert 'id="flash-error"' in client.get(f"/student/rounds/{rid}").get_data(as_text=True)


def test_a_closed_round_keeps_its_list(app: Flask, client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    rid, sid = ids["round"], ids["student"]
    a = offer(make, rid)
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    post_list(client, rid, "add", a)
    with app.app_context(), db.transaction() as session:
        rnd = session.get(Round, rid)
        assert rnd is not None
        rnd.status = "closed"
    post_list(client, rid, "remove", a)
    assert my_list(app, rid, sid) == [a]
    html = client.get(f"/student/rounds/{rid}").get_data(as_text=True)
    assert f'id="remove-{a}"' not in html and 'id="flash-error"' in html


# Result -------------------------------------------------------------------------------------

def published(make: Factory, ids: dict[str, int], offer_id: int | None,
              reason: str | None = None) -> int | None:
    """The round published, with the student's placement at ``offer_id`` (or unplaced)."""
    with make.app.app_context(), db.transaction() as session:
        rnd = session.get(Round, ids["round"])
        assert rnd is not None
        rnd.status = "published"
        rnd.respond_by = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
        rnd.report = {"stats": {}, "unassigned": [] if reason is None else [
            {"student_id": str(ids["student"]), "reason": reason, "detail": ""}]}
        if offer_id is None:
            return None
        a = Assignment(round_id=rnd.id, student_id=ids["student"], offer_id=offer_id, rank=1)
        session.add(a)
        session.flush()
        return a.id


def answer(client: FlaskClient, rid: int, aid: int, value: str) -> Any:
    return client.post(f"/student/rounds/{rid}/answer",
                       data={"csrf_token": "x", "assignment_id": aid, "answer": value})


def test_a_student_accepts_the_placement(app: Flask, client: FlaskClient,
                                         make: Factory) -> None:
    ids = setup(make)
    oid = offer(make, ids["round"], start=dt.date(2027, 2, 1), end=dt.date(2027, 7, 1))
    aid = published(make, ids, oid)
    assert aid is not None
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert 'id="result-company"' in html and "1 februari 2027" in html
    assert answer(client, ids["round"], aid, "accept").status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, aid).status == "accepted"  # type: ignore[union-attr]
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert 'data-status="accepted"' in html and 'id="accept"' not in html


def test_a_bbl_placement_waits_for_the_company(app: Flask, client: FlaskClient,
                                               make: Factory) -> None:
    school = make.school()
    sid = make.student(school, pathways=["BBL"])
    ids = {"school": school, "student": sid, "round": a_round(make, school_id=school)}
    aid = published(make, ids, offer(make, ids["round"], pathways=["BBL"]))
    assert aid is not None
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    answer(client, ids["round"], aid, "accept")
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert "wacht op het bedrijf" in html.lower()
    with app.app_context():
        assert db.session.get(Assignment, aid).status == "proposed"  # type: ignore[union-attr]


def test_an_unplaced_student_reads_the_reason_and_what_comes_next(
        client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    published(make, ids, None, reason="outcompeted")
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert 'id="unplaced-reason"' in html and "vol" in html
    assert 'id="next-step"' in html and "vervolgronde" in html


def test_another_students_placement_is_not_found(app: Flask, client: FlaskClient,
                                                 make: Factory) -> None:
    ids = setup(make)
    other = make.student(ids["school"])
    oid = offer(make, ids["round"])
    published(make, ids, None)
    with app.app_context(), db.transaction() as session:
        theirs = Assignment(round_id=ids["round"], student_id=other, offer_id=oid, rank=1)
        session.add(theirs)
        session.flush()
        aid = theirs.id
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    assert answer(client, ids["round"], aid, "decline").status_code == 404
    html = client.get(f"/student/rounds/{ids['round']}").get_data(as_text=True)
    assert 'id="result-company"' not in html
    with app.app_context():
        assert db.session.get(Assignment, aid).status == "proposed"  # type: ignore[union-attr]


def test_another_students_list_and_round_stay_out_of_sight(app: Flask, client: FlaskClient,
                                                           make: Factory) -> None:
    ids = setup(make)
    rid = ids["round"]
    theirs, mine = offer(make, rid), offer(make, rid)
    other = make.student(ids["school"])
    elsewhere = a_round(make, school_id=make.school())
    with app.app_context(), db.transaction() as session:
        session.add(Preference(round_id=rid, student_id=other, offer_id=theirs, rank=1))
    sign_in_web(client, "student", f"student:{ids['student']}", csrf="x")
    post_list(client, rid, "add", mine)
    html = client.get(f"/student/rounds/{rid}").get_data(as_text=True)
    assert f'id="entry-{mine}"' in html and f'id="entry-{theirs}"' not in html
    assert client.get(f"/student/rounds/{elsewhere}/offers").status_code == 404
    assert client.get(f"/student/rounds/{elsewhere}").status_code == 404


def test_after_a_follow_up_the_student_finds_the_new_round_with_their_list(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    ids = setup(make)
    rid, sid = ids["round"], ids["student"]
    oid = offer(make, rid)
    sign_in_web(client, "student", f"student:{sid}", csrf="x")
    post_list(client, rid, "add", oid)
    published(make, ids, None, reason="outcompeted")
    with app.app_context(), db.transaction() as session:
        rnd = session.get(Round, rid)
        assert rnd is not None
        nxt = follow_up(session, None, rnd).id
    html = client.get("/student/").get_data(as_text=True)
    assert f'data-round="{nxt}"' in html and f'data-round="{rid}"' not in html
    page = client.get(f"/student/rounds/{nxt}").get_data(as_text=True)
    assert f'id="entry-{oid}"' in page  # the list came along, as the page promised
