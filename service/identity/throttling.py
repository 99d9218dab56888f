"""Throttling: rate limits per token, and failed sign-ins per address, answered with 429.

Every request counts per bearer token (its SHA-256, as stored), or per client address when it
has none. The limits come from the config in ``limits``' syntax (``RATELIMIT_APPLICATION``
across all endpoints, ``RATELIMIT_DEFAULT`` per endpoint); counters live in Redis when
``REDIS_URL`` is set, so every API process shares them, and in the process otherwise (also
while Redis is unreachable: ``RATELIMIT_IN_MEMORY_FALLBACK``). Exempt: health checks (a load
balancer probing often must never be throttled into declaring the service dead), static files
and requests that match no route (404).

``RateLimits`` is the counting itself, with ``limits``' fixed-window strategy; it replaced
Flask-Limiter, whose per-request resolution of which limits apply (decorated, per blueprint,
per method, meta limits: none of which this service uses) cost about a tenth of a
preference submission's CPU in the worker (docs/PERFORMANCE.md, "Where issue 16 stands:
session 8"). The counters' keys are the ones Flask-Limiter wrote.

Every API answer announces the limit it counts against (IETF draft "RateLimit header fields
for HTTP"): ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds) and
``RateLimit-Policy`` (``600;w=60``); a 429 adds ``Retry-After``.

Failed authentications (an unknown or revoked token, by bearer header or on a sign-in form)
are counted per client address; past ``AUTH_FAILURE_LIMIT`` the address waits, on every
surface alike.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import redis
from flask import Flask, Response, current_app, g, has_request_context, request
from limits import RateLimitItem, parse, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from service.errors import RATE_LIMIT_HEADERS, Problem
from service.identity.principals import hash_token

log = logging.getLogger(__name__)


class LockedMemoryStorage(MemoryStorage):
    """limits' in-process storage with every operation under one lock.

    limits 5.8's ``MemoryStorage`` is not safe across threads: two requests at once can start
    its expiry timer twice ("threads can only be started once") and its expiry sweep can
    read a key another thread just dropped (KeyError). The threaded server of the embedded
    mode (``make demo``, gthread workers without Redis) hit both as 500s. Fixed upstream in
    alisaifee/limits#352, not yet released; a counter update is microseconds, so one lock
    costs nothing measurable.
    """

    STORAGE_SCHEME = ["locked-memory"]  # noqa: RUF012  (limits registers schemes by this list)
    SWEEP_S = 5.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: str) -> None:
        self._guard = threading.RLock()  # before super(): its __init__ starts the timer
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__expire_events(self) -> None:  # the timer's sweep, name-mangled
        with self._guard:
            super()._MemoryStorage__expire_events()  # type: ignore[misc]

    def _MemoryStorage__schedule_expiry(self) -> None:  # after every counter update
        # limits sweeps every counter 10 ms after each update, and a sweep reads every key
        # (under the guard, with the GIL): with one counter per token, a province's students
        # answering made each process walk thousands of keys a hundred times a second. A
        # counter past its window is dropped when next read anyway (``get``); the sweep only
        # frees memory, so once every SWEEP_S is enough.
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_S, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name in _LOCKED_OPERATIONS:
            guard = super().__getattribute__("_guard")

            def locked(*args: Any, **kwargs: Any) -> Any:
                with guard:
                    return attribute(*args, **kwargs)
            return locked
        return attribute


# Every operation of MemoryStorage that reads or changes its counters, windows or timer.
_LOCKED_OPERATIONS = frozenset({
    "incr", "decr", "get", "clear", "acquire_entry", "get_expiry", "get_moving_window",
    "acquire_sliding_window_entry", "get_sliding_window", "clear_sliding_window", "reset",
})


class WindowRedisStorage(RedisStorage):
    """limits' Redis storage whose counter increment also answers the counter's time to live
    and, when asked, one more counter's value, in the same round trip.

    The RateLimit headers need the count and the window's reset after every hit, and the
    failed-authentication check reads the address's failure counter right after it (the
    limiter's hook runs before authentication). With this the hit's own round trip brings
    all three (kept for this thread until taken), where reading them afterwards cost two
    more round trips on every API request (the deadline-day hot path, docs/PERFORMANCE.md).
    Counting, keys and expiry are limits' own: the script is its ``incr_expire.lua`` with
    the answers added. Used for ``leerplek+redis://`` (and ``leerplek+rediss://``) storage
    URIs, which ``init_app`` makes of ``REDIS_URL``.
    """

    STORAGE_SCHEME = ["leerplek+redis", "leerplek+rediss"]  # noqa: RUF012  (as limits')
    SCRIPT_INCR_WINDOW = b"""
