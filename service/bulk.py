"""Bulk rows into a table: the one way imports and seeding write thousands of rows.

Rows go through the Core table, never the ORM's bulk path (which splits rows whose missing
keys differ into many small statements). On PostgreSQL they stream with COPY (psycopg sends
an executemany row by row); elsewhere one executemany per chunk. Where the caller needs the
new rows' ids, they are reserved first and sent with the rows, so no RETURNING is needed
(SQLite returns the ids of an ordered bulk insert only row by row).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import JSON, ColumnElement, any_, bindparam, func, insert, literal, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from psycopg import Copy

ProgressFn = Callable[[int], None]
CHUNK = 5_000  # rows per statement: bounded statements, progress between them


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for lo in range(0, len(items), size):
        yield items[lo:lo + size]


def reserve_ids(session: Session, model: type[Any], n: int) -> list[int]:
    """``n`` fresh primary keys for ``model``."""
    if n == 0:
        return []
    session.flush()  # SQLite counts from the highest stored id: pending rows first
    if session.get_bind().dialect.name == "postgresql":
        # One array back, not a row per id: fetching 60,000 one-column rows through the
        # ORM's result costs the client ~0.3 s, one array a few milliseconds.
        return list(session.scalar(
            text("SELECT array_agg(nextval(pg_get_serial_sequence(:t, 'id'))) "
                 "FROM generate_series(1, :n)"),
            {"t": model.__tablename__, "n": n}))
    # SQLite: a concurrent writer taking the same ids would fail this transaction on the
    # primary key and roll it back whole; nothing is ever overwritten.
    top = int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0)
    return list(range(top + 1, top + 1 + n))


def insert_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]],
                progress: ProgressFn | None = None) -> None:
    """Insert ``rows`` (a model or a Core table); a key some rows lack gets its default."""
    _insert(session, table, rows, None, progress)


def _insert(session: Session, table: Any, rows: Sequence[dict[str, Any]],
            ids: Sequence[int] | None, progress: ProgressFn | None) -> None:
    """``insert_rows``, with ``ids`` (when given) as the rows' ``id`` column: no dict is
    copied per row to add it or the defaults (at 60,000 students, ~1 s of the import)."""
    if not rows:
        return
    session.flush()  # the rows may refer to what the ORM still holds
    target = getattr(table, "__table__", table)
    union = list(dict.fromkeys(chain.from_iterable(rows)))
    keys = [k for k in union if ids is None or k != "id"]
    defaults = [c.default.arg if c.default is not None and c.default.is_scalar else None
                for c in (target.c[k] for k in keys)]
    if session.get_bind().dialect.name == "postgresql":
        # The usual case, every row with every key: one C call per row picks its values.
        complete = len(keys) == len(union) and all(len(row) == len(keys) for row in rows)
        _copy(session, target, keys, defaults, rows, ids, complete, progress)
        return
    base = dict(zip(keys, defaults, strict=True))
    for lo in range(0, len(rows), CHUNK):
        chunk = rows[lo:lo + CHUNK]
        params = [{**base, **row} for row in chunk]
        if ids is not None:
            for row, ident in zip(params, ids[lo:lo + CHUNK], strict=True):
                row["id"] = ident
        session.execute(insert(target), params)
        if progress is not None:
            progress(len(chunk))


def insert_integer_rows(session: Session, table: Any, columns: Sequence[str],
                        rows: Sequence[Sequence[int]]) -> None:
    """Insert ``rows`` of integers, given as tuples in ``columns`` order: the way for the
    largest tables (a province's 530,000 preferences), with no dict per row. On PostgreSQL
    the COPY text is formatted here in one step per chunk (an integer needs no escaping),
    about ten times faster than psycopg's row by row."""
    if not rows:
        return
    session.flush()
    target = getattr(table, "__table__", table)
    if session.get_bind().dialect.name == "postgresql":
        line = b"\t".join(b"%d" for _ in columns) + b"\n"
        with _copier(session, target, columns) as copy:
            for chunk in chunks(rows):
                copy.write(b"".join([line % tuple(row) for row in chunk]))
        return
    for chunk in chunks(rows):
        session.execute(insert(target), [dict(zip(columns, row, strict=True))
                                         for row in chunk])


def insert_returning_ids(session: Session, model: type[Any], rows: Sequence[dict[str, Any]],
                         progress: ProgressFn | None = None) -> list[int]:
    """Insert ``rows`` with reserved ids; returns the ids in row order."""
    ids = reserve_ids(session, model, len(rows))
    _insert(session, model, rows, ids, progress)
    return ids


def may_skip_row_triggers(session: Session) -> bool:
    """Whether this session's transaction may switch PostgreSQL's row triggers off
    (``session_replication_role``): a superuser, or on PostgreSQL 15 and later a role granted
    ``SET ON PARAMETER session_replication_role``. Never on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    version = session.connection().dialect.server_version_info or (0,)
    query = ("SELECT has_parameter_privilege('session_replication_role', 'SET')"
             if version >= (15,) else
             "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(session.scalar(text(query)))


@contextmanager
def row_triggers_off(session: Session) -> Iterator[None]:
    """PostgreSQL's ordinary row triggers (the foreign keys' checks among them) off for the
    statements inside, and on again after them: the caller has checked, set-wise, what the
    triggers would have checked row by row. Constraints that are not triggers (primary and
    unique keys, CHECK, NOT NULL) still hold. ``SET LOCAL``, so an error inside, which rolls
    the transaction back, also ends the setting; only the caller's session is affected."""
    session.flush()  # whatever the ORM still holds is written before, with its triggers
    before = session.scalar(text("SELECT current_setting('session_replication_role')"))
    session.execute(text("SET LOCAL session_replication_role = replica"))
    yield
    session.execute(text("SELECT set_config('session_replication_role', :v, true)"),
                    {"v": before})


