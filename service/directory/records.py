"""What every directory record shares: saving with its audit event, deleting, looking up.

No HTTP here: callers pass validated data (dicts from the schemas) and get models back;
rule violations raise ``Problem`` naming the field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, true
from sqlalchemy.orm import Session

from service.audit.log import ENTITY_TYPES, record, record_change, snapshot
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import Base

M = TypeVar("M", bound=Base)


def assign(obj: Base, data: dict[str, Any]) -> None:
    for key, value in data.items():
        setattr(obj, key, value)


def audit_save(session: Session, actor: Principal | None, obj: Base, before: dict[str, Any] | None,
                fields: list[str]) -> None:
    """The save's event: every given field on create, the changed ones on update."""
    kind = ENTITY_TYPES[type(obj)]
    after = snapshot(obj, fields)
    if before is None:
        record(session, actor, f"{kind}.create", obj, None, after)
    else:
        record_change(session, actor, f"{kind}.update", obj, before, after)


def before_change(obj: Base, data: dict[str, Any]) -> dict[str, Any] | None:
    """The fields ``data`` will change, as they are now; None for a record being created."""
    return snapshot(obj, data) if getattr(obj, "id", None) is not None else None


def delete_record(session: Session, actor: Principal | None, obj: Base) -> None:
    """Delete a school, company, environment or student, audited in the same transaction."""
    record(session, actor, f"{ENTITY_TYPES[type(obj)]}.delete", obj)
    session.delete(obj)
    session.flush()


def must_exist(session: Session, model: type[M], ident: int | None, field: str) -> None:
    if ident is not None and session.get(model, ident) is None:
        raise field_error(field, f"no {model.__name__.lower()} with id {ident}")


def get_or_404(session: Session, model: type[M], ident: int) -> M:
    obj = session.get(model, ident)
    if obj is None:
        raise Problem(404, f"no {model.__name__.lower()} with id {ident}")
    return obj



def contains_words(column: Any, text: str) -> ColumnElement[bool]:
    """Every word of ``text`` somewhere in ``column``, ignoring case, on both backends."""
    words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
             for w in text.lower().split()]
    return and_(true(), *(func.lower(column).like(f"%{w}%", escape="\\") for w in words))