local amount = tonumber(ARGV[2])
local current = redis.call("incrby", KEYS[1], amount)
if tonumber(current) == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
local also = false
if KEYS[2] then
    also = redis.call("get", KEYS[2]) or "0"
end
return {current, redis.call("ttl", KEYS[1]), also}
"""

    def __init__(self, uri: str, **options: Any) -> None:
        super().__init__(uri.removeprefix("leerplek+"), **options)
        self.last_hit = threading.local()
        # The increment's connections not in use now, the last used last (see _incr_window),
        # and the process they were made in.
        self._idle: list[Any] = []
        self._idle_pid = os.getpid()
        # Set by init_app: the (unprefixed) key of a counter to read with each increment,
        # for the request being served (None: none).
        self.read_along: Callable[[], str | None] = lambda: None

    def initialize_storage(self, uri: str) -> None:
        super().initialize_storage(uri)
        self.lua_incr_window = self.get_connection().register_script(self.SCRIPT_INCR_WINDOW)

    def forget(self) -> None:
        """Drop what this thread's last increment answered (at the start of a request)."""
        self.last_hit.window = self.last_hit.along = None

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        key = self.prefixed_key(key)
        along = self.read_along()
        keys = [key] if along is None else [key, self.prefixed_key(along)]
        current, ttl, value = self._incr_window(keys, expiry, amount)
        self.last_hit.window = (key, int(current), int(ttl), time.time())
        self.last_hit.along = None if along is None else (along, int(value))
        return int(current)

    def _incr_window(self, keys: list[str], expiry: int, amount: int) -> list[Any]:
        """The increment script's answer, sent and read on a connection of its own.

        Every API request runs it, and redis-py's client around one command (the pool's
        checkout and health check, the retry wrapper, the release) cost about as much of
        the worker's CPU as the command itself (docs/PERFORMANCE.md, session 12). The
        connections are the pool's kind with the pool's settings (address, database,
        password, TLS, timeouts); one in use is out of the idle list, so no two requests
        share one, and a thread (or a server's thread per request) takes the one used last.
        A script the server no longer knows (restarted, ``SCRIPT FLUSH``) is loaded again;
        a broken connection is dropped and the command sent once more on a new one, as the
        client's own retry would.
        """
        if self._idle_pid != os.getpid():  # forked: the parent's connections are its own
            self._idle, self._idle_pid = [], os.getpid()
        try:
            connection = self._idle.pop()  # one call under the GIL: no lock needed
        except IndexError:
            pool = self.storage.connection_pool
            connection = pool.connection_class(**pool.connection_kwargs)
        script = self.lua_incr_window
        command = ("EVALSHA", script.sha, len(keys), *keys, expiry, amount)
        try:
            for attempt in range(2):
                try:
                    connection.send_command(*command)
                    try:
                        answer: list[Any] = connection.read_response()
                    except redis.exceptions.NoScriptError:
                        connection.send_command("SCRIPT", "LOAD", script.script)
                        connection.read_response()
                        connection.send_command(*command)
                        answer = connection.read_response()
                    return answer
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                    connection.disconnect()
                    if attempt:
                        raise
                except redis.exceptions.ResponseError:
                    raise  # an answer read whole: the connection is in step
                except BaseException:
                    # Interrupted between sending and reading: an answer may still be on
                    # its way, and would be taken for the next command's.
                    connection.disconnect()
                    raise
            raise AssertionError("unreachable")
        finally:
            # Back for the next request, in step or disconnected (it connects again).
            self._idle.append(connection)

    def take_window(self, key: str) -> tuple[int, int, float] | None:
        """The count and TTL this thread's last increment of ``key`` answered (and when),
        once: None when its last increment was of another key, or already taken."""
        found = getattr(self.last_hit, "window", None)
        self.last_hit.window = None
        if found is None or found[0] != key:
            return None
        return found[1], found[2], found[3]

    def take_along(self, key: str) -> int | None:
        """The value of ``key`` (unprefixed) read with this thread's last increment, once:
        None when that increment read no such key, or it was already taken."""
        found = getattr(self.last_hit, "along", None)
        self.last_hit.along = None
        if found is None or found[0] != key:
            return None
        return int(found[1])


