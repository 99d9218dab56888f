"""The JSON surface: one blueprint per resource, all under ``/api/v1``; health checks at the
root. Every request comes in through ``identity.principal_for`` (the bearer token)."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any, TypeVar

import flask_smorest
from apispec import BasePlugin
from flask import current_app, request
from werkzeug.routing import IntegerConverter, Map

from service.api import idempotency
from service.errors import RATE_LIMIT_HEADERS, Problem, ProblemApi
from service.identity.signin import authenticate
from service.models import MAX_ID

PREFIX = "/api/v1"
# The flask-smorest Api: bound to each app in create_app, every resource registered on it.
api = ProblemApi()
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# What any write can answer, whatever the view: a body that is not JSON (400), a key still in
# flight or a conflict with stored rows (409), a body over the size limit (413), a body of
# another type (415), a malformed or reused Idempotency-Key or invalid fields (422). A delete
# of a referenced row answers 409.
WRITE_ERRORS = {"post": [400, 409, 413, 415, 422], "put": [400, 409, 413, 415, 422],
                "patch": [400, 409, 413, 415, 422], "delete": [409]}
# What every operation can answer before its view runs (service.hardening.strict_request):
# a path and query over the length limit (414), a control character in the query (422).
REQUEST_ERRORS = [414, 422]


class IdConverter(IntegerConverter):
    """``<int:…>`` in our routes: an id from 1 to ``MAX_ID``. Anything else matches no route
    (404), so a path id too large for the database never reaches a query; the OpenAPI
    document carries the same bounds."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


class RateLimitHeaders(BasePlugin):
    """Documents the rate-limit headers on every answer of every ``/api/v1`` operation (the
    error answers' shared components carry them through ``Retry-After`` on 429 and 503)."""

    def operation_helper(self, path: str | None = None,
                         operations: dict[str, Any] | None = None, **_: Any) -> None:
        if not path or not path.startswith(PREFIX) or not operations:
            return
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                if isinstance(response, dict) and "$ref" not in response:
                    headers = response.setdefault("headers", {})
                    for name in RATE_LIMIT_HEADERS:
                        headers.setdefault(name, name)


def every_role(func: F) -> F:
    """Mark a view any valid token may call, so its documentation promises no 403."""
    func._every_role = True  # type: ignore[attr-defined]
    return func


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint with typed decorators, so mypy --strict checks the views.

    On an authenticated blueprint every operation documents the errors it can answer: 401
    (no or a bad token), 403 (a role that may not, unless marked ``every_role``), where the
    path names a record 404 (missing, or another tenant's), for writes ``WRITE_ERRORS``, and
    everywhere 429 (over the rate limit) and 503 (the database or the idempotency store
    unavailable). The fuzz tests hold the API to this list.
    """

    authenticated = False

    def route(self, rule: str, **options: Any) -> Callable[[T], T]:
        decorator: Callable[[T], T] = super().route(rule, **options)

        def document_errors(view: T) -> T:
            for method in HTTP_METHODS:
                func = getattr(view, method, None)
                if func is None:
                    continue
                statuses = list(REQUEST_ERRORS)
                if self.authenticated:
                    statuses += [401] + ([] if getattr(func, "_every_role", False) else [403])
                    statuses += [404] if "<" in rule else []
                    statuses += WRITE_ERRORS.get(method, [])
                    statuses += [429, 503]
                documented = func
                for status in statuses:
                    documented = super(Blueprint, self).alt_response(
                        status, response=http.HTTPStatus(status).name)(documented)
                # alt_response wraps the view in a call of its own for each status, only to
                # carry the documentation: the view's own function keeps the documentation
                # and is called directly (a dozen calls fewer on every request). One
                # inherited from another view keeps the wrappers: its documentation is that
                # view's.
                if method in vars(view):
                    func._apidoc = documented._apidoc
                else:
                    func = documented
                setattr(view, method, func)
            return decorator(view)

        return document_errors

    def arguments(self, schema: Any, **kwargs: Any) -> Callable[[F], F]:
        # One instance per operation, made here: given a class, webargs instantiates the
        # schema anew on every request (a third of parsing a preference list's body). A
        # schema keeps no state between loads; several views already share an instance.
        if isinstance(schema, type):
            schema = schema()
        decorator: Callable[[F], F] = super().arguments(schema, **kwargs)
        return decorator

    def response(self, status_code: int, schema: Any = None, **kwargs: Any
                 ) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().response(status_code, schema, **kwargs)
        return decorator

    def alt_response(self, status_code: int, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().alt_response(status_code, **kwargs)
        return decorator

    def paginate(self, pager: Any = None, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().paginate(pager, **kwargs)
        return decorator

    def doc(self, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().doc(**kwargs)
        return decorator


def allow_uploads() -> None:
    """Bulk imports may send more than ``MAX_CONTENT_LENGTH``: a province's round document is
    tens of megabytes. Set before anything reads the body (the idempotency hook does)."""
    if request.path.endswith("/import"):
        request.max_content_length = current_app.config["MAX_IMPORT_LENGTH"]


def refuse_idempotency_key() -> None:
    """Where a response holds a secret, no copy of it may be kept for replay."""
    if idempotency.HEADER in request.headers:
        raise Problem(422, f"{idempotency.HEADER} is not accepted here: the response holds a "
                           "secret that is never stored", [{
                               "field": idempotency.HEADER, "location": "header",
                               "message": "not accepted on this endpoint"}])


def resource_blueprint(name: str, description: str, idempotent: bool = True) -> Blueprint:
    """A resource's blueprint: every request must carry a valid bearer token; writes honour
    ``Idempotency-Key`` (unless ``idempotent`` is False: then the header is refused)."""
    blp = Blueprint(name, f"service.api.{name}", url_prefix=f"{PREFIX}/{name}",
                    description=description)
    blp.authenticated = True
    blp.before_request(allow_uploads)
    blp.before_request(authenticate)
    if not idempotent:
        blp.before_request(refuse_idempotency_key)
        return blp
    blp.before_request(idempotency.begin)  # after authenticate: keys are scoped per token
    blp.after_request(idempotency.finish)
    blp.teardown_request(idempotency.abandon)
    return blp


def json_or_csv(schema: str, description: str, many: bool = False) -> dict[str, Any]:
    """The 200 response of an operation that answers JSON or, on request, CSV: flask-smorest
    keeps one response per status (an ``alt_response`` for 200 replaces the other media
    type), so the document's 200 is written whole, both media types in it."""
    ref: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
    return {"responses": {"200": {"description": description, "content": {
        "application/json": {"schema": {"type": "array", "items": ref} if many else ref},
        "text/csv": {"schema": {"type": "string"}}}}}}
