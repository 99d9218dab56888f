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
    if mode := os.environ.get("LEERPLEK_JOBS_MODE"):
        config["JOBS_MODE"] = mode
    for key in ("JOB_HEARTBEAT_S", "JOB_EXPIRY_S", "JOB_QUEUE_TIMEOUT_S", "JOB_TIMEOUT_S"):
        if value := os.environ.get(f"LEERPLEK_{key}"):
            config[key] = float(value)
    return config


DEFAULTS: dict[str, Any] = {
    # None means: a SQLite file in the instance folder, decided once the app knows that folder.
    "DATABASE_URL": None,
    "REDIS_URL": None,
    # Background jobs (see service/jobs.py): "rq" (a `leerplek worker` through Redis), "thread"
    # (embedded: a thread of this process) or "eager" (inside the request; tests only).
    # None means: rq when REDIS_URL is set, else thread.
    "JOBS_MODE": None,
    "JOB_THREADS": 1,  # embedded mode: jobs run at once per process; more wait their turn
    "JOB_HEARTBEAT_S": 5.0,  # a running job's worker writes its heartbeat this often
    "JOB_EXPIRY_S": 60.0,  # ...and is presumed dead, its round unlocked, after this silence
    "JOB_QUEUE_TIMEOUT_S": 6 * 3600.0,  # a job no worker picked up by then is failed
    "JOB_TIMEOUT_S": 3600.0,  # RQ kills a job running longer than this
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