def rate_limit_key() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hash_token(token.strip())
    return "address:" + (request.remote_addr or "unknown")


@dataclass(frozen=True, slots=True)
class CountedLimit:
    """A limit a request was counted against: the limit, its counter's arguments and the
    strategy that counted it (the fallback's, while Redis is out)."""

    limit: RateLimitItem
    request_args: tuple[str, ...]
    strategy: FixedWindowRateLimiter

    @property
    def window(self) -> tuple[float, int]:
        """When the window resets (a moment) and how many requests it has left."""
        stats = self.strategy.get_window_stats(self.limit, *self.request_args)
        return stats.reset_time, stats.remaining


class RateLimits:
    """The app's rate limits, counted before every request that is not exempt.

    One counter per key (token or address) for ``RATELIMIT_APPLICATION`` (scope
    ``global``), and one per key and endpoint for ``RATELIMIT_DEFAULT``; every limit is hit,
    smallest window first, and the first one spent answers 429. A storage that fails (Redis
    down) is left for the in-process fallback, when configured, and asked again after
    1, 2, 4 … 32 seconds, as Flask-Limiter did.
    """

    APPLICATION_SCOPE = "global"
    RECHECK_MAX_EXPONENT = 5

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.prefix: str = config["RATELIMIT_KEY_PREFIX"]
        self.application = self._limits(config.get("RATELIMIT_APPLICATION"))
        self.per_endpoint = self._limits(config.get("RATELIMIT_DEFAULT"))
        self.storage = cast(Storage, storage_from_string(config["RATELIMIT_STORAGE_URI"]))
        self._primary = FixedWindowRateLimiter(self.storage)
        fallback = self._limits(config.get("RATELIMIT_IN_MEMORY_FALLBACK"))
        # The fallback counts the configured fallback limits in place of every limit, in
        # the locked in-process storage (limits' own is not thread-safe: LockedMemoryStorage).
        self._fallback_limits = fallback
        self._fallback = (FixedWindowRateLimiter(LockedMemoryStorage("locked-memory://"))
                          if fallback else None)
        self._storage_dead = False
        self._recheck_at = 0.0
        self._rechecks = 0
        self._exempt_blueprints: set[str] = set()

    @staticmethod
    def _limits(text: str | None) -> tuple[RateLimitItem, ...]:
        # Smallest window first: the one to breach soonest is hit (and reported) first.
        return tuple(sorted(parse_many(text))) if text else ()

    def exempt(self, blueprint: Any) -> None:
        """No limit applies to this blueprint's endpoints (the health checks)."""
        self._exempt_blueprints.add(blueprint.name)

    @property
    def limiter(self) -> FixedWindowRateLimiter:
        """The strategy counting now: the fallback's while the storage is out."""
        if self._storage_dead and self._fallback is not None:
            return self._fallback
        return self._primary

    @property
    def current_limit(self) -> CountedLimit | None:
        """The limit this request was counted against (None: exempt, or not yet counted)."""
        counted: CountedLimit | None = g.get("_rate_limit")
        return counted

    def check(self) -> None:
        """Before a request: count it; 429 (a ``Problem``) once a limit is spent."""
        # ``g`` outlives the request where a test holds the app context open.
        g._rate_limit = None
        endpoint = request.endpoint
        if (not endpoint or endpoint.rpartition(".")[2] == "static"
                or request.blueprint in self._exempt_blueprints):
            return
        key = rate_limit_key()
        if self._storage_dead and self._storage_back():
            self._storage_dead = False
        try:
            self._count(endpoint, key)
        except Problem:
            raise
        except Exception as exc:
            if self._fallback is None or self._storage_dead:
                raise
            log.warning("rate limit storage unreachable, counting in this process: %s", exc)
            self._storage_dead = True
            self._recheck_at, self._rechecks = time.monotonic() + 1, 0
            self._count(endpoint, key)

    def _count(self, endpoint: str, key: str) -> None:
        strategy = self.limiter
        if strategy is self._fallback:
            counted = [(limit, (self.prefix, key, self.APPLICATION_SCOPE))
                       for limit in self._fallback_limits]
        else:
            counted = [(limit, (self.prefix, key, self.APPLICATION_SCOPE))
                       for limit in self.application]
            counted += [(limit, (self.prefix, key, endpoint)) for limit in self.per_endpoint]
            counted.sort(key=lambda pair: pair[0])
        for n, (limit, args) in enumerate(counted):
            this = CountedLimit(limit, args, strategy)
            if n == 0:
                # The first (smallest window) is announced unless another is breached.
                g._rate_limit = this
            if not strategy.hit(limit, *args):
                g._rate_limit = this
                log.info("rate limit %s exceeded by %s at %s", limit, key, endpoint)
                raise Problem(429, f"rate limit exceeded: {limit}; retry later",
                              headers={"Retry-After": str(retry_after_seconds())})

    def _storage_back(self) -> bool:
        """Whether the failed storage answers again: asked 1, 2, 4 … 32 s apart."""
        if time.monotonic() < self._recheck_at:
            return False
        self._rechecks = min(self._rechecks + 1, self.RECHECK_MAX_EXPONENT)
        self._recheck_at = time.monotonic() + 2 ** self._rechecks
        try:
            back = bool(self.storage.check())
        except Exception:
            back = False
        if back:
            log.info("rate limit storage reachable again")
        return back


