"""Emitting events: the features call ``emit`` in the transaction of their change.

Each active endpoint that wants the event gets a delivery row (its log and its queue entry)
in that same transaction, so a change that rolls back sends nothing, and a committed change
is never lost: its deliveries are sent once the transaction commits (the session remembers
their ids in ``session.info``; ``delivery.init_app`` sends them), or by the sweep if that
process dies first. Payloads carry ids and counts, never a student's personal data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from service.models import (
    WEBHOOK_EVENTS,
    Assignment,
    AssignmentStatus,
    DeliveryStatus,
    Offer,
    Round,
    Student,
    WebhookDelivery,
    WebhookEndpoint,
)

# session.info key: ids of the deliveries to send once the session's transaction commits.
PENDING_KEY = "webhook_deliveries"

OFFER_LISTED = "offer.listed"
ROUND_PUBLISHED = "round.published"
PROPOSAL_CREATED = "proposal.created"
ASSIGNMENT_ACCEPTED = "assignment.accepted"
ASSIGNMENT_DECLINED = "assignment.declined"
# The POK (praktijkovereenkomst) is drawn up by another feature: it calls `emit(session,
# POK_READY, {...}, [company_id])` once a POK is ready to sign.
POK_READY = "pok.ready"
ROUND_FOLLOW_UP_STARTED = "round.follow_up_started"
assert {OFFER_LISTED, ROUND_PUBLISHED, PROPOSAL_CREATED, ASSIGNMENT_ACCEPTED,
        ASSIGNMENT_DECLINED, POK_READY, ROUND_FOLLOW_UP_STARTED} == set(WEBHOOK_EVENTS)


def new_message_id() -> str:
    return "msg_" + uuid.uuid4().hex


def _wants(endpoint: WebhookEndpoint, event: str, companies: set[int],
           schools: set[int]) -> bool:
    if event not in endpoint.events:
        return False
    if endpoint.company_id is not None:
        return endpoint.company_id in companies
    if endpoint.school_id is not None:
        return endpoint.school_id in schools
    return True  # an admin's endpoint for every event


def emit(session: Session, event: str, data: dict[str, Any],
         company_ids: Iterable[int] = (), school_ids: Iterable[int] = ()
         ) -> list[WebhookDelivery]:
    """Queue ``event`` for the admins' endpoints, those of ``company_ids`` and those of
    ``school_ids``. Called inside the caller's transaction; returns the rows it added."""
    if event not in WEBHOOK_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    companies, schools = set(company_ids), set(school_ids)
    endpoints = [e for e in session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))
        .order_by(WebhookEndpoint.id)) if _wants(e, event, companies, schools)]
    if not endpoints:
        return []
    at = dt.datetime.now(dt.UTC)
    deliveries = []
    for endpoint in endpoints:
        own = ({"company_id": endpoint.company_id} if endpoint.company_id is not None else
               {"school_id": endpoint.school_id} if endpoint.school_id is not None else {})
        payload = {"type": event, "timestamp": at.isoformat().replace("+00:00", "Z"),
                   "data": {**data, **own}}
        deliveries.append(WebhookDelivery(
            endpoint_id=endpoint.id, message_id=new_message_id(), event=event,
            payload=payload, status=DeliveryStatus.PENDING.value, attempts=0,
            next_attempt_at=at, created_at=at))
    session.add_all(deliveries)
    session.flush()
    session.info.setdefault(PENDING_KEY, []).extend(d.id for d in deliveries)
    return deliveries


# -- the events, as the features emit them -------------------------------------------------
# Their payloads carry ids and counts: a receiver reads details through the API with its own
# token (so the API's scope rules decide what it sees), and no personal data is copied out.


# Whether any endpoint is active, as a column a caller puts into a statement it runs anyway
# (an answer's read of its placement, an offer POST's look-up): the answer is read from the
# database in every request, so an endpoint registered by any process hears the next event.
LISTENING = exists(select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True)))


def listening(session: Session) -> bool:
    """Whether any endpoint is active: without one, an event costs this one query, not the
    look-ups of who it concerns."""
    return bool(session.scalar(select(LISTENING)))


def _round_companies(session: Session, round_id: int) -> dict[int, list[int]]:
    """The companies with offers in a round, each with its offer ids."""
    companies: dict[int, list[int]] = {}
    for offer_id, company_id in session.execute(
            select(Offer.id, Offer.company_id).where(Offer.round_id == round_id)
            .order_by(Offer.id)):
        companies.setdefault(company_id, []).append(offer_id)
    return companies


