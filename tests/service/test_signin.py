"""Sign-in for people: one-time links, sessions (idle timeout, lifetime, sign-out, revoking a
person's access), the CLI's links, the dashboard's links and letters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.cli import main
from service.extensions import db
from service.identity.links import create_link
from service.identity.signin import SESSION_TOKEN
from service.models import TOKEN_SESSION, ApiToken, AuditEvent, SignInLink

from .conftest import Factory, sign_in_web

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def link(app: Flask, role: str, scope: str, days: int = 14) -> str:
    with app.app_context(), db.transaction() as session:
        return create_link(session, None, role, scope, days)[1]


def page_csrf(client: FlaskClient, path: str) -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def use(client: FlaskClient, secret: str) -> Any:
    token = page_csrf(client, f"/inloggen/link/{secret}")
    return client.post(f"/inloggen/link/{secret}", data={"csrf_token": token})


def session_rows(app: Flask) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).where(
            ApiToken.purpose == TOKEN_SESSION).order_by(ApiToken.id)))


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def cli_env(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("LEERPLEK_BASE_URL", "https://leerplek.example.nl")


# One-time links -----------------------------------------------------------------------------

def test_the_front_door_leads_to_signing_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"


def test_the_sign_in_page_is_dutch(client: FlaskClient) -> None:
    html = client.get("/inloggen").get_data(as_text=True)
    assert "<h1>Inloggen</h1>" in html and 'lang="nl"' in html


def test_opening_a_link_shows_a_button_and_does_not_use_it(app: Flask, client: FlaskClient,
                                                           make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    for _ in range(2):  # a mail scanner's visit, then the student's
        response = client.get(f"/inloggen/link/{secret}")
        assert response.status_code == 200
        assert 'id="use-link"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SignInLink.used_at)) is None
    assert session_rows(app) == []


@pytest.mark.parametrize(("role", "home"), [("student", "/student/"), ("company", "/bedrijf"),
                                            ("coordinator", "/dashboard")])
def test_a_link_opens_a_session_on_its_roles_pages(app: Flask, client: FlaskClient,
                                                   make: Factory, role: str, home: str) -> None:
    scope = {"student": lambda: f"student:{make.student()}",
             "company": lambda: f"company:{make.company()}",
             "coordinator": lambda: f"school:{make.school()}"}[role]()
    response = use(client, link(app, role, scope))
    assert response.status_code == 302 and response.headers["Location"] == home
    [row] = session_rows(app)
    assert (row.role, row.scope) == (role, scope)
    with client.session_transaction() as cookie:
        assert cookie[SESSION_TOKEN] == row.token_hash


def test_a_link_works_once(app: Flask, client: FlaskClient, make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    assert use(client, secret).status_code == 302
    other = app.test_client()
    response = other.get(f"/inloggen/link/{secret}")
    assert response.status_code == 401
    assert "al gebruikt" in response.get_data(as_text=True)
    with other.session_transaction() as cookie:
        cookie["csrf"] = "x"
    assert other.post(f"/inloggen/link/{secret}", data={"csrf_token": "x"}).status_code == 401
    assert len(session_rows(app)) == 1


def test_an_expired_link_is_refused(app: Flask, client: FlaskClient, make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    with app.app_context(), db.transaction() as session:
        session.execute(update(SignInLink).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert client.get(f"/inloggen/link/{secret}").status_code == 401


def test_a_link_expires_after_fourteen_days_by_default(app: Flask, make: Factory) -> None:
    link(app, "student", f"student:{make.student()}")
    with app.app_context():
        row = db.session.scalars(select(SignInLink)).one()
        days = (row.expires_at.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)).days
    assert days == 13  # 14 days less the moment since


def test_a_link_is_stored_hashed(app: Flask, make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    with app.app_context():
        row = db.session.scalars(select(SignInLink)).one()
    assert secret.startswith("ll_") and secret not in row.token_hash
    assert row.created_by == "system"


def test_using_a_link_needs_the_forms_csrf_token(app: Flask, client: FlaskClient,
                                                 make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    client.get(f"/inloggen/link/{secret}")
    assert client.post(f"/inloggen/link/{secret}").status_code == 400
    assert session_rows(app) == []


def test_signing_in_replaces_a_planted_session(app: Flask, client: FlaskClient,
                                               make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    token = page_csrf(client, f"/inloggen/link/{secret}")
    client.post(f"/inloggen/link/{secret}", data={"csrf_token": token})
    with client.session_transaction() as cookie:
        assert cookie["csrf"] != token  # a CSRF secret known before sign-in is gone


@pytest.mark.parametrize("extra_config", [{"AUTH_FAILURE_LIMIT": "3 per minute"}])
def test_guessing_links_is_throttled_like_tokens(app: Flask, client: FlaskClient,
                                                 make: Factory) -> None:
    for _ in range(3):
        assert client.get("/inloggen/link/ll_guess").status_code == 401
    response = client.get("/inloggen/link/ll_guess")
    assert response.status_code == 429
    assert "Te veel mislukte" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # A valid link from that address waits too, and so does the API.
    assert client.get(f"/inloggen/link/{link(app, 'admin', '')}").status_code == 429
    assert client.get("/api/v1/schools", headers=make.admin()).status_code == 429


def test_making_and_using_a_link_is_audited(app: Flask, client: FlaskClient,
                                            make: Factory) -> None:
    use(client, link(app, "student", f"student:{make.student()}"))
    assert [a for a in actions(app) if a.startswith(("link", "session"))] == [
        "link.create", "session.start", "link.use"]


# Sessions -----------------------------------------------------------------------------------

def test_a_session_token_is_refused_by_the_api(app: Flask, client: FlaskClient,
                                               make: Factory) -> None:
    sign_in_web(client, "admin", "")
    [row] = session_rows(app)
    # Only the hash ever left the server; even offered as a bearer token it does not work.
    response = client.get("/api/v1/schools", headers={"Authorization": f"Bearer {row.token_hash}"})
    assert response.status_code == 401


def test_the_api_lists_a_session_as_a_session_token(app: Flask, client: FlaskClient,
                                                    make: Factory) -> None:
    scope = f"student:{make.student()}"
    sign_in_web(client, "student", scope)
    rows = client.get(f"/api/v1/tokens?scope={scope}", headers=make.admin()).get_json()
    assert [(r["role"], r["purpose"]) for r in rows] == [("student", "session")]


def test_a_session_ends_at_its_lifetime(app: Flask, client: FlaskClient, make: Factory) -> None:
    sign_in_web(client, "coordinator", f"school:{make.school()}")
    [row] = session_rows(app)
    lifetime = row.expires_at.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=11, minutes=59) < lifetime <= dt.timedelta(hours=12)
    with app.app_context(), db.transaction() as session:
        session.execute(update(ApiToken).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert client.get("/dashboard/rounds").headers["Location"] == "/inloggen"


def test_an_idle_session_ends_and_its_token_is_revoked(app: Flask, client: FlaskClient,
                                                       make: Factory) -> None:
    sign_in_web(client, "coordinator", f"school:{make.school()}")
    assert client.get("/dashboard/rounds").status_code == 200
    with client.session_transaction() as cookie:
        cookie["seen"] = int(time.time()) - 31 * 60
    assert client.get("/dashboard/rounds").headers["Location"] == "/inloggen"
    [row] = session_rows(app)
    assert row.revoked_at is not None
    assert "session.end" in actions(app)


def test_a_session_used_within_the_idle_timeout_goes_on(app: Flask, client: FlaskClient,
                                                        make: Factory) -> None:
    sign_in_web(client, "coordinator", f"school:{make.school()}")
    with client.session_transaction() as cookie:
        cookie["seen"] = int(time.time()) - 29 * 60
    asked_at = int(time.time())
    assert client.get("/dashboard/rounds").status_code == 200
    with client.session_transaction() as cookie:
        # The clock starts again at the request (not "within N seconds of now": a slow,
        # busy machine took longer than that to render the page).
        assert cookie["seen"] >= asked_at


def test_signing_out_revokes_the_session_token(app: Flask, client: FlaskClient,
                                               make: Factory) -> None:
    csrf = sign_in_web(client, "coordinator", f"school:{make.school()}")
    with client.session_transaction() as cookie:
        stolen = dict(cookie)
    response = client.post("/uitloggen", data={"csrf_token": csrf})
    assert response.headers["Location"] == "/inloggen"
    [row] = session_rows(app)
    assert row.revoked_at is not None
    # A copy of the cookie taken before signing out no longer works.
    with client.session_transaction() as cookie:
        cookie.update(stolen)
    assert client.get("/dashboard/rounds").status_code == 302


def test_signing_out_of_the_dashboard_revokes_the_session_token(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    csrf = sign_in_web(client, "coordinator", f"school:{make.school()}")
    client.post("/dashboard/logout", data={"csrf_token": csrf})
    [row] = session_rows(app)
    assert row.revoked_at is not None


def test_signing_out_needs_the_csrf_token(app: Flask, client: FlaskClient,
                                          make: Factory) -> None:
    sign_in_web(client, "coordinator", f"school:{make.school()}")
    assert client.post("/uitloggen").status_code == 400
    assert client.get("/dashboard/rounds").status_code == 200


def test_the_session_cookie_is_httponly_and_lax(app: Flask, client: FlaskClient,
                                                make: Factory) -> None:
    secret = link(app, "student", f"student:{make.student()}")
    token = page_csrf(client, f"/inloggen/link/{secret}")
    response = client.post(f"/inloggen/link/{secret}", data={"csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_request_without_a_session_cookie_builds_no_cookie_signer(
        app: Flask, client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every API request comes without the cookie: Flask built the signer for it anyway.
    built: list[object] = []
    interface = app.session_interface
    real = interface.get_signing_serializer
    monkeypatch.setattr(interface, "get_signing_serializer",
                        lambda a: built.append(a) or real(a))
    assert client.get("/api/v1/schools", headers=make.admin()).status_code == 200
    assert built == []
    use(client, link(app, "admin", ""))  # a sign-in: the cookie is set and read again
    assert built
    assert client.get("/dashboard/rounds").status_code == 200  # signed in by the cookie


def test_the_session_cookie_is_secure_outside_tests(tmp_path: Path) -> None:
    from service.app import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
                      "EMBEDDED_SWEEPS": False})  # no sweeps outliving the test
    assert app.config["SESSION_COOKIE_SECURE"] is True


# Revoking a person's access -----------------------------------------------------------------

def test_revoking_access_ends_sessions_and_unused_links(app: Flask, client: FlaskClient,
                                                        make: Factory, cli_env: None) -> None:
    scope = f"student:{make.student()}"
    sign_in_web(client, "student", scope)
    unused = link(app, "student", scope)
    api = make.token("student", scope)
    assert main(["revoke-access", "--role", "student", "--scope", scope]) == 0
    with client.session_transaction() as cookie:
        token_hash = cookie[SESSION_TOKEN]
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
        assert row is not None and row.revoked_at is not None
    assert app.test_client().get(f"/inloggen/link/{unused}").status_code == 401
    assert client.get("/api/v1/students", headers=api).status_code == 401
    assert "access.revoke" in actions(app)


# The command line -------------------------------------------------------------------------

def test_login_link_prints_one_url(app: Flask, client: FlaskClient, make: Factory,
                                   cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    student = make.student()
    assert main(["login-link", "--role", "student", "--scope", f"student:{student}"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://leerplek.example.nl/inloggen/link/ll_")
    assert use(client, url.rsplit("/", 1)[1]).headers["Location"] == "/student/"


def test_login_link_refuses_a_scope_without_a_record(app: Flask, cli_env: None) -> None:
    assert main(["login-link", "--role", "student", "--scope", "student:999"]) != 0


def test_login_links_writes_one_link_per_student_of_the_school(
        app: Flask, make: Factory, cli_env: None, tmp_path: Path) -> None:
    school = make.school(name="ROC Test")
    mine = [make.student(school) for _ in range(3)]
    make.student()  # another school's student gets none
    out = tmp_path / "links.csv"
    assert main(["login-links", "--role", "student", "--school", str(school),
                 "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["scope"] for r in rows] == [f"student:{i}" for i in mine]
    assert {r["school"] for r in rows} == {"ROC Test"}
    assert len({r["link"] for r in rows}) == 3
    with app.app_context():
        assert db.session.query(SignInLink).count() == 3


def test_login_links_for_companies(app: Flask, make: Factory, cli_env: None,
                                   tmp_path: Path) -> None:
    companies = [make.company(name=f"Bedrijf {n}") for n in range(2)]
    out = tmp_path / "links.csv"
    assert main(["login-links", "--role", "company", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["scope"], r["name"]) for r in rows] == [
        (f"company:{c}", f"Bedrijf {n}") for n, c in enumerate(companies)]


# The dashboard: links for the students in scope -------------------------------------------

def make_links(client: FlaskClient, csrf: str, kind: str, school: int | str = "") -> Any:
    return client.post("/dashboard/links", data={"csrf_token": csrf, "format": kind,
                                                 "school_id": str(school)})


def test_a_coordinator_downloads_links_for_their_students_only(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    school = make.school()
    mine = [make.student(school) for _ in range(2)]
    make.student()
    csrf = sign_in_web(client, "coordinator", f"school:{school}")
    response = make_links(client, csrf, "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["student_id"]) for r in rows] == mine
    fresh = app.test_client()
    assert use(fresh, rows[0]["link"].rsplit("/", 1)[1]).headers["Location"] == "/student/"


def test_a_coordinator_can_not_make_links_for_another_school(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    other = make.school()
    make.student(other)
    csrf = sign_in_web(client, "coordinator", f"school:{make.school()}")
    assert make_links(client, csrf, "csv", other).status_code == 404
    with app.app_context():
        assert db.session.query(SignInLink).count() == 1  # the coordinator's own


def test_letters_carry_a_qr_code_per_student(app: Flask, client: FlaskClient,
                                             make: Factory) -> None:
    school = make.school()
    numbers = ["a100", "a200"]
    for number in numbers:
        make.student(school, student_number=number)
    csrf = sign_in_web(client, "coordinator", f"school:{school}")
    html = make_links(client, csrf, "letters").get_data(as_text=True)
    assert html.count('class="letter"') == 2
    assert html.count("<svg") == 2
    assert all(f"Studentnummer {n}" in html for n in numbers)
    assert "/inloggen/link/ll_" in html


def test_making_links_is_audited(app: Flask, client: FlaskClient, make: Factory) -> None:
    school = make.school()
    make.student(school)
    csrf = sign_in_web(client, "coordinator", f"school:{school}")
    make_links(client, csrf, "csv")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "link.create").order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.actor_role, event.after["links"]) == ("coordinator", 1)


def test_making_links_needs_the_csrf_token(app: Flask, client: FlaskClient,
                                           make: Factory) -> None:
    school = make.school()
    make.student(school)
    sign_in_web(client, "coordinator", f"school:{school}")
    assert make_links(client, "wrong", "csv").status_code == 400


def test_a_coordinator_revokes_a_students_access_from_their_page(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    school = make.school()
    student = make.student(school)
    theirs = app.test_client()
    sign_in_web(theirs, "student", f"student:{student}")
    csrf = sign_in_web(client, "coordinator", f"school:{school}")
    response = client.post(f"/dashboard/students/{student}/access", data={"csrf_token": csrf})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="access-revoked"' in page
    with theirs.session_transaction() as cookie:
        token_hash = cookie[SESSION_TOKEN]
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
        assert row is not None and row.revoked_at is not None


def test_a_coordinator_can_not_revoke_another_schools_student(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    other = make.student()
    csrf = sign_in_web(client, "coordinator", f"school:{make.school()}")
    response = client.post(f"/dashboard/students/{other}/access", data={"csrf_token": csrf})
    assert response.status_code == 404