def init_app(app: Flask) -> RateLimits:
    config = app.config
    redis_url = config.get("REDIS_URL")
    config.setdefault("RATELIMIT_STORAGE_URI", _storage_uri(redis_url))
    if redis_url:
        # Redis down: keep limiting per process rather than failing every request.
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK", config["RATELIMIT_APPLICATION"])
    limiter = RateLimits(app)
    app.extensions["rate_limiter"] = limiter
    # First: nothing a previous request on this thread left in the storage is taken for
    # this one's.
    app.before_request(_forget_last_hit)
    app.before_request(limiter.check)
    storage = limiter.storage
    if isinstance(storage, WindowRedisStorage):
        storage.read_along = _auth_failure_key_in_request
    app.after_request(announce_limit)
    return limiter


def _storage_uri(redis_url: str | None) -> str:
    """The counters' storage: Redis through ``WindowRedisStorage`` where it can, limits' own
    storage for the other Redis schemes (a socket path), the locked memory without Redis."""
    if not redis_url:
        return "locked-memory://"
    if redis_url.startswith(("redis://", "rediss://")):
        return f"leerplek+{redis_url}"
    return redis_url


def rate_limiter() -> RateLimits:
    limiter: RateLimits = current_app.extensions["rate_limiter"]
    return limiter


def retry_after_seconds() -> int:
    """Whole seconds until the breached limit's window frees a request (at least 1)."""
    limit = rate_limiter().current_limit
    if limit is None:
        return 1
    reset_at, _remaining = limit.window
    return max(1, math.ceil(reset_at - time.time()))


