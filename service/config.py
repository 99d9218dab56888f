"""Settings from the environment, so one image runs in every deployment."""

from __future__ import annotations

import json
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
    if value := os.environ.get("DATABASE_PING_AFTER_IDLE_S"):
        config["DATABASE_PING_AFTER_IDLE_S"] = float(value)
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
    config.update(mail_from_environment())

    for key in ("WEBHOOK_ALLOW_HTTP", "WEBHOOK_ALLOW_PRIVATE"):
        if (flag := os.environ.get(key)) is not None:
            config[key] = flag.lower() in ("1", "true", "yes")
    for key in ("WEBHOOK_TIMEOUT_S", "WEBHOOK_BACKOFF_S", "WEBHOOK_BACKOFF_MAX_S",
                "WEBHOOK_SWEEP_S"):
        if value := os.environ.get(key):
            config[key] = float(value)
    for key in ("WEBHOOK_MAX_ATTEMPTS", "WEBHOOK_DISABLE_AFTER"):
        if value := os.environ.get(key):
            config[key] = int(value)

    if os.environ.get("POK_STORE_PEOPLE", "").lower() in ("1", "true", "yes"):
        config["POK_STORE_PEOPLE"] = True
    if secret := os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret
    if base := os.environ.get("LEERPLEK_BASE_URL"):
        config["BASE_URL"] = base
    if (mailed := os.environ.get("LEERPLEK_MAIL_SIGNIN_LINKS")) is not None:
        config["MAIL_SIGNIN_LINKS"] = mailed.lower() in ("1", "true", "yes")
    for key in ("SIGNIN_LINK_DAYS", "SESSION_IDLE_MINUTES", "SESSION_LIFETIME_HOURS"):
        if value := os.environ.get(key):
            config[key] = int(value)
    if (secure := os.environ.get("SESSION_COOKIE_SECURE")) is not None:
        config["SESSION_COOKIE_SECURE"] = secure.lower() in ("1", "true", "yes")
    if providers := os.environ.get("OIDC_PROVIDERS"):
        # JSON: {"<school id>": {"issuer": …, "client_id": …, "client_secret": …,
        # "student_claim": …}} (docs/SIGNIN.md).
        config["OIDC_PROVIDERS"] = json.loads(providers)
    return config


