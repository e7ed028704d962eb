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
    """`aixin serve` with only the given AIXIN_* settings (and, outside production, the
    cheapest password hashes); yields its base URL."""
    port = port or free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIXIN_")}
    env.update(AIXIN_PORT=str(port), **settings)
    if env.get("AIXIN_ENVIRONMENT") != "production":  # the cheapest hashes: tests only
        env.setdefault("AIXIN_PASSWORD_HASHING", "cheapest")
    process = subprocess.Popen([str(AIXIN), "serve"], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(url, process)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def wait_until_answering(url: str, process: subprocess.Popen[bytes], *, seconds: float = 30,
                         output: Path | None = None) -> None:
    """Wait (bounded) until ``aixin serve`` answers ``/health``; if it stops or takes too
    long, kill it and raise, with the end of its ``output`` if it has one."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{url}/health", timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                said = output.read_text(errors="replace")[-3000:] if output else ""
                raise RuntimeError(f"aixin serve did not start\n{said}") from None
            time.sleep(0.1)


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def process_tree(root: int) -> set[int]:
    """``root`` and every process descended from it."""
    parents = _parents()
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree
