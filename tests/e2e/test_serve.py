"""`aixin serve` is the service itself: a real process answering /health."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import postgres_params

AIXIN = Path(sys.executable).parent / "aixin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(tmp_path: Path, **settings: str) -> Iterator[tuple[str, Path]]:
    """Run `aixin serve` as a real process with the given AIXIN_* settings."""
    port = free_port()
    data_dir = tmp_path / "data"
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIXIN_")}
    env.update(AIXIN_PORT=str(port), AIXIN_DATA_DIR=str(data_dir), **settings)
    process = subprocess.Popen([str(AIXIN), "serve"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    try:
        yield url, data_dir
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    yield from serve(tmp_path)


@pytest.fixture
def served_on_postgres(tmp_path: Path, postgres_schema: str) -> Iterator[tuple[str, Path]]:
    params = postgres_params()
    yield from serve(tmp_path, AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
                     AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
                     AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=postgres_schema)


def test_serve_answers_health_on_the_embedded_store(served: tuple[str, Path]) -> None:
    url, data_dir = served
    body = httpx.get(f"{url}/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["store"] == {"kind": "sqlite", "ok": True, "position": 0, "error": None}
    assert body["broker"]["kind"] == "embedded"
    assert (data_dir / "aixin.sqlite3").exists()


@pytest.mark.postgres
def test_the_environment_alone_puts_the_service_on_postgres(
        served_on_postgres: tuple[str, Path]) -> None:
    url, data_dir = served_on_postgres
    body = httpx.get(f"{url}/health", timeout=5).json()
    assert (body["status"], body["store"]["kind"], body["store"]["ok"]) == ("ok", "postgres", True)
    assert not (data_dir / "aixin.sqlite3").exists()


def test_the_command_lists_its_commands() -> None:
    result = subprocess.run([str(AIXIN), "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "check", "settings", "new-cipher-key"):
        assert command in result.stdout
