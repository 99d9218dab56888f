"""The audit log: every state change, written in the transaction that makes it.

``record`` adds an ``AuditEvent`` to the caller's session, so the event commits with the
change or rolls back with it: a refused or failed write leaves no event. The actor is the
token's id, role and scope, never the token itself, and the surface it came in through (the
API or a web surface such as the staff dashboard); the command line and background work act
as ``system``. Every change is handed its actor explicitly: this module never reads the
request.

Before and after hold the changed fields only. For students they hold the field *names*
with the value ``"[redacted]"``: the log shows that a student's home place changed, not
where they live, so erasing a student's personal data leaves nothing personal here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, false, insert, or_, select, true
from sqlalchemy.orm import Session

from service.identity.principals import Principal
from service.models import (
    Agreement,
    ApiToken,
    Assignment,
    AuditEvent,
    Base,
    Company,
    Environment,
    Offer,
    Pok,
    Role,
    Round,
    School,
    SignInLink,
    Student,
    StudentRegion,
)

SYSTEM = "system"
REDACTED = "[redacted]"
ENTITY_TYPES: dict[type[Base], str] = {
    Round: "round", Assignment: "assignment", Offer: "offer", Student: "student",
    School: "school", Company: "company", Environment: "environment", ApiToken: "token",
    SignInLink: "signin_link",

    Agreement: "agreement",

    Pok: "pok",
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(moment: dt.datetime) -> dt.datetime:
    """A moment in UTC; a time without a zone is taken as UTC, as every stored one is."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def jsonable(value: Any) -> Any:
    """A model attribute as JSON: dates as ISO text, tuples as lists."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Base | None, fields: Iterable[str]) -> dict[str, Any]:
    """``fields`` of ``obj`` as they are now (nothing for a record not yet created)."""
    if obj is None or getattr(obj, "id", None) is None:
        return {}
    return {name: jsonable(getattr(obj, name)) for name in fields}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs, on both sides."""
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return ({k: before[k] for k in keys if k in before},
            {k: after[k] for k in keys if k in after})


def _actor(actor: Principal | None) -> tuple[int | None, str, str, str | None]:
    if actor is None:
        return None, SYSTEM, "", None
    return actor.token_id, actor.role.value, actor.scope, actor.surface


def _placement(session: Session, entity: Base) -> tuple[int | None, int | None, str | None]:
    """The round, school and region an event belongs to, for scoping who may read it."""
    rnd: Round | None = None
    if isinstance(entity, Round):
        rnd = entity
    elif isinstance(entity, Assignment | Offer) and entity.round_id is not None:
        rnd = session.get(Round, entity.round_id)
    elif isinstance(entity, Pok):  # a POK belongs to the round of its placement
        placement = session.get(Assignment, entity.assignment_id)
        rnd = session.get(Round, placement.round_id) if placement is not None else None
    if rnd is not None:
        region = rnd.region if not isinstance(entity, Offer) else entity.region
        return rnd.id, rnd.school_id, region
    if isinstance(entity, Student):
        regions = entity.regions
        return None, entity.school_id, regions[0] if regions else None
    if isinstance(entity, School):
        return None, entity.id, entity.region
    if isinstance(entity, Offer | Company | Environment | Agreement):
        return None, None, entity.region
    if isinstance(entity, ApiToken | SignInLink):
        return _token_placement(session, entity)
    return None, None, None


def _token_placement(session: Session, token: ApiToken | SignInLink
                     ) -> tuple[int | None, int | None, str | None]:
    kind, _, value = token.scope.partition(":")
    if kind == "school" and value.isdigit():
        return None, int(value), None
    if kind == "region":
        return None, None, value
    if kind == "student" and value.isdigit():
        student = session.get(Student, int(value))
        if student is not None:
            return None, student.school_id, student.regions[0] if student.regions else None
    return None, None, None


def record(session: Session, actor: Principal | None, action: str, entity: Base,
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
           round_id: int | None = None) -> AuditEvent:
    """Add the event for ``action`` on ``entity`` to the caller's transaction.

    ``actor`` None means ``system`` (the command line, seeding, background work);
    ``round_id`` names the round of a change that is not the entity's own (a student's list).
    """
    if isinstance(entity, Student):
        before = {k: REDACTED for k in before or {}}
        after = {k: REDACTED for k in after or {}}
    own_round, school_id, region = _placement(session, entity)
    round_id = own_round if round_id is None else round_id
    return _write(session, actor, action, ENTITY_TYPES[type(entity)],
                  getattr(entity, "id", None), before, after,
                  round_id=round_id, school_id=school_id, region=region)


def record_bulk(session: Session, actor: Principal | None, action: str, entity_type: str,
                after: Mapping[str, Any], *, entity_id: int | None = None,
                round_id: int | None = None, school_id: int | None = None,
                region: str | None = None) -> AuditEvent:
    """One event for a bulk write (an import): what it did in counts, not row by row."""
    return _write(session, actor, action, entity_type, entity_id, None, after,
                  round_id=round_id, school_id=school_id, region=region)


def _write(session: Session, actor: Principal | None, action: str, entity_type: str,
           entity_id: int | None, before: Mapping[str, Any] | None,
           after: Mapping[str, Any] | None, *, round_id: int | None, school_id: int | None,
           region: str | None) -> AuditEvent:
    event = AuditEvent(**_event_values(actor, action, entity_type, entity_id, before, after,
                                       round_id=round_id, school_id=school_id, region=region))
    session.add(event)
    return event


