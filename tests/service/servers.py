"""Private PostgreSQL and Redis servers for fault tests, started from the local binaries.

The fault tests stop and start their servers mid-traffic, so they never touch the shared ones
other tests use. Missing binaries fail the test (an assertion), never skip it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for_port(port: int, up: bool, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if (s.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.05)
    raise AssertionError(f"port {port} did not come {'up' if up else 'down'}")


class PrivatePostgres:
    """``initdb`` in a temporary directory, ``pg_ctl`` on a free port; as the ``postgres``
    user when run as root, since PostgreSQL refuses to run as root."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        assert found, "PostgreSQL binaries (initdb, pg_ctl) are not installed"
        self.bin = os.path.dirname(found[-1])
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="leerplek-pg-")
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, os.path.join(self.bin, tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def start(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"), "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off", "start")
        _wait_for_port(self.port, up=True)

    def stop(self) -> None:
        # fast: open sessions are ended and their transactions rolled back, as in a restart.
        self._run("pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop")
        _wait_for_port(self.port, up=False)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, AssertionError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """``redis-server`` as a child process on a free port, without persistence."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        assert self.binary, "redis-server is not installed"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.binary
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, up=True)
        redis.Redis.from_url(self.url).ping()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        _wait_for_port(self.port, up=False)
