"""Messages: queued once per event in the round step's transaction, sent through a real SMTP
server (aiosmtpd, started here) or into .eml files, retried with backoff, never sent twice;
visible to coordinators in scope; e-mail addresses exported and erased with the student."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.audit.log import now
from service.extensions import db
from service.messages import notify_pok_ready
from service.messages.delivery import deliver_due
from service.messages.sweep import queue_reminders
from service.models import Message

from .conftest import Factory, assert_problem
from .test_assignments import _published
from .test_dashboard import sign_in


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; refuses ``refuse``'s addresses
    with 550, as a mail server refuses an unknown mailbox."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.received.append(email.message_from_bytes(  # type: ignore[arg-type]
            envelope.content, policy=email.policy.default))
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, (_, rcpt) in zip(self.received, self.envelopes, strict=True)
                if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def extra_config(smtp: tuple[Inbox, int], tmp_path: Path) -> dict[str, Any]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp[1], "SMTP_STARTTLS": False,
            "SMTP_TIMEOUT_S": 5.0, "MESSAGES_BACKOFF_S": 60.0,
            "MAIL_FROM": "Leerplek <noreply@leerplek.test>",
            "MESSAGES_DIR": str(tmp_path / "outbox")}


def deliver(app: Flask, at: dt.datetime | None = None) -> tuple[int, int]:
    with app.app_context():
        done = deliver_due(at)
    return done.sent, done.failed


def messages(app: Flask, **where: Any) -> list[Message]:
    with app.app_context():
        stmt = select(Message).order_by(Message.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(Message, key) == value)
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def open_round(client: FlaskClient, make: Factory, emails: list[str | None],
               **round_fields: Any) -> dict[str, Any]:
    """A school round with one offer and a student per entry of ``emails``, opened."""
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar", **round_fields},
                      headers=staff).get_json()["id"]
    offer = make.offer(make.company(), round_id=rid)
    students = [make.student(school, email=address) for address in emails]
    url = f"/api/v1/rounds/{rid}"
    assert client.post(f"{url}/open", headers=staff).status_code == 200
    return {"id": rid, "url": url, "staff": staff, "school": school, "offer": offer,
            "students": students}


# Queueing ---------------------------------------------------------------------------------

def test_opening_a_round_queues_a_message_for_each_student_with_an_address(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = open_round(client, make, ["an@example.org", None, "bo@example.org"])
    queued = messages(app)
    assert [(m.kind, m.recipient, m.student_id, m.status) for m in queued] == [
        ("round_opened", "an@example.org", r["students"][0], "queued"),
        ("round_opened", "bo@example.org", r["students"][2], "queued")]
    assert queued[0].subject == "Ronde Voorjaar is geopend: kies je plekken"


def test_reopening_a_round_tells_nobody_twice(app: Flask, client: FlaskClient,
                                              make: Factory) -> None:
    r = open_round(client, make, ["an@example.org"])
    client.post(f"{r['url']}/close", headers=r["staff"])
    client.post(f"{r['url']}/reopen", headers=r["staff"])
    assert len(messages(app, kind="round_opened")) == 1


def test_a_refused_step_queues_nothing(app: Flask, client: FlaskClient,
                                       make: Factory) -> None:
    r = open_round(client, make, ["an@example.org"])
    assert_problem(client.post(f"{r['url']}/publish", headers=r["staff"]), 409)
    assert [m.kind for m in messages(app)] == ["round_opened"]


def test_publishing_tells_students_and_asks_companies_for_consent(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _published(client, make, pathway="BBL", publish=False)
    with app.app_context(), db.transaction() as session:
        from service.models import Company, Offer, Student
        offer = session.get(Offer, r["offer"])
        assert offer is not None
        company = session.get(Company, offer.company_id)
        assert company is not None
        company.email = "bpv@bedrijf.example"
        for student in session.scalars(select(Student)):
            student.email = "leerling@example.org"
    assert client.post(f"{r['url']}/publish", headers=r["staff"]).status_code == 200
    kinds = {(m.kind, m.recipient) for m in messages(app)}
    assert kinds == {("results_published", "leerling@example.org"),
                     ("consent_requested", "bpv@bedrijf.example")}


def test_students_without_a_list_are_reminded_two_days_before_the_list_deadline(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    soon = (now() + dt.timedelta(days=1)).isoformat()
    r = open_round(client, make, ["an@example.org", "bo@example.org"], lists_by=soon)
    me = make.token("student", f"student:{r['students'][0]}")
    assert client.put(f"{r['url']}/preferences/{r['students'][0]}",
                      json={"offers": [r["offer"]]}, headers=me).status_code == 200
    with app.app_context(), db.transaction() as session:
        assert queue_reminders(session, now()) == 1
        assert queue_reminders(session, now()) == 0  # once per student
    assert [m.recipient for m in messages(app, kind="lists_reminder")] == ["bo@example.org"]


def test_no_reminder_while_the_list_deadline_is_far(app: Flask, client: FlaskClient,
                                                    make: Factory) -> None:
    later = (now() + dt.timedelta(days=5)).isoformat()
    open_round(client, make, ["an@example.org"], lists_by=later)
    with app.app_context(), db.transaction() as session:
        assert queue_reminders(session, now()) == 0


def test_unanswered_proposals_are_chased_before_the_answer_deadline(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _published(client, make)
    with app.app_context(), db.transaction() as session:
        from service.models import Student
        for student in session.scalars(select(Student)):
            student.email = "leerling@example.org"
    soon = (now() + dt.timedelta(hours=20)).isoformat()
    assert client.patch(r["url"], json={"respond_by": soon},
                        headers=r["staff"]).status_code == 200
    with app.app_context(), db.transaction() as session:
        assert queue_reminders(session, now()) == 1
    (m,) = messages(app, kind="answer_due")
    assert m.recipient == "leerling@example.org"
    assert m.subject == "Geef antwoord op je voorstel in Voorjaar vóór de uiterste datum"


def test_a_pok_ready_to_sign_tells_student_and_company_once(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _published(client, make)
    with app.app_context(), db.transaction() as session:
        from service.models import Company, Student
        for student in session.scalars(select(Student)):
            student.email = "leerling@example.org"
        for company in session.scalars(select(Company)):
            company.email = "bpv@bedrijf.example"
    with app.app_context(), db.transaction() as session:
        assert notify_pok_ready(session, r["id"]) == 2
        assert notify_pok_ready(session, r["id"]) == 0
    assert sorted(m.recipient for m in messages(app, kind="pok_ready")) == [
        "bpv@bedrijf.example", "leerling@example.org"]


# Sending ----------------------------------------------------------------------------------

def test_messages_reach_the_smtp_server_with_recipient_subject_and_both_bodies(
        app: Flask, client: FlaskClient, make: Factory, smtp: tuple[Inbox, int]) -> None:
    inbox = smtp[0]
    open_round(client, make, ["an@example.org", "bo@example.org"])
    assert deliver(app) == (2, 0)
    assert [rcpt for _, rcpt in inbox.envelopes] == [["an@example.org"], ["bo@example.org"]]
    mail = inbox.to("an@example.org")[0]
    assert mail["Subject"] == "Ronde Voorjaar is geopend: kies je plekken"
    assert mail["From"] == "Leerplek <noreply@leerplek.test>"
    (sent,) = messages(app, recipient="an@example.org")
    assert mail["Message-ID"] == f"<leerplek-message-{sent.id}@leerplek.test>"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    assert "Ronde \"Voorjaar\" is geopend" in text.get_content()
    assert "<html lang=\"nl\">" in html.get_content()
    assert sent.status == "sent" and sent.sent_at is not None and sent.attempts == 1


def test_a_second_run_sends_nothing_twice(app: Flask, client: FlaskClient, make: Factory,
                                          smtp: tuple[Inbox, int]) -> None:
    open_round(client, make, ["an@example.org", "bo@example.org"])
    assert deliver(app) == (2, 0)
    assert deliver(app) == (0, 0)
    assert deliver(app, now() + dt.timedelta(days=3)) == (0, 0)
    assert len(smtp[0].received) == 2


def test_a_refused_message_fails_with_its_reason_and_is_retried_after_a_backoff(
        app: Flask, client: FlaskClient, make: Factory, smtp: tuple[Inbox, int]) -> None:
    inbox = smtp[0]
    inbox.refuse.add("bo@example.org")
    open_round(client, make, ["an@example.org", "bo@example.org"])
    at = now()
    assert deliver(app, at) == (1, 1)
    (failed,) = messages(app, status="failed")
    assert failed.recipient == "bo@example.org" and failed.attempts == 1
    assert failed.last_error is not None and "550" in failed.last_error
    assert failed.next_attempt_at is not None
    assert abs((failed.next_attempt_at.replace(tzinfo=dt.UTC) - at).total_seconds()
               - 60) < 1
    assert deliver(app, at + dt.timedelta(seconds=30)) == (0, 0)  # not due yet
    inbox.refuse.clear()
    assert deliver(app, at + dt.timedelta(seconds=61)) == (1, 0)
    # The retry sent only the failed one: each address received exactly one message.
    assert [rcpt for _, rcpt in inbox.envelopes] == [["an@example.org"], ["bo@example.org"]]
    assert {m.status for m in messages(app)} == {"sent"}


def test_an_unreachable_server_fails_every_message_and_waits_longer_each_time(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    app.config["SMTP_PORT"] = free_port()  # nobody listens there
    open_round(client, make, ["an@example.org"])
    at = now()
    assert deliver(app, at) == (0, 1)
    (m,) = messages(app)
    assert m.last_error is not None and m.last_error.startswith("ConnectionRefusedError")
    assert deliver(app, at + dt.timedelta(seconds=61)) == (0, 1)
    (m,) = messages(app)
    assert m.attempts == 2
    assert m.next_attempt_at is not None
    wait = m.next_attempt_at.replace(tzinfo=dt.UTC) - (at + dt.timedelta(seconds=61))
    assert abs(wait.total_seconds() - 120) < 1


def test_a_message_is_given_up_after_the_last_attempt(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    app.config.update(SMTP_PORT=free_port(), MESSAGES_MAX_ATTEMPTS=2)
    open_round(client, make, ["an@example.org"])
    at = now()
    deliver(app, at)
    deliver(app, at + dt.timedelta(hours=1))
    (m,) = messages(app)
    assert (m.status, m.attempts, m.next_attempt_at) == ("failed", 2, None)
    assert deliver(app, at + dt.timedelta(days=2)) == (0, 0)


def test_without_smtp_messages_become_eml_files(app: Flask, client: FlaskClient,
                                                make: Factory, tmp_path: Path) -> None:
    app.config["SMTP_HOST"] = None
    open_round(client, make, ["an@example.org"])
    assert deliver(app) == (1, 0)
    (path,) = (tmp_path / "outbox").glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "an@example.org"
    assert mail["Subject"] == "Ronde Voorjaar is geopend: kies je plekken"


# Contact data and the coordinators' view --------------------------------------------------

def test_an_email_address_is_optional_and_checked(client: FlaskClient,
                                                  make: Factory) -> None:
    from .conftest import student_body
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    body = client.post("/api/v1/students", json=student_body(school, email="an@example.org"),
                       headers=staff).get_json()
    assert body["email"] == "an@example.org"
    assert_problem(client.post("/api/v1/students",
                               json=student_body(school, student_number="s2",
                                                 email="geen adres"), headers=staff),
                   422, "email")
    company = client.post("/api/v1/companies", json={
        "name": "Bakkerij", "kvk_number": "12345678", "email": "bpv@bakkerij.example"},
        headers=make.admin()).get_json()
    assert company["email"] == "bpv@bakkerij.example"


def test_coordinators_see_the_messages_of_their_scope_only(
        app: Flask, client: FlaskClient, make: Factory, smtp: tuple[Inbox, int]) -> None:
    smtp[0].refuse.add("an@example.org")
    mine = open_round(client, make, ["an@example.org"])
    theirs = open_round(client, make, ["bo@example.org"])
    deliver(app)
    rows = client.get("/api/v1/messages", headers=mine["staff"]).get_json()
    assert [(m["recipient"], m["status"]) for m in rows] == [("an@example.org", "failed")]
    assert "550" in rows[0]["last_error"]
    assert [m["recipient"] for m in client.get("/api/v1/messages?status=sent",
                                               headers=theirs["staff"]).get_json()] == [
        "bo@example.org"]
    assert_problem(client.get(f"/api/v1/messages/{rows[0]['id']}", headers=theirs["staff"]),
                   404)
    assert len(client.get("/api/v1/messages", headers=make.admin()).get_json()) == 2
    student = make.token("student", f"student:{mine['students'][0]}")
    assert_problem(client.get("/api/v1/messages", headers=student), 403)


def test_the_dashboard_lists_failed_messages_with_the_reason_in_dutch(
        app: Flask, client: FlaskClient, make: Factory, smtp: tuple[Inbox, int]) -> None:
    smtp[0].refuse.add("an@example.org")
    r = open_round(client, make, ["an@example.org", "bo@example.org"])
    deliver(app)
    sign_in(client, r["staff"])
    page = client.get("/dashboard/messages?status=failed").get_data(as_text=True)
    assert "an@example.org" in page and "bo@example.org" not in page
    assert "de mailserver weigerde het adres" in page
    assert "volgende poging" in page


def test_the_export_holds_the_address_and_erasure_removes_it_with_the_messages(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = open_round(client, make, ["an@example.org"])
    sid = r["students"][0]
    export = client.get(f"/api/v1/students/{sid}/data-export", headers=r["staff"]).get_json()
    assert export["student"]["email"] == "an@example.org"
    assert [m["kind"] for m in export["messages"]] == ["round_opened"]
    client.post(f"{r['url']}/close", headers=r["staff"])
    with app.app_context(), db.transaction() as session:
        from service.models import Round
        rnd = session.get(Round, r["id"])
        assert rnd is not None
        rnd.status = "finished"
    assert client.post(f"/api/v1/students/{sid}/erase", headers=r["staff"]).status_code == 200
    export = client.get(f"/api/v1/students/{sid}/data-export", headers=r["staff"]).get_json()
    assert export["student"]["email"] is None and export["messages"] == []
    assert messages(app) == []


def test_a_registered_sign_in_link_goes_into_the_round_opened_message(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    from service.messages.events import use_signin_links
    use_signin_links(app, lambda _session, students: [f"https://leerplek.test/in/{s.id}"
                                                      for s in students])
    r = open_round(client, make, ["an@example.org"])
    (m,) = messages(app)
    link = f"https://leerplek.test/in/{r['students'][0]}"
    assert link in m.body_text and f'href="{link}"' in m.body_html


def test_the_list_deadline_is_set_while_the_round_is_open_only(
        client: FlaskClient, make: Factory) -> None:
    r = open_round(client, make, [])
    moment = "2027-03-01T12:00:00+00:00"
    body = client.patch(r["url"], json={"lists_by": moment}, headers=r["staff"]).get_json()
    assert body["lists_by"] == moment
    client.post(f"{r['url']}/close", headers=r["staff"])
    assert_problem(client.patch(r["url"], json={"lists_by": moment}, headers=r["staff"]), 409)


def test_a_follow_up_round_tells_only_those_still_without_a_placement(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _published(client, make, students=2, capacity=1)
    with app.app_context(), db.transaction() as session:
        from service.models import Student
        for student in session.scalars(select(Student)):
            student.email = f"{student.student_number}@example.org"
    placed = client.get(f"/api/v1/assignments/{r['id']}", headers=r["staff"]).get_json()
    client.post(f"/api/v1/assignments/{r['id']}/accept", headers=r["me"])
    nxt = client.post(f"{r['url']}/follow-up", headers=r["staff"]).get_json()["id"]
    told = messages(app, kind="round_opened", round_id=nxt)
    assert len(told) == 1 and told[0].student_id != placed["student_id"]


def test_addresses_come_in_through_the_csv_import(app: Flask, client: FlaskClient,
                                                  make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    csv = ("school_id,student_number,level,pathways,sector,regions,email\n"
           f"{school},s1,2,BOL,gastvrijheid,twente,an@example.org\n"
           f"{school},s2,2,BOL,gastvrijheid,twente,\n")
    response = client.post("/api/v1/students/import", data=csv, headers={
        **staff, "Content-Type": "text/csv"})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    rows = client.get("/api/v1/students", headers=staff).get_json()
    assert sorted((s["student_number"], s["email"]) for s in rows) == [
        ("s1", "an@example.org"), ("s2", None)]


def test_deleting_a_student_deletes_their_messages(app: Flask, client: FlaskClient,
                                                   make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    sid = make.student(school, email="an@example.org")
    with app.app_context(), db.transaction() as session:
        from service.messages.outbox import queue
        assert queue(session, key="k", kind="pok_ready", recipient="an@example.org",
                     student_id=sid, party="student", round_name="R",
                     offer={"title": "Kok"}, company={"name": "Hotel"})
    assert client.delete(f"/api/v1/students/{sid}", headers=staff).status_code == 204
    assert messages(app) == []


def test_a_company_whose_consent_is_awaited_is_chased_once_before_the_deadline(
        app: Flask, client: FlaskClient, make: Factory) -> None:
    r = _published(client, make, pathway="BBL", students=2)
    with app.app_context(), db.transaction() as session:
        from service.models import Company, Student
        for company in session.scalars(select(Company)):
            company.email = "bpv@bedrijf.example"
        for student in session.scalars(select(Student)):
            student.email = f"{student.student_number}@example.org"
    client.post(f"/api/v1/assignments/{r['id']}/accept", headers=r["me"])
    soon = (now() + dt.timedelta(hours=20)).isoformat()
    client.patch(r["url"], json={"respond_by": soon}, headers=r["staff"])
    with app.app_context(), db.transaction() as session:
        assert queue_reminders(session, now()) == 2  # the other student, and the company
        assert queue_reminders(session, now()) == 0
    due = messages(app, kind="answer_due")
    assert sorted(m.recipient for m in due if m.company_id) == ["bpv@bedrijf.example"]
    (company,) = [m for m in due if m.company_id]
    assert company.subject == ("Voorstellen in Voorjaar wachten vóór de uiterste datum op "
                               "uw antwoord")
    assert "voorstel" in company.body_text


def test_two_sweeps_at_once_send_each_message_once(
        app: Flask, client: FlaskClient, make: Factory, smtp: tuple[Inbox, int]) -> None:
    import threading
    open_round(client, make, [f"s{i}@example.org" for i in range(60)])
    results: list[tuple[int, int]] = []
    start = threading.Barrier(2)

    def sweep() -> None:
        start.wait()
        results.append(deliver(app))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent for sent, _ in results) == 60 and all(f == 0 for _, f in results)
    assert sorted(r for _, rcpt in smtp[0].envelopes for r in rcpt) == sorted(
        f"s{i}@example.org" for i in range(60))
