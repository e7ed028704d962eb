"""The reminder scan in real worker processes on the real Redis and PostgreSQL.

Every due reminder is issued exactly once and none is lost: after a duplicate scan, after the
worker is SIGKILLed at many random points of a scan and the scan is run again, and with two
beat processes scheduling scans at once. The pairings start on 10 March with no contact, so
their monthly duties are overdue (and escalated) on any day of the test.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from celery import Celery

from aixin.settings import Settings
from tests.waiting import wait_until
from tests.workers.conftest import AIXIN, Workers, settings_env
from tests.workers.reminders_support import (
    Record,
    county,
    due_escalations,
    due_reminders,
)
from workers.app import create_celery


@pytest.fixture
def record(workers: Workers) -> Iterator[Record]:
    reading = Record(workers.settings)
    yield reading
    reading.close()


def today(record: Record) -> date:
    return record.register.today()


def scan(celery: Celery, on: date, within: float = 300) -> dict[str, int]:
    result = celery.send_task("aixin.reminders.scan", kwargs={"on": on.isoformat()})
    return result.get(timeout=within)  # type: ignore[no-any-return]


def test_a_scan_issues_each_due_reminder_once(
        workers: Workers, celery: Celery, record: Record) -> None:
    pairings = county(workers.settings, 5)
    on = today(record)
    workers.start()
    report = scan(celery, on)
    issued = record.reminders()
    assert len(issued) == len(set(issued)) == report["issued"]
    assert set(issued) == due_reminders(pairings, on)
    assert set(record.escalations()) == due_escalations(pairings, on)


def test_a_duplicate_scan_issues_nothing(
        workers: Workers, celery: Celery, record: Record) -> None:
    county(workers.settings, 5)
    on = today(record)
    workers.start()
    first = scan(celery, on)
    head = record.register.recorder.max_notification_id()
    again = scan(celery, on)
    assert (again["issued"], again["escalated"], again["already"]) == (0, 0, first["issued"])
    assert record.register.recorder.max_notification_id() == head


def test_a_worker_killed_at_random_points_of_a_scan_loses_and_repeats_nothing(
        workers: Workers, celery: Celery, record: Record) -> None:
    pairings = county(workers.settings, 300)
    on = today(record)
    wanted = due_reminders(pairings, on)
    seed = int(os.environ.get("AIXIN_TEST_SEED") or random.randrange(1_000_000))
    chance = random.Random(seed)
    kills: list[int] = []
    for round_ in range(8):
        before = len(record.reminders())
        if len(wanted) - before < len(wanted) // 10:
            break  # too little left for a kill to land inside the scan
        worker = workers.start()
        celery.send_task("aixin.reminders.scan", kwargs={"on": on.isoformat()})
        if round_ == 0:  # anywhere early: catching the view up, the first pages
            time.sleep(chance.uniform(0.1, 1.0))
        else:  # once a random number more (up to a quarter of what is left) are on record
            target = before + chance.randint(1, (len(wanted) - before) // 4)
            wait_until(lambda target=target: len(record.reminders()) >= target, 240,  # type: ignore[misc]
                       f"the scan to reach {target} reminders (seed {seed})", every=0.05)
        workers.kill(worker)
        kills.append(len(record.reminders()))
    assert len(kills) >= 3, f"too few kills inside a scan: {kills} (seed {seed})"
    assert kills[-1] < len(wanted), f"every kill should fall inside a scan (seed {seed})"
    workers.start()
    scan(celery, on)
    issued = record.reminders()
    assert len(issued) == len(set(issued)), f"a reminder issued twice (seed {seed})"
    assert set(issued) == wanted, f"reminders lost (seed {seed}, kills at {kills})"
    escalations = record.escalations()
    assert len(escalations) == len(set(escalations))
    assert set(escalations) == due_escalations(pairings, on)


def test_two_beat_processes_at_once_issue_each_reminder_once(
        redis_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = redis_settings(reminder_scan_interval=1.0)
    pairings = county(settings, 40)
    record = Record(settings)
    on = today(record)
    workers = Workers(settings, tmp_path)
    beats: list[subprocess.Popen[bytes]] = []
    try:
        workers.start()
        workers.start()
        for number in range(2):  # as on two machines: each its own schedule file
            own = settings.model_copy(update={"data_dir": tmp_path / f"beat-{number}"})
            log = (tmp_path / f"beat-{number}.log").open("wb")
            beats.append(subprocess.Popen([str(AIXIN), "beat"], env=settings_env(own),
                                          stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True))
            log.close()
        wanted = due_reminders(pairings, on)
        wait_until(lambda: set(record.reminders()) == wanted, 240, "every reminder issued")
        wait_until(lambda: workers.output().count("aixin.reminders.scan[") >= 20, 240,
                   "more scans from both beats")
    finally:
        for beat in beats:
            if beat.poll() is None:
                os.killpg(beat.pid, signal.SIGTERM)
                beat.wait(20)
        workers.stop_all()
    issued = record.reminders()
    record.close()
    for number in range(2):
        log = (tmp_path / f"beat-{number}.log").read_text(errors="replace")
        assert log.count("Scheduler: Sending due task daily-reminder-scan") >= 2
    assert len(issued) == len(set(issued)) and set(issued) == wanted


def test_the_schedule_scans_daily_unless_an_interval_is_set(
        redis_settings: Callable[..., Settings]) -> None:
    daily = create_celery(redis_settings()).conf.beat_schedule["daily-reminder-scan"]
    often = create_celery(redis_settings(reminder_scan_interval=5.0)).conf.beat_schedule[
        "daily-reminder-scan"]
    assert (daily["task"], str(daily["schedule"])) == (
        "aixin.reminders.scan", "<crontab: 0 6 * * * (m/h/dM/MY/d)>")
    assert often["schedule"] == 5.0
