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
    """gunicorn's threaded worker with the same problem+json refusals and start."""
