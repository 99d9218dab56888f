"""Paging a query: one page of rows and the total, for the API and every page alike."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.models import Base

M = TypeVar("M", bound=Base)


def page(session: Session, stmt: Select[M], number: int, size: int) -> tuple[list[M], int]:
    """One page of ``stmt``'s rows and the total count across pages."""
    total = int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
                or 0)
    offset = (number - 1) * size
    if offset >= total:
        # A page past the end is empty; not asking keeps a huge page number's OFFSET from
        # overflowing the database driver.
        return [], total
    rows = session.scalars(stmt.offset(offset).limit(size)).all()
    return list(rows), total