def announce_limit(response: Response) -> Response:
    """After an API request: the RateLimit headers of the limit closest to running out."""
    if not request.path.startswith("/api/v1/"):
        return response
    limit = rate_limiter().current_limit
    if limit is None:
        return response
    try:
        reset_at, remaining = window(limit)
    except Exception as exc:  # counters unreachable: the answer itself must go out
        log.warning("rate limit counters unavailable: %s", exc)
        return response
    values = (limit.limit.amount, max(0, remaining), max(0, math.ceil(reset_at - time.time())),
              f"{limit.limit.amount};w={limit.limit.get_expiry()}")
    for name, value in zip(RATE_LIMIT_HEADERS, values, strict=True):
        response.headers[name] = str(value)
    return response


def window(limit: CountedLimit) -> tuple[float, int]:
    """When the limit's window resets (a moment) and how many requests it has left.

    With the default fixed-window counters in Redis this is one round trip: the counter and
    its time to live are read in one pipeline, where ``limits`` asks Redis twice. On every
    request that is one round trip fewer (the deadline-day hot path, docs/PERFORMANCE.md).
    The values are the ones ``FixedWindowRateLimiter.get_window_stats`` computes.
    """
    strategy = limit.strategy
    storage = strategy.storage
    if not (isinstance(storage, RedisStorage)
            and type(strategy) is FixedWindowRateLimiter):
        reset_at, remaining = limit.window
        return reset_at, remaining
    key = storage.prefixed_key(limit.limit.key_for(*limit.request_args))
    if isinstance(storage, WindowRedisStorage):
        hit = storage.take_window(key)
        if hit is not None:  # this request's own hit brought them: no round trip
            count, ttl, at = hit
            return (max(ttl, 0) + at, max(0, limit.limit.amount - count))
    client = cast("redis.Redis", storage.get_connection())
    pipe = client.pipeline(transaction=False)
    pipe.get(key)
    pipe.ttl(key)
    count, ttl = pipe.execute()
    return (max(int(ttl), 0) + time.time(),
            max(0, limit.limit.amount - int(count or 0)))


def auth_failure_limit() -> RateLimitItem:
    """``AUTH_FAILURE_LIMIT`` as a limit, parsed once per text (twice per API request
    otherwise: the hit reads the failure counter along, then the check tests it)."""
    return _parsed_limit(current_app.config["AUTH_FAILURE_LIMIT"])


@functools.lru_cache(maxsize=16)
def _parsed_limit(text: str) -> RateLimitItem:
    return parse(text)


def _auth_failure_args() -> tuple[str, ...]:
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return prefix, "auth-failures", request.remote_addr or "unknown"


def _forget_last_hit() -> None:
    storage = rate_limiter().limiter.storage
    if isinstance(storage, WindowRedisStorage):
        storage.forget()


def _auth_failure_key_in_request() -> str | None:
    """The failure counter's key of the request being served, for the limiter's hit to read
    along (None outside a request)."""
    if not has_request_context():
        return None
    limit = auth_failure_limit()
    return limit.key_for(*_auth_failure_args())


def refuse_if_failing_auth() -> None:
    """Before a token is looked up: an address that failed too often waits (429)."""
    limit = auth_failure_limit()
    strategy = rate_limiter().limiter
    args = _auth_failure_args()
    try:
        storage = strategy.storage
        failures = (storage.take_along(limit.key_for(*args))
                    if isinstance(storage, WindowRedisStorage)
                    and type(strategy) is FixedWindowRateLimiter else None)
        # Read with this request's hit, the test is limits' FixedWindowRateLimiter.test.
        allowed = (strategy.test(limit, *args) if failures is None
                   else failures < limit.amount)
    except Exception as exc:  # counters unreachable: authentication itself must go on
        log.warning("auth failure counter unavailable: %s", exc)
        return
    if not allowed:
        reset_at, _ = strategy.get_window_stats(limit, *args)
        wait = max(1, math.ceil(reset_at - time.time()))
        raise Problem(429, "too many failed authentication attempts from this address; "
                           "retry later", headers={"Retry-After": str(wait)})


def count_auth_failure() -> None:
    try:
        rate_limiter().limiter.hit(auth_failure_limit(),
                                   *_auth_failure_args())
    except Exception as exc:
        log.warning("auth failure counter unavailable: %s", exc)