def _round_schools(session: Session, rnd: Round) -> set[int]:
    """The schools a round concerns: its own, and those of the students placed in it."""
    schools = set(session.scalars(select(Student.school_id).join(
        Assignment, Assignment.student_id == Student.id).where(
        Assignment.round_id == rnd.id).distinct()))
    return schools | ({rnd.school_id} if rnd.school_id is not None else set())


def offers_listed(session: Session, company_id: int, offers: int, seats: int,
                  heard: bool | None = None) -> None:
    """A company's offers were opened to students (saved open, or imported): counts only.
    ``heard``: ``LISTENING`` as the caller read it in this transaction (None: ask)."""
    if not (listening(session) if heard is None else heard):
        return
    if offers:
        emit(session, OFFER_LISTED, {"company_id": company_id, "offers": offers,
                                     "seats": seats}, [company_id])


def round_published(session: Session, rnd: Round) -> None:
    """A round's allocation is published: ``round.published`` for the admins and every
    company with offers in it, and ``proposal.created`` per company, naming the assignments
    proposed at its offers (to answer a BBL placement, or to prepare for the student)."""
    if not listening(session):
        return
    companies = _round_companies(session, rnd.id)
    emit(session, ROUND_PUBLISHED, {"round_id": rnd.id, "name": rnd.name,
                                    "respond_by": rnd.respond_by.isoformat()
                                    if rnd.respond_by else None}, companies,
         _round_schools(session, rnd))
    offer_company = {o: c for c, offers in companies.items() for o in offers}
    proposed: dict[int, list[dict[str, int]]] = {}
    for assignment_id, offer_id in session.execute(
            select(Assignment.id, Assignment.offer_id).where(
                Assignment.round_id == rnd.id,
                Assignment.status == AssignmentStatus.PROPOSED).order_by(Assignment.id)):
        company_id = offer_company.get(offer_id)
        if company_id is not None:
            proposed.setdefault(company_id, []).append(
                {"assignment_id": assignment_id, "offer_id": offer_id})
    for company_id, rows in proposed.items():
        emit(session, PROPOSAL_CREATED, {"round_id": rnd.id, "count": len(rows),
                                         "proposals": rows}, [company_id])


def assignment_answered(session: Session, a: Assignment) -> None:
    """A placement was settled (both answers in, or the deadline's rule): accepted or
    declined, for the offer's company and the admins."""
    if not listening(session):
        return
    event = {AssignmentStatus.ACCEPTED: ASSIGNMENT_ACCEPTED,
             AssignmentStatus.DECLINED: ASSIGNMENT_DECLINED}.get(AssignmentStatus(a.status))
    if event is None:
        return
    company_id = session.scalar(select(Offer.company_id).where(Offer.id == a.offer_id))
    school_id = session.scalar(select(Student.school_id).where(Student.id == a.student_id))
    placement_settled(session, event, a.id, a.round_id, a.offer_id, company_id, school_id)


def placement_settled(session: Session, event: str, assignment_id: int, round_id: int,
                      offer_id: int, company_id: int | None, school_id: int | None) -> None:
    """``assignment_answered`` for a placement known by plain values (an answer read them
    with the placement, and asked ``LISTENING`` there too)."""
    emit(session, event, {"assignment_id": assignment_id, "round_id": round_id,
                          "offer_id": offer_id},
         [company_id] if company_id is not None else [],
         [school_id] if school_id is not None else [])


def follow_up_started(session: Session, previous: Round, rnd: Round) -> None:
    """A follow-up round opened: its offers (moved from ``previous``) take lists again."""
    if not listening(session):
        return
    companies = _round_companies(session, rnd.id)
    emit(session, ROUND_FOLLOW_UP_STARTED, {"round_id": rnd.id, "previous_round_id":
                                            previous.id, "name": rnd.name}, companies,
         _round_schools(session, previous))


def pok_ready(session: Session, company_id: int, data: dict[str, Any],
              school_id: int | None = None) -> None:
    """A praktijkovereenkomst is ready to sign (the POK feature calls this; ``data`` holds
    its ids): for the company and the student's school."""
    if not listening(session):
        return
    emit(session, POK_READY, data, [company_id], [school_id] if school_id is not None else [])
