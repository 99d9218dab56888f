"""Sign-in through a school's OpenID Connect provider, against a real provider: the
``oidc-provider-mock`` server runs in a thread on a free port and answers over HTTP (discovery,
authorization form, token endpoint with PKCE, signed ID tokens, JWKS); nothing is patched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import oidc_provider_mock
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.extensions import db
from service.identity.signin import SESSION_TOKEN
from service.models import TOKEN_SESSION, ApiToken, AuditEvent

from .conftest import Factory

CLAIM = "studentnummer"
COORDINATOR = "urn:mace:roc-oost.nl:leerplek:coordinator"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's issuer URL; it insists on a nonce, as a school's should."""
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def extra_config(provider: str) -> dict[str, Any]:
    """School 1 (the first a test makes) signs in through the provider."""
    return {"OIDC_PROVIDERS": {"1": {
        "issuer": provider, "client_id": "leerplek", "client_secret": "geheim",
        "student_claim": CLAIM, "coordinator_claim": "eduperson_entitlement",
        "coordinator_value": COORDINATOR}}}


def person(provider: str, sub: str, **claims: Any) -> None:
    """An account at the school's provider, with its claims."""
    response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204


def authorize(provider_url: str, sub: str) -> str:
    """The person approves at the provider (its form, as a browser posts it); the address
    the provider sends them back to."""
    response = requests.post(provider_url, data={"sub": sub}, allow_redirects=False,
                             timeout=10)
    assert response.status_code == 302, response.text
    return str(response.headers["Location"])


def back(client: FlaskClient, location: str) -> Any:
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_at_school(client: FlaskClient, provider: str, sub: str, school: int = 1) -> Any:
    start = client.get(f"/inloggen/school/{school}")
    assert start.status_code == 302, start.get_data(as_text=True)
    return back(client, authorize(start.headers["Location"], sub))


def school_one(make: Factory) -> int:
    school = make.school(name="ROC Oost")
    assert school == 1  # the id the provider is configured for
    return school


def test_the_sign_in_page_offers_the_schools_own_sign_in(client: FlaskClient,
                                                         make: Factory) -> None:
    school_one(make)
    html = client.get("/inloggen").get_data(as_text=True)
    assert 'href="/inloggen/school/1"' in html and "Inloggen via ROC Oost" in html


def test_a_student_signs_in_through_the_schools_provider(app: Flask, client: FlaskClient,
                                                         make: Factory, provider: str) -> None:
    school = school_one(make)
    student = make.student(school, student_number="123456")
    person(provider, "alice@roc-oost.nl", **{CLAIM: "123456"})
    response = sign_in_at_school(client, provider, "alice@roc-oost.nl")
    assert response.status_code == 302 and response.headers["Location"] == "/student/"
    with client.session_transaction() as cookie:
        token_hash = cookie[SESSION_TOKEN]
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
        assert row is not None
        assert (row.role, row.scope, row.purpose) == ("student", f"student:{student}",
                                                      TOKEN_SESSION)
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "session.start")).one()
        assert event.after["via"] == "oidc" and event.actor_token_id == row.id


def test_the_request_carries_state_nonce_and_a_pkce_challenge(client: FlaskClient,
                                                              make: Factory) -> None:
    school_one(make)
    query = parse_qs(urlsplit(client.get("/inloggen/school/1").headers["Location"]).query)
    assert query["response_type"] == ["code"] and query["scope"] == ["openid"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]


def test_an_account_without_a_student_of_this_school_is_refused(
        app: Flask, client: FlaskClient, make: Factory, provider: str) -> None:
    school_one(make)
    make.student(make.school(), student_number="777")  # the number exists, at another school
    person(provider, "bob@roc-oost.nl", **{CLAIM: "777"})
    response = sign_in_at_school(client, provider, "bob@roc-oost.nl")
    assert response.status_code == 403
    assert "niet bekend als student van deze school" in response.get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert SESSION_TOKEN not in cookie


def test_an_account_without_the_claim_is_refused(client: FlaskClient, make: Factory,
                                                 provider: str) -> None:
    school_one(make)
    person(provider, "carol@roc-oost.nl", email="carol@roc-oost.nl")
    assert sign_in_at_school(client, provider, "carol@roc-oost.nl").status_code == 403


def test_a_forged_state_is_refused(client: FlaskClient, make: Factory, provider: str) -> None:
    school = school_one(make)
    make.student(school, student_number="42")
    person(provider, "dave@roc-oost.nl", **{CLAIM: "42"})
    start = client.get("/inloggen/school/1").headers["Location"]
    location = authorize(start, "dave@roc-oost.nl").replace("state=", "state=x")
    response = back(client, location)
    assert response.status_code == 400
    with client.session_transaction() as cookie:
        assert SESSION_TOKEN not in cookie


def test_a_code_from_another_browser_is_refused(app: Flask, client: FlaskClient,
                                                make: Factory, provider: str) -> None:
    """The code and state belong to the session that asked (login CSRF)."""
    school = school_one(make)
    make.student(school, student_number="43")
    person(provider, "erin@roc-oost.nl", **{CLAIM: "43"})
    location = authorize(client.get("/inloggen/school/1").headers["Location"],
                         "erin@roc-oost.nl")
    assert back(app.test_client(), location).status_code == 400


def test_a_school_without_a_provider_has_no_school_sign_in(client: FlaskClient,
                                                           make: Factory) -> None:
    school_one(make)
    other = make.school()
    assert client.get(f"/inloggen/school/{other}").status_code == 404


def test_a_coordinator_signs_in_through_the_schools_provider(
        app: Flask, client: FlaskClient, make: Factory, provider: str) -> None:
    school_one(make)
    person(provider, "gert@roc-oost.nl", eduperson_entitlement=["urn:other", COORDINATOR])
    response = sign_in_at_school(client, provider, "gert@roc-oost.nl")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard/rounds").status_code == 200
    with app.app_context():
        row = db.session.scalars(select(ApiToken).where(
            ApiToken.purpose == TOKEN_SESSION)).one()
        assert (row.role, row.scope) == ("coordinator", "school:1")


def test_another_entitlement_does_not_make_a_coordinator(client: FlaskClient, make: Factory,
                                                         provider: str) -> None:
    school_one(make)
    person(provider, "hans@roc-oost.nl", eduperson_entitlement=["urn:other"])
    assert sign_in_at_school(client, provider, "hans@roc-oost.nl").status_code == 403
