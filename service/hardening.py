"""Security headers, strict CORS and strict requests for every request and response.

Body size: ``MAX_CONTENT_LENGTH`` (Flask's own setting) makes Werkzeug refuse a larger body
with 413, which the error handlers answer as problem+json like every other error; the answer
says ``Connection: close``, since the unread body leaves the connection unusable.

Before any view (and before authentication): a path and query longer than ``MAX_URL_LENGTH``
is 414, a control character in a query parameter 422 (NUL would fail in PostgreSQL), and a
write's body in another type than the operation reads 415.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request

from service.errors import Problem, problem_response
from service.schemas import text_error

CORS_METHODS = "GET, POST, PUT, PATCH, DELETE"
CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match"
CORS_EXPOSED = ("ETag, Location, Retry-After, Idempotent-Replayed, X-Pagination, "
                "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy")
log = logging.getLogger(__name__)
# The app's default policy (SECURITY_HEADERS) forbids everything: JSON needs nothing. A page
# (the dashboard, the API docs) loads its stylesheets, scripts and images from the app itself,
# and nothing from anywhere else; no inline script or style.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
               "base-uri 'none'")


def init_app(app: Flask) -> None:
    app.before_request(_preflight)
    app.before_request(strict_request)
    app.after_request(_headers)


# Request body types a write accepts unless its view says otherwise (``body_types``).
JSON_BODY = ("application/json",)


def strict_request() -> None:
    """Refuse what no view should have to handle: an over-long URL, control characters in the
    query string, a body of a type the operation does not read."""
    # The request once, not through its context-local proxy at every use (every request
    # passes here).
    req = request._get_current_object()  # type: ignore[attr-defined]
    config = current_app.config
    if len(req.path) + len(req.query_string) > config["MAX_URL_LENGTH"]:
        raise Problem(414, f"the path and query may hold at most "
                           f"{config['MAX_URL_LENGTH']} characters")
    if req.query_string:
        errors = [{"field": key, "location": "query", "message": message}
                  for key, values in req.args.lists()
                  for text in (key, *values) if (message := text_error(text))]
        if errors:
            raise Problem(422, f"{errors[0]['field']}: {errors[0]['message']}", errors[:20])
    if req.method not in ("POST", "PUT", "PATCH") or not req.path.startswith("/api/"):
        return
    has_body = bool(req.content_length) or "chunked" in req.headers.get(
        "Transfer-Encoding", "").lower()
    if not has_body:
        return
    accepted = body_types(req.endpoint or "")
    if req.mimetype not in accepted:
        raise Problem(415, f"send the body as {' or '.join(accepted)}, not "
                           f"{req.mimetype or 'without a Content-Type'}")


def body_types(endpoint: str) -> tuple[str, ...]:
    """The body types the endpoint's view reads (its class's ``body_types``, else JSON),
    looked up once per endpoint and app."""
    known: dict[str, tuple[str, ...]] = current_app.extensions.setdefault(
        "leerplek_body_types", {})
    found = known.get(endpoint)
    if found is None:
        view = current_app.view_functions.get(endpoint)
        found = known[endpoint] = getattr(getattr(view, "view_class", None), "body_types",
                                          JSON_BODY)
    return found


def page_policy(response: Response) -> Response:
    """After a page's request: the page policy instead of the API's (every HTML surface)."""
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


def _allowed_origin() -> str | None:
    origin = request.headers.get("Origin")
    allowed: list[str] = current_app.config["CORS_ORIGINS"]
    return origin if origin is not None and origin in allowed else None


def _preflight() -> Response | None:
    """Answer a browser's CORS preflight before authentication (it carries no token)."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    if _allowed_origin() is None:
        return problem_response(403, "this origin may not call the API from a browser")
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
    response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def _headers(response: Response) -> Response:
    if response.status_code == 413:
        # The body was not read: the connection cannot carry another request, so say so
        # (Werkzeug's server closes it without a word otherwise; gunicorn's sync workers
        # close every connection anyway).
        response.headers["Connection"] = "close"
    # Only where unset: a view that needs other values (a dashboard page's CSP) sets its
    # own. The names present are read once (Headers.setdefault scans the list for each).
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    for name, value in current_app.config["SECURITY_HEADERS"].items():
        if name.lower() not in present:
            headers.add(name, value)
    if request.path.startswith("/api/") and "cache-control" not in present:
        # Personal data: no shared cache may keep it.
        headers.add("Cache-Control", "no-store")
    origin = _allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
    if "vary" in present:
        response.vary.add("Origin")
    else:  # what vary.add writes when there is none yet, without parsing a header set
        headers.add("Vary", "Origin")
    return response
