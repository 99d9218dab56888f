"""gunicorn's sync worker, answering its own errors as problem+json like the app does.

gunicorn refuses some requests before the app sees them: a request line over its limit
(414, e.g. a 10,000-character query), malformed or too many headers (400, 431). It answers
those with a small HTML page; this worker answers them as RFC 7807 problem+json instead, with
``Connection: close`` as gunicorn does. Run gunicorn with
``--worker-class service.serving.ProblemWorker`` (sync), or
``--worker-class service.serving.ProblemThreadWorker --threads N`` (gthread: keeps client
connections alive and overlaps one request's database waits with another's work; see
docs/PERFORMANCE.md, "The fast path").

Either worker also compiles every page template as it starts (``compile_templates``), so the
first person to open a page after a restart does not wait for it: compiling a page and the
layouts it extends took 50 to 140 ms on the 2-core machine (docs/PERFORMANCE.md). Then it
moves the loaded app out of the garbage collector's way (``settle``): a full collection
otherwise walks the app's quarter of a million long-lived objects (0.2 s on that machine)
in the middle of whichever request triggers it.
"""

from __future__ import annotations

import concurrent.futures.thread
import gc
import json
import os
import select
import socket
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker


def write_problem(sock: socket.socket, status: int, reason: str, message: str) -> None:
    """What ``gunicorn.util.write_error`` writes, as problem+json."""
    body = json.dumps({"type": "about:blank", "title": reason, "status": status,
                       "detail": message or reason}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


def compile_templates(app: Any) -> int:
    """Compile every HTML template of ``app`` into its Jinja cache; returns how many.

    Jinja compiles a template on its first use and keeps it for the process; doing it at
    start moves that cost off the first request of each page (and a template that does not
    compile stops the worker at start, not a person at that page)."""
    env = getattr(app, "jinja_env", None)
    if env is None:  # not a Flask app: nothing to compile
        return 0
    names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        env.get_template(name)
    return len(names)


def settle(app: Any) -> int:
    """Get a freshly loaded worker app ready for requests; returns the templates compiled.

    Compiles the templates, then collects once and freezes what is left (``gc.freeze``): the
    app, its models, templates and catalogues live as long as the process, so later
    collections need not walk them again and again."""
    compiled = compile_templates(app)
    gc.collect()
    gc.freeze()
    return compiled


def _forget_request_threads() -> None:
    """In a process forked from a request thread of a gthread worker: forget the worker's
    thread pool. Its threads do not exist in the child, and at the child's exit
    ``concurrent.futures`` would join each of them, the current one included ("cannot join
    current thread"), so a child that did its work exited with status 1 (the engine's
    forked workers of an allocation job run in the service, for one)."""
    concurrent.futures.thread._threads_queues.clear()  # type: ignore[attr-defined]


class _ProblemWorkerStart:
    """What both worker classes add to gunicorn's: problem+json refusals, a settled app."""

    wsgi: Any

    def init_process(self) -> None:
        # The worker's error path calls util.write_error; this process has no other use for it.
        util.write_error = write_problem
        os.register_at_fork(after_in_child=_forget_request_threads)
        super().init_process()  # type: ignore[misc]

    def load_wsgi(self) -> None:
        super().load_wsgi()  # type: ignore[misc]
        settle(self.wsgi)


class ProblemWorker(_ProblemWorkerStart, SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker with the problem+json refusals and a settled app."""


class ProblemThreadWorker(_ProblemWorkerStart, ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker with the same problem+json refusals and start, and a
    thread that waits a moment on its kept-alive connection for the client's next request.

    gunicorn hands a kept-alive connection back to the worker's main thread after every
    response: the main thread polls it and, when the next request comes, queues it for a
    thread again, three hand-offs of the interpreter's lock and a wake-up of the main thread
    per request. A client sending request after request (an app on a phone, a reverse
    proxy's pooled connection, a load test) mostly has the next one on its way within a
    millisecond or two, so the thread that answered waits up to ``linger_s`` for it and
    serves it itself (docs/PERFORMANCE.md, session 13: about a tenth more submissions a
    second). It waits only while no other connection is queued for a thread, and never
    longer than that moment, so a quiet connection does not hold a thread: after the
    wait it goes back to gunicorn's poller as before. ``LEERPLEK_KEEPALIVE_LINGER_MS``
    sets the wait (0: off).
    """

    linger_s = float(os.environ.get("LEERPLEK_KEEPALIVE_LINGER_MS", "2")) / 1000

    def handle(self, conn: Any) -> Any:
        keep = super().handle(conn)
        while keep is True and self.alive and self._next_request(conn):
            keep = super().handle(conn)
        return keep

    def _next_request(self, conn: Any) -> bool:
        """Whether ``conn``'s next request is here, waiting up to ``linger_s`` for it while
        no other connection waits for a thread."""
        if conn.parser.unreader.buf.getvalue():
            return True  # read ahead with the last request: no need to wait
        if self.linger_s <= 0 or not self.tpool._work_queue.empty():
            return False
        poller = select.poll()
        poller.register(conn.sock.fileno(), select.POLLIN)
        return bool(poller.poll(self.linger_s * 1000))

