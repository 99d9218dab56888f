"""Settings from the environment, so one image runs in every deployment."""

from __future__ import annotations

import os
import secrets
import tempfile
from typing import Any


def normalise_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at psycopg 3, the only PostgreSQL driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment() -> dict[str, Any]:
    """The app's config keys as the environment sets them; unset keys get defaults later."""
    config: dict[str, Any] = {}
    if url := os.environ.get("DATABASE_URL"):
        config["DATABASE_URL"] = url
    if redis := os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = redis
    if secret := os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret
    return config


def instance_secret_key(instance_path: str) -> str:
    """The dashboard's session key when SECRET_KEY is unset: made once per instance folder.

    Kept in a file rather than generated per process, so sessions survive a restart and are
    valid in every gunicorn worker. Production sets SECRET_KEY in the environment instead.
    """
    path = os.path.join(instance_path, "secret_key")
    os.makedirs(instance_path, exist_ok=True)
    if not os.path.exists(path):
        # Written whole under a private name, then linked into place: a link never replaces
        # an existing file, so racing workers all end up reading the one winner's key.
        fd, tmp = tempfile.mkstemp(dir=instance_path)
        with os.fdopen(fd, "w", encoding="ascii") as new:
            new.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    with open(path, encoding="ascii") as stored:
        return stored.read().strip()


DEFAULTS: dict[str, Any] = {
    # None means: a SQLite file in the instance folder, decided once the app knows that folder.
    "DATABASE_URL": None,
    "REDIS_URL": None,
    # None means: a key kept in the instance folder (see instance_secret_key).
    "SECRET_KEY": None,
    # The dashboard's session cookie: never sent cross-site, never readable by scripts.
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "API_TITLE": "Leerplek",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Placement matching for Dutch mbo workplace learning (BPV)."},
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"bearerAuth": []}],
    },
    # Sorted keys make the generated openapi.yaml, and so its drift test, deterministic.
    "JSON_SORT_KEYS": False,
}
