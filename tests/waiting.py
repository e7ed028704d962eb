"""Waiting in tests for something another thread or process does, bounded."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(check: Callable[[], bool], within: float, what: str,
               every: float = 0.2) -> None:
    """Poll ``check`` every ``every`` seconds until it holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(every)
