"""The monitor as CSV: the open data's two tables, for the API and for
``leerplek monitor export -o DIR`` (the province's own dashboard reads the same files)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from service.monitor.agreements import (
    AGREEMENT_COLUMNS,
    agreement_query,
    progress,
    progress_row,
)
from service.monitor.figures import COLUMNS, DIMENSIONS, monitor, rows

FIGURES_FILE = "monitor.csv"
AGREEMENTS_FILE = "agreements.csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(column: str, value: Any) -> str:
    # A summed-over dimension reads "total"; a hidden or absent figure stays empty.
    if value is None:
        return "total" if column in DIMENSIONS else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A name typed by staff ("+200 leerbanen", "=…") must not run as a formula when the
        # open data is opened in a spreadsheet (OWASP CSV injection): quoted as text.
        return "'" + value
    return str(value)


def to_csv(columns: Sequence[str], data: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in data:
        writer.writerow([_cell(c, row.get(c)) for c in columns])
    return out.getvalue()


def agreement_rows(session: Session) -> list[dict[str, Any]]:
    return [progress_row(item) for item in progress(
        session, list(session.scalars(agreement_query())))]


def figures_csv(session: Session, school_year: str | None = None) -> str:
    return to_csv(COLUMNS, rows(monitor(session, school_year)))


def agreements_csv(session: Session) -> str:
    # The agreement's own level and pathway are "every" when empty, not a total row.
    return to_csv(AGREEMENT_COLUMNS, ({k: ("" if v is None else v) for k, v in row.items()}
                                      for row in agreement_rows(session)))


def write_export(session: Session, directory: Path) -> list[Path]:
    """Write ``monitor.csv`` and ``agreements.csv`` into ``directory`` (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((FIGURES_FILE, figures_csv(session)),
                       (AGREEMENTS_FILE, agreements_csv(session))):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
