"""bench/bench_api.py's lean load generator: raw HTTP/1.1 over a socket, read correctly.

A scripted server sends each answer in pieces (so one answer takes several ``recv`` calls)
and misbehaves on purpose; the client must read whole answers and fail loudly on anything
it does not understand, never count it as an answer.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.bench_api import (
    ProtocolError,
    RawConnection,
    encode_put,
    encode_puts,
    load,
    window_rates,
)


def read_request(conn: socket.socket, buffer: bytearray) -> bytes:
    """One whole request (headers and Content-Length body) from the client, or b"" at EOF."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        buffer += chunk
    end = buffer.index(b"\r\n\r\n") + 4
    length = 0
    for line in buffer[:end].decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    while len(buffer) < end + length:
        buffer += conn.recv(65536)
    request = bytes(buffer[:end + length])
    del buffer[:end + length]
    return request


@contextmanager
def scripted(answers: list[list[bytes]]) -> Iterator[tuple[int, list[bytes], list[int]]]:
    """A server on a free port that answers the n-th request with ``answers[n]``, piece by
    piece (with pauses, so the client sees them in separate reads); an answer ending in
    b"<close>" closes the connection after its other pieces. Yields the port, the requests
    it received and how many connections it accepted."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received: list[bytes] = []
    accepted = [0]

    def serve() -> None:
        script = iter(answers)
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted[0] += 1
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffer = bytearray()
            with conn:
                while request := read_request(conn, buffer):
                    received.append(request)
                    pieces = next(script, [b"<close>"])
                    for piece in pieces:
                        if piece == b"<close>":
                            break
                        conn.sendall(piece)
                        time.sleep(0.02)
                    else:
                        continue
                    break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port, received, accepted
    finally:
        listener.close()


OK = b'{"offers": [3, 2, 1]}'


def answer(body: bytes = OK, status: str = "200 OK", extra: bytes = b"") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n").encode() + extra + b"\r\n" + body


def test_answers_split_across_reads_are_read_whole_on_one_connection() -> None:
    first = answer()
    second = answer(b'{"detail": "no"}', "422 UNPROCESSABLE ENTITY")
    # Split inside the status line, inside the blank line and inside the body.
    answers = [[first[:5], first[5:40], first[40:first.index(b"\r\n\r\n") + 2],
                first[first.index(b"\r\n\r\n") + 2:-3], first[-3:]],
               [second[:-1], second[-1:]]]
    with scripted(answers) as (port, received, accepted):
        conn = RawConnection(port)
        request = encode_put(f"127.0.0.1:{port}", "/p/1", "tok", {"offers": [3, 2, 1]}, "k1")
        assert conn.exchange(request) == (200, OK)
        assert conn.exchange(request) == (422, b'{"detail": "no"}')
        conn.close()
    assert accepted[0] == 1  # kept alive
    assert received[0] == request
    head, body = received[0].split(b"\r\n\r\n")
    assert b"PUT /p/1 HTTP/1.1" in head and b"Authorization: Bearer tok" in head
    assert b"Idempotency-Key: k1" in head and body == b'{"offers": [3, 2, 1]}'


def test_connection_close_opens_a_new_connection_for_the_next_request() -> None:
    answers = [[answer(extra=b"Connection: close\r\n"), b"<close>"], [answer()]]
    with scripted(answers) as (port, _, accepted):
        conn = RawConnection(port)
        request = encode_put(f"127.0.0.1:{port}", "/p/1", "tok", {}, None)
        assert conn.exchange(request) == (200, OK)
        assert conn.exchange(request) == (200, OK)
        conn.close()
    assert accepted[0] == 2


@pytest.mark.parametrize("pieces", [
    [answer()[:-4], b"<close>"],  # closed mid-body
    [answer()[:20], b"<close>"],  # closed mid-headers
    [b"<close>"],  # closed before any byte
    [b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}"],  # no Content-Length
    [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"],
    [answer() + b"HTTP/1.1 200 OK\r\n"],  # bytes after the answer: nothing was pipelined
    [b"HTTP/1.1 100 Continue\r\n\r\n"],  # no Expect was sent
    [b"SMTP ready\r\n\r\n"],
])
def test_anything_unexpected_fails_loudly(pieces: list[bytes]) -> None:
    with scripted([pieces]) as (port, _, _accepted):
        conn = RawConnection(port, timeout=5)
        with pytest.raises(ProtocolError):
            conn.exchange(encode_put(f"127.0.0.1:{port}", "/p/1", "tok", {}, None))
        conn.close()


def test_load_counts_every_answer_and_raises_when_a_client_fails() -> None:
    jobs = [(f"/p/{i}", "tok", {"offers": [i]}) for i in range(6)]
    with scripted([[answer(b"{}")]] * 6) as (port, _, _accepted):
        result = load(port, encode_puts(port, jobs, idempotency_keys=True), 2, 30)
    assert result["requests"] == 6 and result["statuses"] == {200: 6}
    assert sorted(index for index, _ in result["acknowledged"]) == list(range(6))
    assert len(result["ends"]) == 6
    failing = [[answer(b"{}")], [answer()[:-2], b"<close>"]]
    with (scripted(failing) as (port, _, _accepted),
          pytest.raises(RuntimeError, match="load generator failed")):
        load(port, encode_puts(port, jobs), 1, 30)


def test_idempotency_keys_are_fresh_per_request() -> None:
    requests = encode_puts(1, [("/p/1", "tok", {})] * 3, idempotency_keys=True)
    keys = {r.split(b"Idempotency-Key: ")[1].split(b"\r\n")[0] for r in requests}
    assert len(keys) == 3
    assert all(b"Idempotency-Key" not in r for r in encode_puts(1, [("/p/1", "tok", {})]))


def test_window_rates_leave_out_the_partial_window() -> None:
    ends = [0.1, 0.2, 0.9, 1.1, 1.5, 2.2]
    assert window_rates(ends, 2.5, 1.0) == [3.0, 2.0]
    assert window_rates(ends, 0.9, 1.0) == []
