"""Run `aixin serve` as a real process for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

AIXIN = Path(sys.executable).parent / "aixin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(cwd: Path, port: int | None = None, **settings: str) -> Iterator[str]:
    """`aixin serve` with only the given AIXIN_* settings; yields its base URL."""
    port = port or free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIXIN_")}
    env.update(AIXIN_PORT=str(port), **settings)
    process = subprocess.Popen([str(AIXIN), "serve"], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("aixin serve did not start") from None
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
