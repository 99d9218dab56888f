"""Who registers, sees and changes which webhook endpoint, and the rule for its URL.

A company registers endpoints for itself and sees only its own; an admin registers them for
a school's systems (no company: every event) or on a company's behalf, and sees all. Other
roles may not (403). Every change is audited in the caller's transaction.

The URL rule (`url_problem`, applied when an endpoint is registered or changed and again
before every delivery, since a name may resolve elsewhere by then): https unless
``WEBHOOK_ALLOW_HTTP`` (development and tests only), no user name or password in it, and
every address its host resolves to public unless ``WEBHOOK_ALLOW_PRIVATE``: a webhook must
never become a way to make the server call its own network (server-side request forgery).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from service.audit.log import now, record_bulk, snapshot
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import (
    WEBHOOK_EVENTS,
    Company,
    DeliveryStatus,
    Role,
    School,
    WebhookDelivery,
    WebhookEndpoint,
)
from service.webhooks.signing import new_secret

ENTITY = "webhook"
FIELDS = ("url", "description", "events", "active", "company_id", "school_id")


class UnsafeUrl(Exception):
    """The URL may not be called: the message says why."""


def resolve(url: str, config: Mapping[str, Any]) -> tuple[str, int, str]:
    """Check ``url`` against the rule and resolve it: (host, port, the address to call).

    Raises ``UnsafeUrl`` naming the broken rule. The caller connects to the address
    returned, never to the name again, so a second answer of the DNS cannot slip past.
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unbalanced [ in the host, for one
        raise UnsafeUrl("is not a valid URL") from exc
    allowed = ("https", "http") if config.get("WEBHOOK_ALLOW_HTTP") else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeUrl("must be an https:// URL")
    if not parts.hostname:
        raise UnsafeUrl("must name a host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise UnsafeUrl(f"the host {parts.hostname!r} cannot be resolved") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not config.get("WEBHOOK_ALLOW_PRIVATE"):
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            if not ip.is_global:
                raise UnsafeUrl(f"resolves to {address}, a private, loopback or reserved "
                                "address")
    return parts.hostname, port, addresses[0]


def url_problem(url: str, config: Mapping[str, Any]) -> str | None:
    """Why ``url`` may not be registered, or None."""
    try:
        resolve(url, config)
    except UnsafeUrl as exc:
        return str(exc)
    return None


# -- who sees which endpoint -------------------------------------------------------------


def require_owner_role(p: Principal) -> None:
    p.require(Role.ADMIN, Role.COMPANY)


def endpoint_filter(p: Principal) -> ColumnElement[bool]:
    if p.role == Role.ADMIN:
        return true()
    if p.role == Role.COMPANY and p.company_id is not None:
        return WebhookEndpoint.company_id == p.company_id
    return false()


def endpoint_query(p: Principal) -> Select[WebhookEndpoint]:
    require_owner_role(p)
    return select(WebhookEndpoint).where(endpoint_filter(p)).order_by(WebhookEndpoint.id)


def visible_endpoint(session: Session, p: Principal, endpoint_id: int) -> WebhookEndpoint:
    require_owner_role(p)
    found = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id,
                                                         endpoint_filter(p)))
    if found is None:
        raise Problem(404, f"no webhook endpoint with id {endpoint_id}")
    return found


def delivery_query(endpoint: WebhookEndpoint, filters: Mapping[str, Any]
                   ) -> Select[WebhookDelivery]:
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    for key in ("status", "event"):
        if key in filters:
            stmt = stmt.where(getattr(WebhookDelivery, key) == filters[key])
    return stmt.order_by(WebhookDelivery.id.desc())


def visible_delivery(session: Session, endpoint: WebhookEndpoint, delivery_id: int
                     ) -> WebhookDelivery:
    found = session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id))
    if found is None:
        raise Problem(404, f"no delivery {delivery_id} for webhook endpoint {endpoint.id}")
    return found


# -- changes -------------------------------------------------------------------------------