def lock_existing(session: Session, model: type[Any], ids: Collection[int]) -> set[int]:
    """Those of ``ids`` that are not rows of ``model``; the others are locked ``FOR KEY
    SHARE`` until the transaction ends (the lock a foreign key's check takes on the row it
    finds), so nobody deletes them or changes their key meanwhile, while updates of their
    other columns and other transactions' foreign-key checks go on. One statement, which
    counts; the ids found are fetched only when some are missing. PostgreSQL only."""
    if not ids:
        return set()
    wanted = set(ids)
    table = model.__table__
    locked = (select(literal(1)).where(among(session, table.c.id, wanted))
              .with_for_update(read=True, key_share=True).subquery())
    if session.scalar(select(func.count()).select_from(locked)) == len(wanted):
        return set()
    return wanted - set(session.scalars(select(table.c.id).where(
        among(session, table.c.id, wanted))))


def among(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values``: on PostgreSQL as one array parameter, since psycopg parses a
    statement's placeholders in Python (~0.1 s per 5,000-value ``IN`` list); elsewhere the
    usual expanding ``IN`` (callers keep its size in bounds with ``chunks``)."""
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(
            bindparam(None, values, type_=ARRAY(column.type))))
    return cast(ColumnElement[bool], column.in_(values))


@contextmanager
def _copier(session: Session, table: Any, columns: Sequence[str]) -> Iterator[Copy]:
    """A COPY into ``table`` on the session's connection, inside its transaction."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a checked-out connection always has its driver connection
    names = ", ".join(f'"{c}"' for c in columns)
    with driver.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        yield copy


def _copy(session: Session, table: Any, keys: Sequence[str], defaults: Sequence[Any],
          rows: Sequence[dict[str, Any]], ids: Sequence[int] | None, complete: bool,
          progress: ProgressFn | None) -> None:
    # COPY adapts a Python list to an array; JSON columns get their text instead.
    as_json = [isinstance(table.c[k].type, JSON) for k in keys]
    pairs = list(zip(keys, defaults, strict=True))
    columns = [*keys, "id"] if ids is not None else list(keys)
    whole = itemgetter(*keys) if complete and len(keys) > 1 else None
    with _copier(session, table, columns) as copy:
        for lo in range(0, len(rows), CHUNK):
            chunk = rows[lo:lo + CHUNK]
            for i, row in enumerate(chunk, lo):
                values = list(whole(row)) if whole is not None else \
                    [row.get(k, d) for k, d in pairs]
                for j, is_json in enumerate(as_json):
                    if is_json:
                        values[j] = json.dumps(values[j])
                if ids is not None:
                    values.append(ids[i])
                copy.write_row(values)
            if progress is not None:
                progress(len(chunk))