def _event_values(actor: Principal | None, action: str, entity_type: str,
                  entity_id: int | None, before: Mapping[str, Any] | None,
                  after: Mapping[str, Any] | None, *, round_id: int | None,
                  school_id: int | None, region: str | None) -> dict[str, Any]:
    token_id, role, scope, surface = _actor(actor)
    return {"at": now(), "actor_token_id": token_id, "actor_role": role,
            "actor_scope": scope, "actor_surface": surface, "action": action,
            "entity_type": entity_type, "entity_id": entity_id, "round_id": round_id,
            "school_id": school_id, "region": region,
            "before": jsonable(dict(before)) if before else None,
            "after": jsonable(dict(after)) if after else None}


# Built once: executed with plain parameters, its compiled form is cached by SQLAlchemy.
_INSERT_EVENT = insert(cast(Table, AuditEvent.__table__))


def record_student_change(session: Session, actor: Principal | None, action: str,
                          student_id: int, school_id: int, regions: Sequence[str],
                          before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """``record_change`` for a student known by plain values, written at once as one INSERT
    (no ORM object, nothing left for the commit's flush): the same event, placed and
    redacted as ``record`` places and redacts a ``Student``'s. For the preference
    submission's hot path (docs/PERFORMANCE.md). False when nothing changed (no event)."""
    old, new = changes(before, after)
    if not old and not new:
        return False
    write_event(session, actor, action, ENTITY_TYPES[Student], student_id,
                {k: REDACTED for k in old}, {k: REDACTED for k in new},
                round_id=None, school_id=school_id, region=regions[0] if regions else None)
    return True


def write_event(session: Session, actor: Principal | None, action: str, entity_type: str,
                entity_id: int | None, before: Mapping[str, Any] | None,
                after: Mapping[str, Any] | None, *, round_id: int | None,
                school_id: int | None, region: str | None) -> None:
    """``record`` for a record known by plain values (its type's name, id and placement),
    written at once as one INSERT: no ORM object, no look-up of its round, nothing left for
    the commit's flush. The caller places the event as ``record`` would (``_placement``)
    and keeps a student's values out; for the hot paths, an answer and an offer POST
    (docs/PERFORMANCE.md)."""
    session.connection().execute(_INSERT_EVENT, _event_values(
        actor, action, entity_type, entity_id, before, after, round_id=round_id,
        school_id=school_id, region=region))


def student_change_event(actor: Principal | None, action: str, student_id: int,
                         school_id: int, regions: Sequence[str], fields: Iterable[str]
                         ) -> dict[str, Any]:
    """The row ``record_student_change`` writes when ``fields`` changed, for a caller that
    writes it in a statement of its own (the preference submission on PostgreSQL writes it
    in the statement that replaces the list, when the list changed)."""
    redacted = {k: REDACTED for k in fields}
    return _event_values(actor, action, ENTITY_TYPES[Student], student_id, redacted,
                         redacted, round_id=None, school_id=school_id,
                         region=regions[0] if regions else None)


def record_change(session: Session, actor: Principal | None, action: str, entity: Base,
                  before: Mapping[str, Any], after: Mapping[str, Any]) -> AuditEvent | None:
    """Record an update with its changed fields; an update that changed nothing is none."""
    old, new = changes(before, after)
    if not old and not new:
        return None
    return record(session, actor, action, entity, old, new)


# Reading the log ------------------------------------------------------------------------

def audit_filter(p: Principal) -> ColumnElement[bool]:
    """Admins read every event; a coordinator those of their school's or region's rounds
    and records (a regional one also those about students who accept the region)."""
    if p.role == Role.ADMIN:
        return true()
    if p.role != Role.COORDINATOR:
        return false()
    if p.region is not None:
        return or_(
            AuditEvent.region == p.region,
            AuditEvent.round_id.in_(select(Round.id).where(Round.region == p.region)),
            (AuditEvent.entity_type == "student") & AuditEvent.entity_id.in_(
                select(StudentRegion.student_id).where(StudentRegion.region == p.region)))
    return or_(AuditEvent.school_id == p.school_id,
               AuditEvent.round_id.in_(select(Round.id).where(Round.school_id == p.school_id)))


def audit_query(p: Principal, filters: dict[str, Any],
                shared: ColumnElement[bool] | None = None) -> Select[AuditEvent]:
    """The events ``p`` may read, newest first, narrowed by ``filters``; ``shared`` adds the
    events of shared rounds ``p`` sees (rounds.lifecycle.shared_round_events: which rounds
    those are is the rounds' rule, above this module)."""
    where = audit_filter(p) if shared is None else or_(audit_filter(p), shared)
    stmt = select(AuditEvent).where(where).order_by(AuditEvent.id.desc())
    for key in ("action", "entity_type", "entity_id", "round_id", "actor_role"):
        if key in filters:
            stmt = stmt.where(getattr(AuditEvent, key) == filters[key])
    if "since" in filters:
        stmt = stmt.where(AuditEvent.at >= utc(filters["since"]))
    if "until" in filters:
        stmt = stmt.where(AuditEvent.at < utc(filters["until"]))
    return stmt


def student_events(session: Session, student_id: int, assignment_ids: list[int],
                   token_ids: list[int]) -> list[AuditEvent]:
    """Every event about a student: their record, placements and tokens, their own actions."""
    return list(session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.entity_type == "student") & (AuditEvent.entity_id == student_id),
        (AuditEvent.entity_type == "assignment") & AuditEvent.entity_id.in_(assignment_ids),
        (AuditEvent.entity_type == "token") & AuditEvent.entity_id.in_(token_ids),
        AuditEvent.actor_scope == f"student:{student_id}")).order_by(AuditEvent.id)))
