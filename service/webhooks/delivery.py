"""Sending deliveries: one attempt at a time, retried with exponential backoff, logged.

An attempt first *claims* its delivery with one conditional update (``pending`` and due, or
``sending`` with an expired claim → ``sending`` until ``claimed_until``), and commits. Only the
claimant sends, so a job that runs twice (a retried RQ job, two sweeps, a replay racing the
sweep) never sends one delivery twice; a sender that dies mid-attempt leaves a claim that
expires, and the delivery is tried again (at least once, never twice at the same moment;
receivers drop repeats by ``webhook-id``).

The answer is logged on the row: delivered (2xx), or the status code or error, with the next
attempt ``WEBHOOK_BACKOFF_S * 2**(attempts-1)`` seconds later (at most
``WEBHOOK_BACKOFF_MAX_S``), until ``WEBHOOK_MAX_ATTEMPTS`` have failed. An endpoint whose
attempts failed ``WEBHOOK_DISABLE_AFTER`` times in a row is disabled with the reason; its
queued deliveries fail, and its owner enables it again and replays them through the API.

Before every attempt the URL is checked again and resolved (``endpoints.resolve``), and the
request goes to the address that check approved: a name that now points inside the network
is refused, never called. Redirects are not followed.

Where attempts run follows ``JOBS_MODE`` (service/jobs/runner.py): the deliveries a
transaction emitted start as it commits, inside the request (``eager``, tests), on a thread of
the process (``thread``) or as RQ jobs for ``leerplek worker`` (``rq``); retries that fall due
are sent by the sweep of the process that runs jobs (``WEBHOOK_SWEEP_S``).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction

from service.extensions import db
from service.jobs.periodic import Periodic, start_periodic
from service.jobs.runner import QUEUE, jobs_mode
from service.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from service.webhooks.endpoints import UnsafeUrl, resolve
from service.webhooks.events import PENDING_KEY
from service.webhooks.signing import headers as signed_headers

log = logging.getLogger(__name__)
USER_AGENT = "Leerplek-Webhooks/1"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def backoff(config: dict[str, Any], attempts: int) -> float:
    """Seconds from the ``attempts``-th failed attempt to the next one."""
    return float(min(config["WEBHOOK_BACKOFF_MAX_S"],
                     config["WEBHOOK_BACKOFF_S"] * 2 ** max(0, attempts - 1)))


# -- one attempt ---------------------------------------------------------------------------


def claim(session: Session, delivery_id: int, config: dict[str, Any]) -> bool:
    """Take the delivery for one attempt if it is due and nobody holds it; committed."""
    at = utcnow()
    result = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, or_(
            and_(WebhookDelivery.status == DeliveryStatus.PENDING,
                 WebhookDelivery.next_attempt_at <= at),
            and_(WebhookDelivery.status == DeliveryStatus.SENDING,
                 WebhookDelivery.claimed_until < at)))
        .values(status=DeliveryStatus.SENDING.value,
                claimed_until=at + dt.timedelta(seconds=config["WEBHOOK_CLAIM_S"])))
    session.commit()
    return bool(getattr(result, "rowcount", 0))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the URL check approved, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # The certificate is checked against the host's name, as for any https call.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], config: dict[str, Any]
         ) -> tuple[int | None, str | None]:
    """POST ``body`` to ``url``: (status code, error); error None when the answer is 2xx."""
    try:
        host, port, address = resolve(url, config)
    except UnsafeUrl as exc:
        return None, f"refused: the URL {exc}"
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, float(config["WEBHOOK_TIMEOUT_S"]))
    try:
        connection.request("POST", target, body=body, headers={
            **headers, "Content-Type": "application/json", "User-Agent": USER_AGENT})
        response = connection.getresponse()
        response.read(4096)  # the answer's body means nothing to us; read a little, politely
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, None
    return response.status, f"the endpoint answered {response.status}"


def attempt(session: Session, delivery_id: int, config: dict[str, Any]) -> str | None:
    """One attempt at ``delivery_id`` if it is due and unclaimed; its new status, or None
    when there was nothing to do (delivered already, not due, held by another sender)."""
    if not claim(session, delivery_id, config):
        return None
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    endpoint = None if delivery is None else session.get(
        WebhookEndpoint, delivery.endpoint_id, populate_existing=True)
    if delivery is None or endpoint is None:  # deleted with its endpoint since the claim
        session.rollback()
        return None
    if not endpoint.active:
        delivery.status = DeliveryStatus.FAILED.value
        delivery.last_error = "the endpoint is disabled"
        session.commit()
        return delivery.status
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    sent_at = utcnow()
    status, error = post(endpoint.url, body, signed_headers(
        endpoint.secret, delivery.message_id, int(sent_at.timestamp()), body), config)
    delivery.attempts += 1
    delivery.last_status_code = status
    delivery.last_error = error
    delivery.claimed_until = None
    if error is None:
        delivery.status = DeliveryStatus.DELIVERED.value
        delivery.delivered_at = utcnow()
        delivery.next_attempt_at = None
        endpoint.failures = 0
    else:
        _failed(session, delivery, endpoint, error, config)
    session.commit()
    return delivery.status


def _failed(session: Session, delivery: WebhookDelivery, endpoint: WebhookEndpoint,
            error: str, config: dict[str, Any]) -> None:
    if delivery.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.FAILED.value
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.PENDING.value
        delivery.next_attempt_at = utcnow() + dt.timedelta(
            seconds=backoff(config, delivery.attempts))
    endpoint.failures += 1
    if endpoint.failures >= config["WEBHOOK_DISABLE_AFTER"]:
        endpoint.active = False
        endpoint.disabled_reason = (f"disabled after {endpoint.failures} failed attempts in "
                                    f"a row; the last: {error}")[:500]
        session.execute(update(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.id != delivery.id,
            WebhookDelivery.status == DeliveryStatus.PENDING).values(
            status=DeliveryStatus.FAILED.value, next_attempt_at=None,
            last_error="the endpoint was disabled"),
            execution_options={"synchronize_session": False})
        # This delivery keeps its own error; it fails with the rest.
        delivery.status = DeliveryStatus.FAILED.value
        delivery.next_attempt_at = None
        log.warning("webhook endpoint %s disabled: %s", endpoint.id, endpoint.disabled_reason)


def deliver(app: Flask, delivery_id: int) -> str | None:
    """One attempt in a session of its own (a job's entry point)."""
    with app.app_context(), Session(db.engine, expire_on_commit=False) as session:
        return attempt(session, delivery_id, app.config)


def due(app: Flask, limit: int = 100) -> list[int]:
    """Deliveries whose next attempt is due (or whose sender's claim expired)."""
    at = utcnow()
    with app.app_context(), Session(db.engine) as session:
        return list(session.scalars(select(WebhookDelivery.id).where(or_(
            and_(WebhookDelivery.status == DeliveryStatus.PENDING,
                 WebhookDelivery.next_attempt_at <= at),
            and_(WebhookDelivery.status == DeliveryStatus.SENDING,
                 WebhookDelivery.claimed_until < at)))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))


def deliver_due(app: Flask) -> int:
    """The sweep's work: one attempt at every due delivery; how many were attempted."""
    return sum(deliver(app, delivery_id) is not None for delivery_id in due(app))


# -- starting attempts ---------------------------------------------------------------------


_EXECUTOR_LOCK = threading.Lock()


def _executor(app: Flask) -> ThreadPoolExecutor:
    with _EXECUTOR_LOCK:
        pool: ThreadPoolExecutor | None = app.extensions.get("webhook_executor")
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="leerplek-webhook")
            app.extensions["webhook_executor"] = pool
        return pool


