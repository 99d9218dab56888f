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
    for key in ("RATELIMIT_APPLICATION", "RATELIMIT_DEFAULT"):
        if value := os.environ.get(key):
            config[key] = value
    for key in ("RETENTION_DAYS", "IDEMPOTENCY_TTL_SECONDS", "IDEMPOTENCY_LOCK_SECONDS",
                "PROXY_FIX_X_FOR", "MAX_CONTENT_LENGTH", "MAX_IMPORT_LENGTH",
                "MAX_URL_LENGTH"):
        if value := os.environ.get(key):
            config[key] = int(value)
    if value := os.environ.get("AUTH_FAILURE_LIMIT"):
        config["AUTH_FAILURE_LIMIT"] = value
    if (origins := os.environ.get("CORS_ORIGINS")) is not None:
        config["CORS_ORIGINS"] = [o.strip() for o in origins.split(",") if o.strip()]
    if os.environ.get("REQUIRE_IF_MATCH", "").lower() in ("1", "true", "yes"):
        config["REQUIRE_IF_MATCH"] = True
    if mode := os.environ.get("LEERPLEK_JOBS_MODE"):
        config["JOBS_MODE"] = mode
    for key in ("JOB_HEARTBEAT_S", "JOB_EXPIRY_S", "JOB_QUEUE_TIMEOUT_S", "JOB_TIMEOUT_S",
                "DEADLINE_SWEEP_S"):
        if value := os.environ.get(f"LEERPLEK_{key}"):
            config[key] = float(value)
    if os.environ.get("POK_STORE_PEOPLE", "").lower() in ("1", "true", "yes"):
        config["POK_STORE_PEOPLE"] = True
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
    # Background jobs (see service/jobs/runner.py): "rq" (a `leerplek worker` through Redis),
    # "thread" (embedded: a thread of this process) or "eager" (inside the request; tests only).
    # None means: rq when REDIS_URL is set, else thread.
    "JOBS_MODE": None,
    "JOB_THREADS": 1,  # embedded mode: jobs run at once per process; more wait their turn
    "JOB_HEARTBEAT_S": 5.0,  # a running job's worker writes its heartbeat this often
    "JOB_EXPIRY_S": 60.0,  # ...and is presumed dead, its round unlocked, after this silence
    "JOB_QUEUE_TIMEOUT_S": 6 * 3600.0,  # a job no worker picked up by then is failed
    "JOB_TIMEOUT_S": 3600.0,  # RQ kills a job running longer than this
    # Answer deadlines are settled this often by a sweep in `leerplek worker` and, in the
    # embedded thread mode, in each API process (docs/JOBS.md); 0 turns the sweep off.
    "DEADLINE_SWEEP_S": 60.0,
    # None means: a key kept in the instance folder (see instance_secret_key).
    "SECRET_KEY": None,
    # The dashboard's session cookie: never sent cross-site, never readable by scripts.
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    # Pages speak Dutch (service/translations holds the catalogue, docs/TRANSLATIONS.md).
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
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
    # Rate limits per token (per client address without one), in Flask-Limiter's syntax:
    # RATELIMIT_APPLICATION is shared by every endpoint, RATELIMIT_DEFAULT applies to each
    # endpoint separately. Counters live in Redis when REDIS_URL is set, else in the process.
    "RATELIMIT_APPLICATION": "600 per minute",
    "RATELIMIT_DEFAULT": None,
    # Off: Flask-Limiter would put Retry-After on every response; ours goes on the 429 only.
    "RATELIMIT_HEADERS_ENABLED": False,
    "RATELIMIT_KEY_PREFIX": "leerplek",
    # Idempotency-Key: a finished response is replayed for this long (24 h); a request still
    # running holds its key for at most IDEMPOTENCY_LOCK_SECONDS, so a crashed worker's key
    # frees itself.
    "IDEMPOTENCY_TTL_SECONDS": 24 * 3600,
    "IDEMPOTENCY_LOCK_SECONDS": 120,
    # How many proxies in front of the app set X-Forwarded-For; 0 trusts none (the default,
    # so a client cannot pick its own rate-limit bucket by sending the header).
    "PROXY_FIX_X_FOR": 0,
    # Failed authentications per client address before it must wait (429), so tokens
    # cannot be guessed at speed nor the token table hammered.
    "AUTH_FAILURE_LIMIT": "10 per minute",
    # Larger request bodies are refused with 413 before they are read.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # ... except on the bulk imports (`/import`): a 60,000-student round is about 35 MB.
    "MAX_IMPORT_LENGTH": 256 * 1024 * 1024,
    # Longest path plus query string the app reads (gunicorn's own request-line limit is
    # 4094): a longer one is refused with 414 as problem+json.
    "MAX_URL_LENGTH": 4096,
    # Browser origins allowed to call the API (exact "https://host[:port]"); none by default.
    "CORS_ORIGINS": [],
    # If-Match on offer and student writes: optional (412 when stale) unless required (428).
    "REQUIRE_IF_MATCH": False,
    # On every response unless the view set its own (a dashboard page sets its own CSP).
    "SECURITY_HEADERS": {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    },
    # AVG retention: `leerplek purge` erases students whose last round finished longer ago,
    # and deletes older audit events (two years by default).
    "RETENTION_DAYS": 730,
    # Names and e-mail addresses of the praktijkopleider and praktijkbegeleider on a POK:
    # off, the school system merges them in and this service stores none (data minimisation,
    # DOMAIN.md privacy); a deployment that must print them switches it on.
    "POK_STORE_PEOPLE": False,
    # Sorted keys make the generated openapi.yaml, and so its drift test, deterministic.
    "JSON_SORT_KEYS": False,
}
