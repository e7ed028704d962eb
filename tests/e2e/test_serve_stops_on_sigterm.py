"""SIGTERM stops `aixin serve` and every process it started (the embedded worker, its pool
processes and the schedule) within seconds, even while a task is under way: that task is
acknowledged late and idempotent, so abandoning it loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from aixin.settings import Settings
from tests.e2e.server import AIXIN, free_port, process_tree
from tests.waiting import wait_until
from workers.app import create_celery

#: Loaded by every Python process of the service (``PYTHONPATH``): the upkeep task
#: ``log_position`` takes ten minutes, after saying it has begun.
SLOW_TASK = '''
import os
import pathlib
import time

from celery.signals import task_prerun


@task_prerun.connect
def _take_ten_minutes(sender=None, **_):
    if getattr(sender, "name", "") == "aixin.maintenance.log_position":
        pathlib.Path(os.environ["TASK_UNDER_WAY"]).touch()
        time.sleep(600)
'''


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Serving:
    """`aixin serve` as a real process, and every process seen descending from it."""

    process: subprocess.Popen[bytes]
    settings: Settings
    task_under_way: Path
    seen: set[int] = field(default_factory=set)

    def tree(self) -> set[int]:
        """The service and the processes it started, as they are now."""
        now = process_tree(self.process.pid)
        self.seen |= now
        return now


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    """`aixin serve` on the embedded store, its worker's upkeep task slowed down."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SLOW_TASK)
    marker = tmp_path / "task-under-way"
    data_dir = tmp_path / "var"
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIXIN_")}
    env.update(AIXIN_DATA_DIR=str(data_dir), AIXIN_PORT=str(port),
               PYTHONPATH=os.pathsep.join(filter(None, (str(tmp_path / "site"),
                                                        os.environ.get("PYTHONPATH")))),
               TASK_UNDER_WAY=str(marker))
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([str(AIXIN), "serve"], env=env, cwd=tmp_path, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    serving = Serving(process, Settings(store="sqlite", data_dir=data_dir),  # type: ignore[arg-type]
                      marker, {process.pid})
    try:
        def healthy() -> bool:
            serving.tree()
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).is_success
            except httpx.TransportError:
                return False

        wait_until(healthy, within=60, what="aixin serve to answer /health")
        yield serving
    finally:
        serving.tree()
        for pid in serving.seen:  # none is left behind, whatever the outcome
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(10)


def test_sigterm_stops_serve_and_everything_it_started_while_a_task_is_under_way(
        serving: Serving) -> None:
    create_celery(serving.settings).send_task("aixin.maintenance.log_position")
    wait_until(serving.task_under_way.exists, within=60,
               what="the embedded worker to begin the task")
    started = serving.tree()
    assert len(started) >= 3  # the service, the worker, its pool process(es)

    serving.process.send_signal(signal.SIGTERM)

    wait_until(lambda: not any(alive(pid) for pid in started), within=25,
               what="every process the service started to end")
    assert serving.process.wait(5) is not None