def _deliver_logged(app: Flask, delivery_id: int) -> None:
    try:
        deliver(app, delivery_id)
    except Exception:  # the sweep retries it; a sender thread must never die of one
        log.exception("webhook delivery %s failed unexpectedly", delivery_id)


def dispatch(app: Flask, delivery_ids: Iterable[int]) -> None:
    """Start the first attempt of committed deliveries the configured way."""
    ids = list(delivery_ids)
    if not ids:
        return
    mode = jobs_mode(app.config)
    if mode == "eager":
        for delivery_id in ids:
            _deliver_logged(app, delivery_id)
    elif mode == "rq":
        try:
            queue = Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"]))
            for delivery_id in ids:
                # By name: the task builds the app, which this package must not import.
                queue.enqueue("service.worker.deliver_webhook", delivery_id,
                              result_ttl=600, failure_ttl=86400,
                              description=f"leerplek webhook delivery {delivery_id}")
        except Exception as exc:  # Redis down: the worker's sweep sends them when it can
            log.warning("could not queue webhook deliveries %s: %s", ids, exc)
    else:
        pool = _executor(app)
        for delivery_id in ids:
            pool.submit(_deliver_logged, app, delivery_id)


def init_app(app: Flask) -> None:
    """Send what a transaction emitted as soon as it commits (sessions of this app)."""
    maker = app.extensions["database"][1]

    def after_commit(session: Session) -> None:
        # SQLAlchemy calls this for a released savepoint too (a POK made inside an accept):
        # the deliveries are not visible to the senders before the outer transaction commits.
        if session.in_nested_transaction():
            return
        ids = session.info.pop(PENDING_KEY, None)
        if ids:
            dispatch(app, ids)

    def after_rollback(session: Session, transaction: SessionTransaction) -> None:
        if not transaction.nested:  # a rolled-back savepoint leaves the outer events queued
            session.info.pop(PENDING_KEY, None)

    event.listen(maker, "after_commit", after_commit)
    event.listen(maker, "after_soft_rollback", after_rollback)


# -- the sweep -----------------------------------------------------------------------------


def start_webhook_sweep(app: Flask) -> Periodic | None:
    """Send due retries every WEBHOOK_SWEEP_S seconds unless it is 0; once per app."""
    return start_periodic(app, "webhook-sweep", "WEBHOOK_SWEEP_S", deliver_due)