def _check(session: Session, p: Principal, data: Mapping[str, Any],
           config: Mapping[str, Any]) -> None:
    if "url" in data and (problem := url_problem(data["url"], config)):
        raise field_error("url", problem)
    unknown = [e for e in data.get("events", []) if e not in WEBHOOK_EVENTS]
    if unknown:
        raise field_error("events", f"unknown event {unknown[0]!r}; one of "
                                    + ", ".join(WEBHOOK_EVENTS))
    if "company_id" in data and data["company_id"] is not None:
        if p.role == Role.COMPANY and data["company_id"] != p.company_id:
            raise field_error("company_id", "a company registers endpoints for itself only")
        if session.get(Company, data["company_id"]) is None:
            raise field_error("company_id", f"no company with id {data['company_id']}")
    if data.get("school_id") is not None:
        if p.role != Role.ADMIN:
            raise field_error("school_id", "only admins register endpoints for a school")
        if data.get("company_id") is not None:
            raise field_error("school_id", "an endpoint is a company's or a school's, not both")
        if session.get(School, data["school_id"]) is None:
            raise field_error("school_id", f"no school with id {data['school_id']}")


def register(session: Session, p: Principal, data: Mapping[str, Any],
             config: Mapping[str, Any]) -> WebhookEndpoint:
    """A new endpoint with a fresh secret; a company's is its own, an admin's names a
    company or none (every event, for a school's systems)."""
    require_owner_role(p)
    _check(session, p, data, config)
    company_id = p.company_id if p.role == Role.COMPANY else data.get("company_id")
    endpoint = WebhookEndpoint(
        company_id=company_id, school_id=data.get("school_id"), url=data["url"],
        description=data.get("description", ""),
        events=sorted(set(data.get("events") or WEBHOOK_EVENTS), key=WEBHOOK_EVENTS.index),
        secret=new_secret(), active=True, failures=0, created_at=now())
    session.add(endpoint)
    session.flush()
    record_bulk(session, p, "webhook.create", ENTITY, snapshot(endpoint, FIELDS),
                entity_id=endpoint.id)
    return endpoint


def change(session: Session, p: Principal, endpoint: WebhookEndpoint,
           data: Mapping[str, Any], config: Mapping[str, Any]) -> WebhookEndpoint:
    """Change the URL, description, events or ``active``. Enabling a disabled endpoint
    clears its reason and failure count; disabling one gives its owner's reason."""
    _check(session, p, data, config)
    for key in ("company_id", "school_id"):
        if key in data and data[key] != getattr(endpoint, key):
            raise field_error(key, f"an endpoint's {key[:-3]} cannot change: register a new "
                                   "endpoint instead")
    before = snapshot(endpoint, FIELDS)
    for key in ("url", "description"):
        if key in data:
            setattr(endpoint, key, data[key])
    if "events" in data:
        endpoint.events = sorted(set(data["events"]), key=WEBHOOK_EVENTS.index)
    if "active" in data and data["active"] != endpoint.active:
        endpoint.active = data["active"]
        endpoint.failures = 0
        endpoint.disabled_reason = None if data["active"] else "disabled by its owner"
    session.flush()
    record_bulk(session, p, "webhook.update", ENTITY,
                {"before": before, "after": snapshot(endpoint, FIELDS)},
                entity_id=endpoint.id)
    return endpoint


def remove(session: Session, p: Principal, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its deliveries' log."""
    record_bulk(session, p, "webhook.delete", ENTITY, {"url": endpoint.url},
                entity_id=endpoint.id)
    session.delete(endpoint)
    session.flush()


def replay(session: Session, p: Principal, endpoint: WebhookEndpoint,
           delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, with the same ``webhook-id`` and a fresh set of attempts."""
    if not endpoint.active:
        raise Problem(409, f"webhook endpoint {endpoint.id} is disabled"
                           + (f" ({endpoint.disabled_reason})" if endpoint.disabled_reason
                              else "") + ": enable it before replaying")
    if delivery.status == DeliveryStatus.SENDING:
        raise Problem(409, f"delivery {delivery.id} is being sent right now")
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = now()
    delivery.claimed_until = None
    session.flush()
    record_bulk(session, p, "webhook.replay", ENTITY, {"delivery": delivery.id,
                                                       "message_id": delivery.message_id},
                entity_id=endpoint.id)
    session.info.setdefault("webhook_deliveries", []).append(delivery.id)
    return delivery
