"""Liveness and readiness for the load balancer and the orchestrator."""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask.views import MethodView
from sqlalchemy import text

from service.api import Blueprint
from service.errors import Problem
from service.extensions import db
from service.schemas import HealthSchema

blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """The process is up."""
        return {"status": "ok", "checks": {}}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self) -> dict[str, Any]:
        """The database, and Redis when configured, answer."""
        checks = {"database": _check_database()}
        if current_app.config.get("REDIS_URL"):
            checks["redis"] = _check_redis(current_app.config["REDIS_URL"])
        failed = [name for name, state in checks.items() if state != "ok"]
        if failed:
            raise Problem(503, "not ready: " + ", ".join(f"{n} {checks[n]}" for n in failed))
        return {"status": "ok", "checks": checks}


def _check_database() -> str:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready", never a 500
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def _check_redis(url: str) -> str:
    # A raw PING keeps the redis client out of the web process's dependencies.
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379),
                                      timeout=2) as sock:
            if parts.password:
                sock.sendall(f"AUTH {parts.password}\r\n".encode())
                sock.recv(64)
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
    except OSError as exc:
        return f"unreachable ({type(exc).__name__})"
    return "ok" if reply.startswith(b"+PONG") else "unexpected reply"
