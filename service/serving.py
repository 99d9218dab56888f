"""gunicorn's sync worker, answering its own errors as problem+json like the app does.

gunicorn refuses some requests before the app sees them: a request line over its limit
(414, e.g. a 10,000-character query), malformed or too many headers (400, 431). It answers
those with a small HTML page; this worker answers them as RFC 7807 problem+json instead, with
``Connection: close`` as gunicorn does. Run gunicorn with
``--worker-class service.serving.ProblemWorker`` (sync), or
``--worker-class service.serving.ProblemThreadWorker --threads N`` (gthread: keeps client
connections alive and overlaps one request's database waits with another's work; see
docs/PERFORMANCE.md, "The fast path").
"""

from __future__ import annotations

import json
import socket

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


class ProblemWorker(SyncWorker):  # type: ignore[misc]
    def init_process(self) -> None:
        # The worker's error path calls util.write_error; this process has no other use for it.
        util.write_error = write_problem
        super().init_process()


class ProblemThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker with the same problem+json refusals."""

    def init_process(self) -> None:
        util.write_error = write_problem
        super().init_process()
