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

AIXIN = Path(sys.executable).parent / "aixin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    data_dir = tmp_path / "data"
    env = {**os.environ, "AIXIN_PORT": str(port), "AIXIN_DATA_DIR": str(data_dir)}
    env.pop("AIXIN_STORE", None)
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


def test_serve_answers_health_on_the_embedded_store(served: tuple[str, Path]) -> None:
    url, data_dir = served
    body = httpx.get(f"{url}/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["store"] == {"kind": "sqlite", "ok": True, "position": 0, "error": None}
    assert body["broker"]["kind"] == "embedded"
    assert (data_dir / "aixin.sqlite3").exists()


def test_the_command_lists_its_commands() -> None:
    result = subprocess.run([str(AIXIN), "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "check", "settings", "new-cipher-key"):
        assert command in result.stdout
