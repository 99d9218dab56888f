"""The dashboard's Berichten page in Chromium: sent and failed messages with the reason in
Dutch, at 360 and 1280 px, without sideways scrolling, and WCAG 2.1 AA by axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from service.audit.log import now
from service.extensions import db
from service.models import Message, School, Student

from .test_dashboard_browser import (  # noqa: F401  (fixtures used by name)
    WIDTHS,
    accessible,
    browser,
    no_sideways_scroll,
    server,
    sign_in_page,
)


@pytest.fixture
def outbox(app: Flask) -> str:
    """A school's coordinator scope; one sent and one failed message to its students."""
    at = now()
    with app.app_context(), db.transaction() as session:
        school = School(name="ROC van Twente", code="rocvantwente", region="twente")
        session.add(school)
        session.flush()
        student = Student(school_id=school.id, student_number="s1", level=2,
                          pathways=["BOL"], sector="gastvrijheid", regions=["twente"],
                          email="een-heel-lang-adres-van-een-student@leerling.example")
        session.add(student)
        session.flush()
        common: dict[str, Any] = {"kind": "round_opened", "student_id": student.id,
                                  "body_text": "", "body_html": "", "created_at": at,
                                  "subject": "Ronde Voorjaar is geopend: kies je plekken",
                                  "recipient": student.email}
        session.add_all([
            Message(dedupe_key="a", status="sent", attempts=1, sent_at=at, **common),
            Message(dedupe_key="b", status="failed", attempts=2,
                    next_attempt_at=at + dt.timedelta(minutes=2),
                    last_error="recipient refused: 550 5.1.1 mailbox unavailable", **common)])
        return f"school:{school.id}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_messages_page_shows_why_a_message_failed_and_passes_axe(
        browser: Browser, server: str, app: Flask, outbox: str,  # noqa: F811
        width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in_page(page, server, app, "coordinator", outbox)
        page.click("nav a[href$='/dashboard/messages']")
        expect(page.locator("h1")).to_have_text("Berichten")
        failed = page.locator("#messages-table tr[data-status=failed] td.why")
        expect(failed).to_contain_text("de mailserver weigerde het adres (2 pogingen)")
        expect(failed).to_contain_text("volgende poging")
        expect(page.locator("#messages-table tr[data-status=sent] td.status")).to_have_text(
            "verstuurd")
        no_sideways_scroll(page)
        accessible(page)
        page.select_option("#status", "failed")
        page.click("#message-filters button[type=submit]")
        expect(page.locator("#messages-table tbody tr")).to_have_count(1)
    finally:
        context.close()
