"""Security headers and strict CORS for every response.

Body size: ``MAX_CONTENT_LENGTH`` (Flask's own setting) makes Werkzeug refuse a larger body
with 413, which the error handlers answer as problem+json like every other error.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request

from service.errors import problem_response

CORS_METHODS = "GET, POST, PUT, PATCH, DELETE"
CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match"
CORS_EXPOSED = "ETag, Location, Retry-After, Idempotent-Replayed, X-Pagination"
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.before_request(_preflight)
    app.after_request(_headers)


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
    # setdefault: a view that needs other values (a dashboard page's CSP) sets its own.
    for name, value in current_app.config["SECURITY_HEADERS"].items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/"):
        # Personal data: no shared cache may keep it.
        response.headers.setdefault("Cache-Control", "no-store")
    origin = _allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
    response.vary.add("Origin")
    return response
