"""Idempotency-Key: a retried write gets the first response again, never a second write.

A client that sends ``Idempotency-Key: <key>`` with a POST, PUT or PATCH may repeat the
request (after a timeout, a dropped connection) as often as it likes: the first request runs,
every repeat receives the first response again with ``Idempotent-Replayed: true``.

- Keys are scoped per token: the same key from two tokens names two different requests.
- A key reused for a different method, path, query or body answers 422 naming the header.
- A repeat that arrives while the first request still runs answers 409 with ``Retry-After``.
- Responses below 500 are stored (with status, headers and body) for ``IDEMPOTENCY_TTL_SECONDS``.
  A 5xx is not stored and frees the key: every write is one transaction that commits only on
  success, so after a 5xx nothing was written and running the retry is safe, while storing the
  failure would turn a passing fault (a database fail-over) into 24 hours of the same error.

Records live in Redis when ``REDIS_URL`` is set (shared by every API process), otherwise in
this process (the embedded single-process mode).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import redis
from flask import Flask, Response, current_app, g, request

from service.errors import Problem
from service.identity.principals import hash_token

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_KEY_LENGTH = 255
# Headers that describe one transmission, not the response: recomputed on replay.
UNSTORED_HEADERS = frozenset({"content-length", "date", "set-cookie"})
log = logging.getLogger(__name__)


class Store(Protocol):
    def claim(self, key: str, record: str, ttl: int) -> str | None:
        """Store ``record`` under ``key`` unless the key exists; return the existing record."""

    def finish(self, key: str, owner: str, record: str, ttl: int) -> None:
        """Replace the claim with the finished record, if ``owner`` still holds it."""

    def release(self, key: str, owner: str) -> None:
        """Drop the claim, if ``owner`` still holds it."""


class MemoryStore:
    """The embedded store: one dictionary per app, guarded for threaded servers."""

    def __init__(self) -> None:
        self._records: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def _get(self, key: str) -> str | None:
        found = self._records.get(key)
        if found is None or found[0] <= time.monotonic():
            self._records.pop(key, None)
            return None
        return found[1]

    def claim(self, key: str, record: str, ttl: int) -> str | None:
        with self._lock:
            existing = self._get(key)
            if existing is None:
                self._records[key] = (time.monotonic() + ttl, record)
            return existing

    def _owned(self, key: str, owner: str) -> bool:
        existing = self._get(key)
        return existing is not None and json.loads(existing)["owner"] == owner

    def finish(self, key: str, owner: str, record: str, ttl: int) -> None:
        with self._lock:
            if self._owned(key, owner):
                self._records[key] = (time.monotonic() + ttl, record)

    def release(self, key: str, owner: str) -> None:
        with self._lock:
            if self._owned(key, owner):
                del self._records[key]


# Compare-and-set in one step on the server, so a claim that expired and was taken over by
# another request is never overwritten or deleted by its first, slow owner.
_FINISH = """
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current)['owner'] == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
end
"""
_RELEASE = """
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current)['owner'] == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
"""


class RedisStore:
    """The shared store: every API process sees every key."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._finish = self._redis.register_script(_FINISH)
        self._release = self._redis.register_script(_RELEASE)

    def claim(self, key: str, record: str, ttl: int) -> str | None:
        for _ in range(3):  # the key may expire between SET NX and GET: then claim again
            if self._redis.set(key, record, nx=True, ex=ttl):
                return None
            existing = self._redis.get(key)
            if existing is not None:
                return existing.decode() if isinstance(existing, bytes) else str(existing)
        raise RuntimeError(f"could not claim idempotency key {key}")

    def finish(self, key: str, owner: str, record: str, ttl: int) -> None:
        self._finish(keys=[key], args=[owner, record, ttl])

    def release(self, key: str, owner: str) -> None:
        self._release(keys=[key], args=[owner])


@dataclass(frozen=True, slots=True)
class Claim:
    key: str
    owner: str
    fingerprint: str


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["idempotency"] = RedisStore(url) if url else MemoryStore()


def _store() -> Store:
    store: Store = current_app.extensions["idempotency"]
    return store


def _key_problem(message: str) -> Problem:
    return Problem(422, f"{HEADER}: {message}",
                   [{"field": HEADER, "location": "header", "message": message}])


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.encode(), request.get_data()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _replay(stored: dict[str, Any]) -> Response:
    response = Response(base64.b64decode(stored["body"]), status=stored["status"])
    response.headers.clear()
    for name, value in stored["headers"]:
        response.headers.add(name, value)
    response.headers[REPLAYED] = "true"
    return response


def begin() -> Response | None:
    """Before an authenticated write: claim its key, or answer from the stored response."""
    key = request.headers.get(HEADER)
    if request.method not in METHODS or key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise _key_problem(f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters")
    token = request.headers["Authorization"].partition(" ")[2].strip()
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    # Hashing the client's key bounds the Redis key's length whatever the client sends.
    name = (f"{prefix}:idempotency:{hash_token(token)}:"
            f"{hashlib.sha256(key.encode()).hexdigest()}")
    claim = Claim(name, secrets.token_hex(16), _fingerprint())
    record = json.dumps({"owner": claim.owner, "fingerprint": claim.fingerprint,
                         "response": None})
    try:
        existing = _store().claim(name, record, current_app.config["IDEMPOTENCY_LOCK_SECONDS"])
    except Exception as exc:  # the store is down: refusing beats risking a duplicate write
        log.warning("idempotency store unavailable: %s", exc)
        raise Problem(503, "the idempotency store is unavailable; retry later",
                      headers={"Retry-After": "5"}) from None
    if existing is None:
        g.idempotency_claim = claim
        return None
    found = json.loads(existing)
    if found["fingerprint"] != claim.fingerprint:
        raise _key_problem("was already used for a different request (method, path or body)")
    if found["response"] is None:
        raise Problem(409, "a request with this Idempotency-Key is still being processed",
                      [{"field": HEADER, "location": "header",
                        "message": "the first request with this key has not finished"}],
                      headers={"Retry-After": "1"})
    return _replay(found["response"])


def finish(response: Response) -> Response:
    """After the write: keep a response below 500 for replay; free the key after a 5xx."""
    claim: Claim | None = g.pop("idempotency_claim", None)
    if claim is None:
        return response
    store = _store()
    try:
        if response.status_code >= 500 or response.direct_passthrough:
            store.release(claim.key, claim.owner)
            return response
        stored = {"status": response.status_code,
                  "headers": [[k, v] for k, v in response.headers.items()
                              if k.lower() not in UNSTORED_HEADERS],
                  "body": base64.b64encode(response.get_data()).decode()}
        store.finish(claim.key, claim.owner,
                     json.dumps({"owner": claim.owner, "fingerprint": claim.fingerprint,
                                 "response": stored}),
                     current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    except Exception as exc:
        # The write is committed; the client gets its true answer. Only the replay is lost,
        # and the claim expires after IDEMPOTENCY_LOCK_SECONDS.
        log.warning("could not store the idempotent response: %s", exc)
    return response


def abandon(_exc: BaseException | None) -> None:
    """When a request dies without a response (an unhandled error), free its key at once."""
    claim: Claim | None = g.pop("idempotency_claim", None)
    if claim is not None:
        try:
            _store().release(claim.key, claim.owner)
        except Exception as exc:
            log.warning("could not release the idempotency key: %s", exc)
