"""docker-compose.yml: the services, their order and health, and that Compose accepts it.

The file is read as YAML here, so no Docker is needed; when Debian's ``docker-compose`` is
installed, ``docker-compose config -q`` validates it too (that needs no Docker engine).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
APP_SERVICES = ("migrate", "api", "worker")


def interpolate(text: str) -> str:
    """Compose's ``${NAME:-default}`` with nothing set in the environment: the default."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(interpolate(COMPOSE.read_text()))
    found: dict[str, Any] = document["services"]
    return found


def test_compose_runs_the_whole_stack(services: dict[str, Any]) -> None:
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker"}


def test_the_app_services_build_the_repository_image(services: dict[str, Any]) -> None:
    assert (ROOT / "Dockerfile").is_file()
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == services["api"]["image"]


def test_each_process_runs_its_command(services: dict[str, Any]) -> None:
    assert services["migrate"]["command"] == ["leerplek", "db", "upgrade", "--seed-reference"]
    assert services["worker"]["command"] == ["leerplek", "worker"]
    api = services["api"]["command"]
    assert api[0] == "gunicorn" and api[-1] == "service.app:create_app()"


def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    for name in ("postgres", "redis", "api", "worker"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1, name
        assert check["interval"] and check["retries"] >= 1, name
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])


def test_the_migration_runs_before_the_api_and_worker(services: dict[str, Any]) -> None:
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "redis": {"condition": "service_healthy"}}, name


def test_the_app_services_reach_postgres_and_redis(services: dict[str, Any]) -> None:
    pg = services["postgres"]["environment"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        database = urlsplit(env["DATABASE_URL"])
        assert database.scheme == "postgresql" and database.hostname == "postgres", name
        assert (database.username, database.password, database.path) == (
            pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], "/" + pg["POSTGRES_DB"]), name
        redis = urlsplit(env["REDIS_URL"])
        assert (redis.scheme, redis.hostname) == ("redis", "redis"), name


def test_the_dockerfile_installs_the_package_and_runs_unprivileged() -> None:
    text = (ROOT / "Dockerfile").read_text()
    for source in ("pyproject.toml", "solver", "seeds", "service"):
        assert re.search(rf"^COPY .*\b{source}\b", text, re.M), source
    assert re.search(r"^RUN pip install \.", text, re.M)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] != "root"


def test_docker_compose_accepts_the_file() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        # .ci/run installs it and sets the variable: in CI a missing binary is a failure.
        assert not os.environ.get("LEERPLEK_REQUIRE_DOCKER_COMPOSE"), "docker-compose missing"
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run([binary, "-f", str(COMPOSE), "config", "-q"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