def mail_from_environment() -> dict[str, Any]:
    """The outbox's settings: SMTP_HOST (unset: .eml files in MESSAGES_DIR), SMTP_PORT,
    SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS, MAIL_FROM and the delivery sweep's timing."""
    config: dict[str, Any] = {}
    for key in ("SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "MAIL_FROM", "MESSAGES_DIR"):
        if value := os.environ.get(key):
            config[key] = value
    for key in ("SMTP_PORT", "MESSAGES_MAX_ATTEMPTS"):
        if value := os.environ.get(key):
            config[key] = int(value)
    for key in ("MESSAGES_SWEEP_S", "MESSAGES_BACKOFF_S", "SMTP_TIMEOUT_S"):
        if value := os.environ.get(key):
            config[key] = float(value)
    if (starttls := os.environ.get("SMTP_STARTTLS")) is not None:
        config["SMTP_STARTTLS"] = starttls.lower() in ("1", "true", "yes")
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
    # Embedded mode: a serving process sweeps deadlines, the outbox and webhook retries
    # itself. A one-shot command's app (service.commands.one_shot_app) sets this False.
    "EMBEDDED_SWEEPS": True,
    "JOB_HEARTBEAT_S": 5.0,  # a running job's worker writes its heartbeat this often
    "JOB_EXPIRY_S": 60.0,  # ...and is presumed dead, its round unlocked, after this silence
    "JOB_QUEUE_TIMEOUT_S": 6 * 3600.0,  # a job no worker picked up by then is failed
    "JOB_TIMEOUT_S": 3600.0,  # RQ kills a job running longer than this
    # Answer deadlines are settled this often by a sweep in `leerplek worker` and, in the
    # embedded thread mode, in each API process (docs/JOBS.md); 0 turns the sweep off.
    "DEADLINE_SWEEP_S": 60.0,
    # Messages (docs/MESSAGES.md): sent through SMTP_HOST when set; without it (the embedded
    # default) written as .eml files to MESSAGES_DIR (None: instance/outbox).
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": True,
    "SMTP_TIMEOUT_S": 30.0,
    "MAIL_FROM": "Leerplek <noreply@leerplek.invalid>",
    "MESSAGES_DIR": None,
    # The outbox is sent, and time-based reminders queued, this often (0: off); a failed
    # message waits MESSAGES_BACKOFF_S, doubling per attempt, and is given up after
    # MESSAGES_MAX_ATTEMPTS.
    "MESSAGES_SWEEP_S": 30.0,
    "MESSAGES_BACKOFF_S": 60.0,
    "MESSAGES_MAX_ATTEMPTS": 8,
    # None means: a key kept in the instance folder (see instance_secret_key).
    "SECRET_KEY": None,
    # The pages' session cookie: never sent cross-site, never readable by scripts, and only
    # over HTTPS (None means: Secure unless TESTING or DEBUG; SESSION_COOKIE_SECURE=0 in the
    # environment turns it off for plain-HTTP trials on another host than localhost).
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": None,
    # Sign-in (docs/SIGNIN.md): the address people reach the service at (in sign-in links
    # and as the OpenID Connect redirect), how long a one-time link stays valid, how long a
    # session may go unused and how long it lasts at most.
    "BASE_URL": "http://127.0.0.1:8000",
    "SIGNIN_LINK_DAYS": 14,
    # Put a one-time sign-in link in each student's "round opened" message (for schools
    # without OpenID Connect); off by default, since a mailed link is a credential.
    "MAIL_SIGNIN_LINKS": False,
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_LIFETIME_HOURS": 12,
    # The schools' OpenID Connect providers, keyed by school id (docs/SIGNIN.md).
    "OIDC_PROVIDERS": {},
    # Pages speak Dutch (service/translations holds the catalogue, docs/TRANSLATIONS.md).
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "API_TITLE": "Leerplek",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    # The spec is served at /api/openapi.json; Swagger UI at /api/docs (service/api/docs.py)
    # from the swagger-ui-bundle package, not flask-smorest's page, whose assets come from a
    # CDN and whose initializer is an inline script the page policy refuses.
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
    # Rate limits per token (per client address without one), in `limits`' syntax:
    # RATELIMIT_APPLICATION is shared by every endpoint, RATELIMIT_DEFAULT applies to each
    # endpoint separately. Counters live in Redis when REDIS_URL is set, else in the process.
    "RATELIMIT_APPLICATION": "600 per minute",
    "RATELIMIT_DEFAULT": None,
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
    # A pooled PostgreSQL connection unused for longer than this (seconds) is pinged before
    # use even when its socket is quiet: a firewall or NAT may have dropped it without a word.
    "DATABASE_PING_AFTER_IDLE_S": 10.0,
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
    # Webhooks (service/webhooks, docs/INTEGRATION.md). Production: https only, and never an
    # address inside the network (server-side request forgery); development and tests may
    # allow plain http and a local receiver.
    "WEBHOOK_ALLOW_HTTP": False,
    "WEBHOOK_ALLOW_PRIVATE": False,
    "WEBHOOK_TIMEOUT_S": 10.0,  # an attempt waiting longer for the answer has failed
    "WEBHOOK_CLAIM_S": 60.0,  # a sender silent this long has died: the delivery is retried
    # Retries: 30 s, 1 min, 2 min, ... at most 6 h apart, 8 attempts (about 2 hours).
    "WEBHOOK_BACKOFF_S": 30.0,
    "WEBHOOK_BACKOFF_MAX_S": 6 * 3600.0,
    "WEBHOOK_MAX_ATTEMPTS": 8,
    # An endpoint whose attempts failed this often in a row is disabled, with the reason.
    "WEBHOOK_DISABLE_AFTER": 20,
    "WEBHOOK_SWEEP_S": 15.0,  # due retries are sent this often; 0 turns the sweep off

    # Names and e-mail addresses of the praktijkopleider and praktijkbegeleider on a POK:
    # off, the school system merges them in and this service stores none (data minimisation,
    # DOMAIN.md privacy); a deployment that must print them switches it on.
    "POK_STORE_PEOPLE": False,
    # Sorted keys make the generated openapi.yaml, and so its drift test, deterministic.
    "JSON_SORT_KEYS": False,
}
