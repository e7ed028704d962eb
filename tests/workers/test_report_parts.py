"""A report's parts are sized from the worker processes consuming the reports queue: two parts
a process, of ``report_townships_per_task`` townships at least; the processes are counted by
asking the real workers on Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery

from aixin.settings import Settings
from tests.workers.conftest import Workers
from workers.app import create_celery
from workers.reports.generation import group_size
from workers.reports.tasks import report_processes


@pytest.fixture
def settings(redis_settings: Callable[..., Settings]) -> Settings:
    return redis_settings(postgres_pool_size=1)


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(settings, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def celery(settings: Settings) -> Celery:
    return create_celery(settings)


def groups(townships: int, per_task: int, processes: int | None) -> int:
    size = group_size(townships, per_task, processes)
    return len(range(0, townships, size))


def test_two_parts_a_process_of_the_setting_s_townships_at_least() -> None:
    assert groups(1781, 25, 1) == 2
    assert groups(1781, 25, 2) == 4
    assert groups(1781, 25, 3) == 6
    assert groups(11, 1, 2) == 4
    assert groups(11, 5, 4) == 3  # never fewer townships a part than the setting
    assert groups(1781, 25, None) == 72  # processes unknown: the setting alone
    assert groups(1781, 0, None) == 1781


def test_the_workers_consuming_the_reports_queue_are_counted(
        workers: Workers, celery: Celery) -> None:
    assert report_processes(celery) is None  # no worker answers
    workers.start("--queues=reports")
    workers.start("--queues=reminders")  # serves another queue: not counted
    assert report_processes(celery) == 1
    workers.start("--queues=reports,imports", "--concurrency=2")
    assert report_processes(celery) == 3
