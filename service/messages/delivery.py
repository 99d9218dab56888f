"""Sending the outbox: due messages through SMTP, or into ``.eml`` files without SMTP.

Messages are sent in transactions of up to ``BATCH`` that first claim them: an UPDATE that
only matches messages still due (``queued``, or ``failed`` and their retry time reached).
On PostgreSQL the update holds the rows until the commit, on SQLite the database's write
lock does, so a second sweep (another process) waits and then finds them no longer due:
every message is handed to the transport once per attempt, and once it is ``sent`` never
again. Should a process die between the transport's acceptance and the commit, the retry
carries the same ``Message-ID`` (and writes the same ``.eml`` file), so the receiving side
can recognise the duplicate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from types import TracebackType
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import ColumnElement, select, update

from service.audit.log import now, utc
from service.extensions import db
from service.models import Message, MessageStatus

# The longest failure reason kept: enough for an SMTP reply, never a whole traceback.
MAX_ERROR = 500
# Messages claimed and marked per transaction: one commit (a disk flush) per message made
# sending slow; a process dying mid-batch re-sends at most this many (same Message-IDs).
BATCH = 25


def due(at: dt.datetime) -> ColumnElement[bool]:
    """Messages to send at ``at``: queued, or failed with their retry time reached."""
    return (Message.status.in_((MessageStatus.QUEUED.value, MessageStatus.FAILED.value))
            & Message.next_attempt_at.is_not(None) & (Message.next_attempt_at <= at))


def backoff(attempts: int, base_s: float) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: base, 2×, 4×, … capped at one day."""
    return dt.timedelta(seconds=min(base_s * 2 ** max(attempts - 1, 0), 86400.0))


def message_id(m: Message, sender: str) -> str:
    """A Message-ID fixed by the outbox row: a retry is recognisably the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "leerplek.invalid"
    return f"<leerplek-message-{m.id}@{domain}>"


def build(m: Message, sender: str) -> EmailMessage:
    """The e-mail of an outbox row: plain text with an HTML alternative."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = m.recipient
    mail["Subject"] = m.subject
    mail["Date"] = format_datetime(utc(m.created_at))
    mail["Message-ID"] = message_id(m, sender)
    # Tells mail servers and out-of-office replies that no person sent it.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(m.body_text)
    mail.add_alternative(m.body_html, subtype="html")
    return mail


class Transport(Protocol):
    def send(self, mail: EmailMessage, name: str) -> None: ...

    def __enter__(self) -> Transport: ...

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


class SmtpTransport:
    """SMTP from configuration; one connection per sweep, opened when first needed and
    opened again after a failure."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close()

    def _close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()
            self.connection = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        connection = smtplib.SMTP(c["SMTP_HOST"], int(c["SMTP_PORT"]),
                                  timeout=float(c["SMTP_TIMEOUT_S"]))
        try:
            if c["SMTP_STARTTLS"]:
                connection.starttls(context=ssl.create_default_context())
            if c["SMTP_USER"]:
                connection.login(c["SMTP_USER"], c["SMTP_PASSWORD"] or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, mail: EmailMessage, name: str) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self.connection.send_message(mail)
        except smtplib.SMTPRecipientsRefused:
            raise  # the connection is fine; only this message failed
        except BaseException:
            self._close()
            raise
        if refused:  # one recipient per message, so this is that recipient
            raise smtplib.SMTPRecipientsRefused(refused)


class FileTransport:
    """The embedded default: each message as ``<id>-<kind>.eml`` in a directory, written
    whole under a private name and then renamed, so a retry replaces the same file."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def __enter__(self) -> FileTransport:
        os.makedirs(self.directory, exist_ok=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def send(self, mail: EmailMessage, name: str) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(bytes(mail))
            os.replace(tmp, os.path.join(self.directory, name))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def outbox_directory(config: dict[str, Any]) -> str:
    return str(config["MESSAGES_DIR"] or os.path.join(current_app.instance_path, "outbox"))


def transport_for(config: dict[str, Any]) -> Transport:
    if config["SMTP_HOST"]:
        return SmtpTransport(config)
    return FileTransport(outbox_directory(config))


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def describe(exc: BaseException) -> str:
    """Why an attempt failed, for the coordinators' list: the SMTP reply or the error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {_text(reply)}"
                            for code, reply in exc.recipients.values())
        text = f"recipient refused: {replies}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR]


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: int
    failed: int


def deliver_due(at: dt.datetime | None = None, limit: int = 500) -> Delivery:
    """Send up to ``limit`` due messages, in claiming transactions of ``BATCH`` each; a
    failure is kept with its reason and retried after a doubling wait, up to
    MESSAGES_MAX_ATTEMPTS. Runs in an app context (the sweep's, a test's)."""
    config = current_app.config
    at = at or now()
    with db.transaction() as session:
        ids = list(session.scalars(select(Message.id).where(due(at)).order_by(Message.id)
                                   .limit(limit)))
    sent = failed = 0
    if not ids:
        return Delivery(sent, failed)
    with transport_for(config) as transport:
        for start in range(0, len(ids), BATCH):
            with db.transaction() as session:
                claimed = list(session.scalars(
                    update(Message).where(Message.id.in_(ids[start:start + BATCH]), due(at))
                    .values(attempts=Message.attempts + 1).returning(Message.id)
                    .execution_options(synchronize_session=False)))
                # Those not claimed were sent (or are being sent) by another sweep meanwhile.
                for m in session.scalars(select(Message).where(Message.id.in_(claimed))
                                         .order_by(Message.id)
                                         .execution_options(populate_existing=True)):
                    if _send(transport, m, config, at):
                        sent += 1
                    else:
                        failed += 1
    return Delivery(sent, failed)


def _send(transport: Transport, m: Message, config: dict[str, Any], at: dt.datetime) -> bool:
    """Hand one claimed message to the transport and record how it went."""
    try:
        transport.send(build(m, config["MAIL_FROM"]), f"{m.id:07d}-{m.kind}.eml")
    except Exception as exc:  # any failure is kept and retried, never lost
        m.status, m.last_error = MessageStatus.FAILED.value, describe(exc)
        m.next_attempt_at = (at + backoff(m.attempts, float(config["MESSAGES_BACKOFF_S"]))
                             if m.attempts < int(config["MESSAGES_MAX_ATTEMPTS"]) else None)
        return False
    m.status, m.sent_at, m.next_attempt_at = MessageStatus.SENT.value, now(), None
    return True
