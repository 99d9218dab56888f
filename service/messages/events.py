"""Who is told what, and when: each event's messages, queued in the caller's transaction.

The features call these where the change happens (``rounds.lifecycle.transition`` on open
and publish, ``follow_up`` for the new round); the periodic sweep calls the time-based ones
(``lists_reminder``, ``answer_due``); the POK calls ``notify_pok_ready``. Each message has a
key naming its event and recipient, so calling an event twice queues nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from service.audit.log import utc
from service.directory.offers import needs_company
from service.messages.outbox import message, queue, queue_all
from service.models import (
    Assignment,
    AssignmentStatus,
    Company,
    Message,
    Offer,
    Preference,
    Round,
    Student,
)

# Students without a list are reminded, and unanswered proposals chased, this long before
# the round's deadline.
REMIND_BEFORE = dt.timedelta(days=2)

# Sign-in links for students' messages, where one-time links are used: the sign-in feature
# registers its builder with `use_signin_links`; without one, no link is sent. It is given
# all of an event's students at once and answers a link for each, in order, so a province's
# 60,000 links are made in one insert rather than a query, an insert and an audit event each.
SigninLinks = Callable[[Session, Sequence[Student]], Sequence[str | None]]
SIGNIN_LINKS = "messages.signin_links"


def use_signin_links(app: Flask, builder: SigninLinks) -> None:
    """Put a one-time sign-in link in every round-opened message of ``app``."""
    app.extensions[SIGNIN_LINKS] = builder


def _signin_links(session: Session, students: Sequence[Student]) -> Sequence[str | None]:
    builder: SigninLinks | None = current_app.extensions.get(SIGNIN_LINKS)
    if builder is None or not students:
        return [None] * len(students)
    return builder(session, students)


def _students(session: Session, students: ColumnElement[bool]) -> list[Student]:
    return list(session.scalars(select(Student).where(
        students, Student.email.is_not(None), Student.erased_at.is_(None))
        .order_by(Student.id)))


def _deadline(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else utc(moment)


def round_opened(session: Session, rnd: Round, students: ColumnElement[bool]) -> int:
    """The round is open: each of its students (``students``, the round's participants)
    is asked for a list, with their sign-in link where one-time links are used."""
    told = _students(session, students)
    links = _signin_links(session, told)
    return queue_all(session, (message(
        key=f"round-opened:{rnd.id}:student:{s.id}", kind="round_opened",
        recipient=s.email, round_id=rnd.id, student_id=s.id, round_name=rnd.name,
        student_number=s.student_number, lists_by=_deadline(rnd.lists_by),
        max_preferences=rnd.max_preferences, signin_link=link)
        for s, link in zip(told, links, strict=True)))


def _not_told(kind: str, rnd: Round, party: str) -> ColumnElement[bool]:
    """No message of ``kind`` in ``rnd`` to the (correlated) student or company yet: the
    sweep asks every 30 seconds, so those already told are left out in the query."""
    recipient = (Message.student_id == Student.id if party == "student"
                 else Message.company_id == Company.id)
    return ~exists(select(Message.id).where(Message.kind == kind, Message.round_id == rnd.id,
                                            recipient))


def lists_reminder(session: Session, rnd: Round, students: ColumnElement[bool]) -> int:
    """Before the list deadline: the round's students who have not handed in a list."""
    without_list = ~exists(select(Preference.id).where(Preference.round_id == rnd.id,
                                                       Preference.student_id == Student.id))
    return queue_all(session, (message(
        key=f"lists-reminder:{rnd.id}:student:{s.id}", kind="lists_reminder",
        recipient=s.email, round_id=rnd.id, student_id=s.id, round_name=rnd.name,
        student_number=s.student_number, lists_by=_deadline(rnd.lists_by))
        for s in _students(session, students & without_list
                           & _not_told("lists_reminder", rnd, "student"))))


def _placements(session: Session, rnd: Round, where: ColumnElement[bool] | None = None
                ) -> list[tuple[Assignment, Offer, Company]]:
    stmt = (select(Assignment, Offer, Company).join(Offer, Offer.id == Assignment.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .where(Assignment.round_id == rnd.id).order_by(Assignment.id))
    if where is not None:
        stmt = stmt.where(where)
    return [(a, o, c) for a, o, c in session.execute(stmt).all()]


def results_published(session: Session, rnd: Round, students: ColumnElement[bool]) -> int:
    """The results are out: every student of the round hears their placement (or that
    none was found), and every company whose BBL proposals need its consent is asked."""
    rows = _placements(session, rnd)
    by_student = {a.student_id: (a, o, c) for a, o, c in rows}
    respond_by = _deadline(rnd.respond_by)
    none = (None, None, None)
    count = queue_all(session, (message(
        key=f"results:{rnd.id}:student:{s.id}", kind="results_published",
        recipient=s.email, round_id=rnd.id, student_id=s.id, round_name=rnd.name,
        student_number=s.student_number, assignment=by_student.get(s.id, none)[0],
        offer=by_student.get(s.id, none)[1], company=by_student.get(s.id, none)[2],
        respond_by=respond_by) for s in _students(session, students)))
    awaiting: dict[int, tuple[Company, list[tuple[Assignment, Offer]]]] = {}
    for a, offer, company in rows:
        # Only a BBL offer can need consent: the cheap test first, then the rule itself.
        if (a.status == AssignmentStatus.PROPOSED and a.company_response is None
                and "BBL" in offer.pathways and needs_company(session, a)):
            awaiting.setdefault(company.id, (company, []))[1].append((a, offer))
    for company, proposals in awaiting.values():
        count += queue(
            session, key=f"consent:{rnd.id}:company:{company.id}", kind="consent_requested",
            recipient=company.email, round_id=rnd.id, company_id=company.id,
            round_name=rnd.name, company=company, proposals=proposals,
            respond_by=respond_by)
    return count


def answer_due(session: Session, rnd: Round) -> int:
    """Before the answer deadline: students with an unanswered proposal, and companies
    whose consent a proposal still awaits."""
    respond_by = _deadline(rnd.respond_by)
    count = 0
    waiting = Assignment.status == AssignmentStatus.PROPOSED
    for a, offer, company in _placements(session, rnd, waiting & Assignment.student_id.in_(
            select(Student.id).where(Assignment.student_response.is_(None),
                                     Student.email.is_not(None), Student.erased_at.is_(None),
                                     _not_told("answer_due", rnd, "student")))):
        student = session.get(Student, a.student_id)
        assert student is not None
        count += queue(
            session, key=f"answer-due:{rnd.id}:student:{a.student_id}", kind="answer_due",
            recipient=student.email, round_id=rnd.id, student_id=student.id,
            round_name=rnd.name, assignment=a, offer=offer, company=company,
            respond_by=respond_by, party="student")
    companies: dict[int, tuple[Company, list[tuple[Assignment, Offer]]]] = {}
    for a, offer, company in _placements(
            session, rnd, waiting & Assignment.company_response.is_(None)
            & Company.email.is_not(None) & _not_told("answer_due", rnd, "company")):
        if needs_company(session, a):
            companies.setdefault(company.id, (company, []))[1].append((a, offer))
    for company, proposals in companies.values():
        count += queue(
            session, key=f"answer-due:{rnd.id}:company:{company.id}", kind="answer_due",
            recipient=company.email, round_id=rnd.id, company_id=company.id,
            round_name=rnd.name, company=company, proposals=proposals,
            respond_by=respond_by, party="company")
    return count


def notify_pok_ready(session: Session, assignment_id: int) -> int:
    """The placement's praktijkovereenkomst is ready to sign: tell its student and its
    company (each once). Called by the POK in the transaction that makes it ready."""
    rows = [(a, o, c) for a, o, c in session.execute(
        select(Assignment, Offer, Company).join(Offer, Offer.id == Assignment.offer_id)
        .join(Company, Company.id == Offer.company_id).where(Assignment.id == assignment_id))]
    if not rows:
        return 0
    a, offer, company = rows[0]
    rnd = session.get(Round, a.round_id)
    student = session.get(Student, a.student_id)
    context: dict[str, Any] = {"round_name": rnd.name if rnd else "", "assignment": a,
                               "offer": offer, "company": company}
    count = 0
    if student is not None and student.erased_at is None:
        count += queue(session, key=f"pok-ready:{a.id}:student", kind="pok_ready",
                       recipient=student.email, round_id=a.round_id, student_id=student.id,
                       party="student", student_number=student.student_number, **context)
    count += queue(session, key=f"pok-ready:{a.id}:company", kind="pok_ready",
                   recipient=company.email, round_id=a.round_id, company_id=company.id,
                   party="company", **context)
    return count
