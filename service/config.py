"""Settings from the environment, so one image runs in every deployment."""

from __future__ import annotations

import os
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
    return config


DEFAULTS: dict[str, Any] = {
    # None means: a SQLite file in the instance folder, decided once the app knows that folder.
    "DATABASE_URL": None,
    "REDIS_URL": None,
    "API_TITLE": "Leerplek",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    # The spec is served at /api/openapi.json. No Swagger/ReDoc page: their assets come from a
    # CDN, and the service must work without internet access.
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
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
