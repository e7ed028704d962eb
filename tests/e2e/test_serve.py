"""`aixin serve` is the service itself: a real process answering /health."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import postgres_params
from tests.e2e.server import AIXIN, running


def test_serve_answers_health_on_the_embedded_store(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with running(tmp_path, AIXIN_DATA_DIR=str(data_dir)) as url:
        body = httpx.get(f"{url}/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["store"] == {"kind": "sqlite", "ok": True, "position": 0, "error": None}
    assert body["broker"]["kind"] == "embedded"
    assert (data_dir / "aixin.sqlite3").exists()


@pytest.mark.postgres
def test_the_environment_alone_puts_the_service_on_postgres(
        tmp_path: Path, postgres_schema: str) -> None:
    params = postgres_params()
    with running(tmp_path, AIXIN_DATA_DIR=str(tmp_path / "data"), AIXIN_STORE="postgres",
                 AIXIN_POSTGRES_HOST=params["host"], AIXIN_POSTGRES_PORT=params["port"],
                 AIXIN_POSTGRES_USER=params["user"], AIXIN_POSTGRES_DBNAME=params["dbname"],
                 AIXIN_POSTGRES_SCHEMA=postgres_schema) as url:
        body = httpx.get(f"{url}/health", timeout=5).json()
    assert (body["status"], body["store"]["kind"], body["store"]["ok"]) == ("ok", "postgres", True)
    assert not (tmp_path / "data" / "aixin.sqlite3").exists()


def test_the_command_lists_its_commands() -> None:
    result = subprocess.run([str(AIXIN), "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "check", "settings", "new-cipher-key", "projector", "projections"):
        assert command in result.stdout
