"""A real HTTP receiver for webhook tests: http.server on a free local port, in a thread.

It records every request (path, headers, body) and answers with the next status of its
script (then 204 for good), so a test can make an endpoint fail and recover.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from service.webhooks.signing import verify


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        """Standard Webhooks: the receiver's check of webhook-signature."""
        return verify(secret, self.headers["webhook-id"], int(self.headers["webhook-timestamp"]),
                      self.body, self.headers["webhook-signature"])


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)

    def events(self) -> list[str]:
        return [r.json["type"] for r in self.requests]


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    lock = threading.Lock()
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                receiver.requests.append(Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.script.pop(0) if receiver.script else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:  # quiet test output
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{httpd.server_port}/hooks"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return receiver, httpd


def running_receiver() -> Iterator[Receiver]:
    receiver, httpd = start_receiver()
    yield receiver
    httpd.shutdown()
    httpd.server_close()
