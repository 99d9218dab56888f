"""One error format for everything: RFC 7807 ``application/problem+json``.

Marshmallow validation errors, database integrity errors, domain problems and every
``HTTPException`` (404 for unknown URLs, 405, and the 500 of an unexpected bug) end here, so no
client ever sees an HTML error page. Field errors are flattened to ``{"field", "location",
"message"}`` with dotted paths (``levels.0``) so a client can point at the offending input.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Flask, Response, jsonify
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from service.extensions import db
from service.models import Base

PROBLEM_JSON = "application/problem+json"
# The rate-limit headers of every API response (IETF draft "RateLimit header fields for
# HTTP", service/identity/throttling.py), and the 429's Retry-After, as the spec documents
# them (components.headers).
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Limit": {"description": "Requests allowed in the current window.",
                        "schema": {"type": "integer", "minimum": 0}},
    "RateLimit-Remaining": {"description": "Requests left in the current window.",
                            "schema": {"type": "integer", "minimum": 0}},
    "RateLimit-Reset": {"description": "Seconds until the current window ends.",
                        "schema": {"type": "integer", "minimum": 0}},
    "RateLimit-Policy": {"description": "The limit as `<requests>;w=<window in seconds>`.",
                         "schema": {"type": "string", "example": "600;w=60"}},
    "Retry-After": {"description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 1}},
}
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
                      "RateLimit-Policy")
log = logging.getLogger(__name__)


class FieldErrorSchema(ma.Schema):
    field = ma.fields.String(metadata={"description": "dotted path of the offending input"})
    location = ma.fields.String(metadata={"description": "json, query, path or header"})
    message = ma.fields.String()


class ProblemSchema(ma.Schema):
    """RFC 7807 problem details."""

    type = ma.fields.String(metadata={"description": "about:blank: see title and status"})
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


class Problem(Exception):
    """A domain rule said no; raised by plain functions, answered as problem+json."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, str]] | None = None,
                 headers: Mapping[str, str] | None = None,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = dict(headers or {})
        # RFC 7807 extension members, e.g. the running job a 409 refers to
        self.extra = dict(extra or {})


def field_error(field: str, message: str, status: int = 422) -> Problem:
    return Problem(status, f"{field}: {message}",
                   [{"field": field, "location": "json", "message": message}])


def flatten(messages: Any, location: str, prefix: str = "") -> list[dict[str, str]]:
    """Marshmallow's nested ``{field: [msg] | {index: ...}}`` as a flat list of field errors."""
    if isinstance(messages, Mapping):
        out: list[dict[str, str]] = []
        for key, value in messages.items():
            path = str(key) if not prefix else f"{prefix}.{key}"
            out.extend(flatten(value, location, path))
        return out
    if isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            return [{"field": prefix or "_schema", "location": location, "message": m}
                    for m in messages]
        return flatten(dict(enumerate(messages)), location, prefix)
    return [{"field": prefix or "_schema", "location": location, "message": str(messages)}]


def problem_response(status: int, detail: str | None = None,
                     errors: list[dict[str, str]] | None = None,
                     headers: Mapping[str, str] | None = None,
                     extra: Mapping[str, Any] | None = None) -> Response:
    title = http.HTTPStatus(status).phrase
    body: dict[str, Any] = {**(extra or {}), "type": "about:blank", "title": title,
                            "status": status}
    body["detail"] = detail or title
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, answering and documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors: list[dict[str, str]] = []
        # webargs puts validation errors under "messages", keyed by location.
        for location, messages in (data.get("messages") or {}).items():
            errors.extend(flatten(messages, location))
        detail = data.get("message") or error.description
        if errors:
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        if status >= 500:
            # Never leak internals; the log has the traceback.
            detail = "the server failed to handle this request"
        return problem_response(status, detail, errors, data.get("headers"))

    def _register_responses(self) -> None:
        # As the parent does, but error bodies are documented as application/problem+json.
        for name, header in RESPONSE_HEADERS.items():
            self.spec.components.header(name, header)
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status in (429, 503):
                response["headers"] = {"Retry-After": "Retry-After"}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def _integrity_problem(exc: IntegrityError) -> tuple[int, str, list[str]]:
    """Status, detail and the columns involved, from either backend's error."""
    orig = exc.orig
    text = str(orig)
    diag = getattr(orig, "diag", None)
    sqlstate = getattr(orig, "sqlstate", None)
    if diag is not None:  # psycopg: the constraint is named, find its columns
        name = diag.constraint_name or ""
        columns: list[str] = [diag.column_name] if diag.column_name else []
        for table in Base.metadata.tables.values():
            for constraint in table.constraints:
                if constraint.name == name:
                    columns = [c.name for c in getattr(constraint, "columns", [])] or columns
        status = 409 if sqlstate in ("23505", "23503") else 422
        return status, text.splitlines()[0], columns
    # sqlite3: "UNIQUE constraint failed: companies.kvk_number, ..." or "CHECK ...: name"
    head, _, tail = text.partition(": ")
    columns = [part.strip().rsplit(".", 1)[-1] for part in tail.split(",")] if tail else []
    if head.startswith("CHECK"):
        return 422, text, columns
    status = 409 if head.startswith(("UNIQUE", "FOREIGN KEY")) else 422
    return status, text, columns


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc.status, exc.detail, exc.errors, exc.headers, exc.extra)

    @app.errorhandler(ma.ValidationError)
    def _validation(exc: ma.ValidationError) -> Response:
        errors = flatten(exc.messages, "json")
        return problem_response(422, "; ".join(f"{e['field']}: {e['message']}"
                                               for e in errors[:5]), errors)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(exc: OperationalError | InterfaceError) -> Response:
        # The database is down, restarting or unreachable (or SQLite is locked): the request's
        # transaction did not commit, so the client may retry it as it is.
        log.warning("database unavailable: %s", str(exc.orig).splitlines()[0] if exc.orig
                    else exc)
        try:
            db.session.rollback()
        except Exception as rollback_error:  # the connection is gone; the pool discards it
            log.info("rollback after a lost connection failed: %s", rollback_error)
        return problem_response(503, "the database is unavailable; retry later",
                                headers={"Retry-After": "5"})

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError) -> Response:
        db.session.rollback()
        status, detail, columns = _integrity_problem(exc)
        log.info("integrity error: %s", detail)
        errors = [{"field": c, "location": "json", "message": "conflicts with stored data"}
                  for c in columns]
        return problem_response(status, "the change conflicts with stored data", errors)
