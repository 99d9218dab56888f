"""The application object itself (service.app.LeerplekFlask)."""

from __future__ import annotations

import asyncio
from typing import Any

import flask.app
import pytest
from flask import Flask
from flask.testing import FlaskClient

from .conftest import Factory


def test_hooks_and_views_are_asked_about_once_whether_they_are_coroutines(
        client: FlaskClient, make: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flask passes every hook and view through ensure_sync on every request; a plain
    function is checked the first time only (docs/PERFORMANCE.md, "The fast path, fifth
    round")."""
    headers = make.admin()
    assert client.get("/api/v1/schools", headers=headers).status_code == 200
    asked: list[Any] = []
    real = vars(flask.app)["iscoroutinefunction"]

    def counted(func: Any) -> bool:
        asked.append(func)
        return bool(real(func))

    monkeypatch.setattr(flask.app, "iscoroutinefunction", counted)
    for _ in range(2):
        assert client.get("/api/v1/schools", headers=headers).status_code == 200
    assert asked == []


def test_an_async_function_is_still_run_to_its_end(app: Flask) -> None:
    ran: list[str] = []

    async def later(value: str) -> str:
        await asyncio.sleep(0)
        ran.append(value)
        return value

    def now(value: str) -> str:
        return value

    assert app.ensure_sync(now) is now and app.ensure_sync(now) is now
    if not hasattr(app, "async_to_sync"):  # pragma: no cover
        pytest.skip("Flask without async support")
    try:
        import asgiref  # noqa: F401  (Flask's async support needs it)
    except ImportError:
        with pytest.raises(RuntimeError):
            app.ensure_sync(later)
        with pytest.raises(RuntimeError):  # refused again, not remembered as plain
            app.ensure_sync(later)
        return
    for value in ("a", "b"):
        assert app.ensure_sync(later)(value) == value
    assert ran == ["a", "b"]
