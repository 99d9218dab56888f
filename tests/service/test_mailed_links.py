"""The "round opened" message carries the student's own one-time sign-in link when
MAIL_SIGNIN_LINKS is on: create_app wires the signin feature's builder into messages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.messages.events import SIGNIN_LINKS

from .conftest import CSRF_FIELD, Factory, app_config
from .test_messages import messages, open_round

LINK = re.compile(r"http://leerplek\.test(/inloggen/link/ll_[A-Za-z0-9_-]+)")


@pytest.fixture
def extra_config() -> dict[str, Any]:
    return {"MAIL_SIGNIN_LINKS": True, "BASE_URL": "http://leerplek.test"}


def test_the_round_opened_message_holds_a_link_that_signs_the_student_in(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    open_round(client, make, ["an@example.org"])
    (m,) = messages(app, kind="round_opened")
    match = LINK.search(m.body_text)
    assert match and f'href="{match.group(0)}"' in m.body_html
    page = client.get(match.group(1))
    assert page.status_code == 200
    csrf = CSRF_FIELD.search(page.get_data(as_text=True))
    assert csrf
    signed_in = client.post(match.group(1), data={"csrf_token": csrf.group(1)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/student/")
    with client.session_transaction() as cookie:
        assert cookie.get("csrf")
    assert client.get("/student/").status_code == 200


def test_each_student_gets_a_link_of_their_own(app: Flask, client: FlaskClient,
                                              make: Factory) -> None:
    open_round(client, make, ["an@example.org", "bo@example.org"])
    links = {LINK.search(m.body_text).group(1)  # type: ignore[union-attr]
             for m in messages(app, kind="round_opened")}
    assert len(links) == 2


def test_without_the_setting_no_builder_is_registered(tmp_path: Path) -> None:
    app = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}"))
    assert SIGNIN_LINKS not in app.extensions
