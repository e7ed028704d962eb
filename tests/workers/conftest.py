"""Real Celery workers: ``aixin worker`` processes on the real Redis (or the embedded broker).

Each test gets its own Redis key prefix, so its queues are its own even on a shared server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.application import CareRegister
from workers.app import create_celery

AIXIN = Path(sys.executable).parent / "aixin"


def redis_url() -> str:
    return os.environ.get("AIXIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a process these settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIXIN_")}
    for name, value in settings.model_dump(exclude_none=True).items():
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        if isinstance(value, tuple):
            value = ",".join(value)
        env[f"AIXIN_{name.upper()}"] = str(value)
    return env


@dataclass
class Workers:
    """Starts and stops ``aixin worker`` processes with the test's settings."""

    settings: Settings
    logs: Path
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *args: str, ready: bool = True) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.started)}.log").open("wb")
        process = subprocess.Popen([str(AIXIN), "worker", "--concurrency=1", *args],
                                   env=settings_env(self.settings), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.started.append(process)
        if ready:
            self.wait_ready(len(self.started) - 1)
        return process

    def wait_ready(self, index: int, within: float = 30) -> None:
        path = self.logs / f"worker-{index}.log"
        deadline = time.monotonic() + within
        while " ready." not in path.read_text(errors="replace"):
            process = self.started[index]
            assert process.poll() is None, f"the worker exited:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"no worker ready:\n{self.output()[-3000:]}"
            time.sleep(0.1)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool processes."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def output(self) -> str:
        return "".join(path.read_text(errors="replace")
                       for path in sorted(self.logs.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture
def redis_settings(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., Settings]]:
    """Settings on PostgreSQL with Redis as broker, under a key prefix of the test's own."""
    prefix = f"aixin-test-{uuid.uuid4().hex[:8]}:"

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"redis_url": redis_url(), "redis_key_prefix": prefix}
        values.update(overrides)
        return make_settings("postgres", **values)

    yield build
    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.fixture
def workers(redis_settings: Callable[..., Settings], tmp_path: Path) -> Iterator[Workers]:
    running = Workers(redis_settings(), tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def celery(workers: Workers) -> Celery:
    """The client side: the same Celery configuration as the workers."""
    return create_celery(workers.settings)


@pytest.fixture
def register(settings: Settings) -> Iterator[CareRegister]:
    """The register on the module's ``settings``."""
    app = build_register(settings)
    yield app
    app.close()
