"""A report whose worker is killed mid-report is finished by another worker within minutes.

An attempt holds its report by a short lease (``AIXIN_REPORT_LEASE``, three minutes by default,
seconds here) that the attempt's tasks renew while they run. Killed (SIGKILL: no task can
record anything), the worker stops renewing; once the lease has run out, the schedule's sweep
queues the report again and a live worker makes a new attempt. A worker that is merely slow
keeps renewing, and its report is not attempted twice.

Real ``aixin worker`` processes on the real Redis and PostgreSQL; the worker to be killed, or
to be slow, has its report computation held up by a ``sitecustomize`` of the test's.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from celery import Celery

from aixin.settings import Settings
from domain.application import CareRegister
from domain.events import ReportStarted
from domain.reports import ReportStatus
from tests.builders import STAFF, child_record
from tests.waiting import wait_until
from tests.workers.conftest import AIXIN, Workers, settings_env
from workers.app import create_celery

LEASE = 3.0  # seconds
WITHIN = 90  # seconds: a few leases, and two workers starting on shared cores

#: Loaded by the held-up worker's processes: computing the report's figures first says so,
#: then takes ``REPORT_PART_SECONDS``.
HELD_UP = '''
import os
import pathlib
import time

import workers.reports.tasks as tasks

_compute_part = tasks.compute_part


def _held_up(*args, **kwargs):
    pathlib.Path(os.environ["REPORT_PART_MARKER"]).touch()
    time.sleep(float(os.environ["REPORT_PART_SECONDS"]))
    return _compute_part(*args, **kwargs)


tasks.compute_part = _held_up
'''


@pytest.fixture
def settings(redis_settings: Callable[..., Settings]) -> Settings:
    return redis_settings(postgres_pool_size=2, report_lease=LEASE)


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(settings, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def report_id(register: CareRegister) -> UUID:
    """A county's report of the first quarter of 2026, one child registered in it."""
    register.register_child(actor=STAFF, **child_record(registered_on=date(2026, 1, 10)))
    return register.request_report(region_code="420821", year=2026, quarter=1, actor=STAFF)


def held_up_worker(workers: Workers, tmp_path: Path, seconds: float
                   ) -> tuple[subprocess.Popen[bytes], Path]:
    """An ``aixin worker`` (in a process group of its own) whose report computation takes
    ``seconds``; and the file that appears when it has begun."""
    site = tmp_path / "held-up"
    site.mkdir()
    (site / "sitecustomize.py").write_text(HELD_UP)
    marker = tmp_path / "computing"
    env = settings_env(workers.settings)
    env.update(PYTHONPATH=os.pathsep.join(filter(None, (str(site), env.get("PYTHONPATH")))),
               REPORT_PART_MARKER=str(marker), REPORT_PART_SECONDS=str(seconds))
    log = (workers.logs / f"worker-{len(workers.started)}.log").open("wb")
    process = subprocess.Popen([str(AIXIN), "worker", "--concurrency=1"], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    workers.started.append(process)
    return process, marker


def generate(celery: Celery, report_id: UUID) -> None:
    """Queue the report as ``POST /reports`` does."""
    celery.send_task("aixin.reports.generate", args=(str(report_id),), ignore_result=True)


def done(register: CareRegister, report_id: UUID) -> bool:
    status = register.get_report(report_id).status
    assert status is not ReportStatus.FAILED, register.get_report(report_id).failure
    return status is ReportStatus.DONE


def test_a_report_whose_worker_was_killed_mid_report_is_finished_by_another_worker(
        workers: Workers, settings: Settings, register: CareRegister, report_id: UUID,
        tmp_path: Path) -> None:
    doomed, computing = held_up_worker(workers, tmp_path, seconds=600)
    generate(create_celery(settings), report_id)
    wait_until(computing.exists, within=60, what="the first worker to begin the report")
    assert register.get_report(report_id).status is ReportStatus.RUNNING

    workers.kill(doomed)
    workers.start("--beat")  # another worker, and the schedule with its sweep

    wait_until(lambda: done(register, report_id), within=WITHIN,
               what=f"another worker to finish the report:\n{workers.output()[-3000:]}")
    assert register.get_report(report_id).attempts == 2


def test_a_report_computed_for_longer_than_the_lease_is_not_attempted_twice(
        workers: Workers, settings: Settings, register: CareRegister, report_id: UUID,
        tmp_path: Path) -> None:
    _, computing = held_up_worker(workers, tmp_path, seconds=4 * LEASE)
    generate(create_celery(settings), report_id)
    wait_until(computing.exists, within=60, what="the slow worker to begin the report")
    workers.start("--beat")  # another worker, and the schedule with its sweep

    wait_until(lambda: done(register, report_id), within=WITHIN,
               what=f"the slow worker to finish the report:\n{workers.output()[-3000:]}")
    started = [e for e in register.events.get(report_id) if isinstance(e, ReportStarted)]
    assert (register.get_report(report_id).attempts, len(started)) == (1, 1)
