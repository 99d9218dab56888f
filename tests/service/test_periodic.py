"""The periodic thread behind the deadline, message and webhook sweeps (service/jobs/periodic)."""

from __future__ import annotations

import threading

from flask import Flask

from service.jobs.periodic import start_periodic


def _app(interval: float) -> Flask:
    app = Flask(__name__)
    app.config["TEST_SWEEP_S"] = interval
    return app


def test_it_calls_its_work_on_a_timer_and_goes_on_after_a_failure() -> None:
    calls: list[int] = []
    twice = threading.Event()

    def work(app: Flask) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the first sweep fails")  # logged; the next one runs
        twice.set()

    periodic = start_periodic(_app(0.01), "test-sweep", "TEST_SWEEP_S", work)
    assert periodic is not None
    try:
        assert twice.wait(5), "the sweep did not run again after a failure"
    finally:
        periodic.stop()
    assert not periodic.thread.is_alive()


def test_it_starts_once_per_app() -> None:
    app = _app(60)
    first = start_periodic(app, "test-sweep", "TEST_SWEEP_S", lambda app: None)
    assert first is not None
    try:
        assert start_periodic(app, "test-sweep", "TEST_SWEEP_S", lambda app: None) is None
    finally:
        first.stop()


def test_an_interval_of_zero_starts_nothing() -> None:
    app = _app(0)
    assert start_periodic(app, "test-sweep", "TEST_SWEEP_S", lambda app: None) is None
    assert "test-sweep" not in app.extensions
