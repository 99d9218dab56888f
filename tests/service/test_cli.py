"""The service commands of `leerplek`, and the engine's commands staying free of Flask."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from service.app import create_app
from service.cli import main
from service.commands import one_shot_app

ROOT = Path(__file__).resolve().parents[2]


def test_engine_commands_do_not_import_flask(tmp_path: Path) -> None:
    out = tmp_path / "round.json"
    code = (
        "import sys\n"
        "from service.cli import main\n"
        f"assert main(['generate', '--students', '5', '-o', {str(out)!r}]) == 0\n"
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert out.exists()


def test_db_upgrade_creates_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    engine = create_engine(url)
    assert "offers" in inspect(engine).get_table_names()
    engine.dispose()


def test_db_upgrade_can_seed_the_reference_data(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade", "--seed-reference"]) == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM ref_regions")) == 3
    engine.dispose()


def test_create_token_prints_a_working_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    main(["db", "upgrade"])
    capsys.readouterr()
    assert main(["create-token", "--role", "admin"]) == 0
    token = capsys.readouterr().out.strip()
    # No sweeps: an app outside tests in the embedded mode would start them, and they
    # would outlive the test and its database.
    client = create_app({"DATABASE_URL": url, "EMBEDDED_SWEEPS": False}).test_client()
    response = client.get("/api/v1/schools", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_create_token_refuses_a_scope_that_does_not_exist(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    main(["db", "upgrade"])
    assert main(["create-token", "--role", "company", "--scope", "company:7"]) == 2
    assert "no company with id" in capsys.readouterr().err


def test_openapi_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.yaml"
    assert main(["openapi", "-o", str(out)]) == 0
    assert out.read_text().startswith("components:")


def test_the_worker_needs_redis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["worker", "--burst"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err


def test_a_one_shot_commands_app_starts_no_sweep(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`db upgrade` and the other one-shot commands build the app in the embedded mode too,
    whose serving process sweeps deadlines, the outbox and webhook retries; theirs does not
    (the sweeps would run against tables not made yet, and outlive the command)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    # The embedded mode, where a serving process sweeps (with Redis a worker does).
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("LEERPLEK_JOBS_MODE", "thread")
    sweeps = {"deadline-sweep", "message-sweep", "webhook-sweep"}
    assert not sweeps & set(one_shot_app().extensions)
    # ... where the serving app would start them (the sweeps of this one stopped at once).
    serving = create_app()
    started = sweeps & set(serving.extensions)
    for name in started:
        serving.extensions[name].stop()
    assert started == sweeps
