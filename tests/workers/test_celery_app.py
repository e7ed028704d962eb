"""The Celery application: real worker processes on the real Redis, and the embedded broker."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis
from celery import Celery

from aixin.settings import Settings
from domain.application import CareRegister
from tests.builders import STAFF, child_record
from tests.workers.conftest import AIXIN, Workers, redis_url, settings_env
from workers.app import QUEUES, create_celery


def test_each_task_goes_to_the_queue_its_name_starts_with(celery: Celery) -> None:
    router = celery.amqp.router
    for queue in QUEUES:
        route = router.route({}, f"aixin.{queue}.anything")
        assert route["queue"].name == queue
        assert route["queue"].routing_key == queue


def test_tasks_are_acknowledged_late_and_redelivered_if_the_worker_dies(celery: Celery) -> None:
    assert celery.conf.task_acks_late
    assert celery.conf.task_reject_on_worker_lost
    assert celery.conf.worker_prefetch_multiplier == 1


def test_a_worker_process_on_redis_reads_the_log_on_postgresql(
        workers: Workers, celery: Celery) -> None:
    register = CareRegister(env=workers.settings.event_store_env())
    register.register_child(actor=STAFF, **child_record())
    head = register.recorder.max_notification_id()
    register.close()
    workers.start()
    assert celery.send_task("aixin.maintenance.log_position").get(timeout=30) == head


def test_the_queues_live_under_the_deployments_key_prefix_in_redis(
        workers: Workers, celery: Celery) -> None:
    workers.start()
    celery.send_task("aixin.maintenance.log_position").get(timeout=30)
    keys = redis.Redis.from_url(redis_url()).keys(f"{workers.settings.redis_key_prefix}*")
    assert keys, "the broker's keys carry the prefix"


def test_a_worker_serving_only_reports_leaves_maintenance_tasks_queued(
        workers: Workers, celery: Celery) -> None:
    workers.start("--queues=reports")
    result = celery.send_task("aixin.maintenance.log_position")
    time.sleep(3)  # long enough for a worker that served the queue
    assert not result.ready()
    workers.start("--queues=maintenance")
    assert result.get(timeout=30) == 0


def test_without_redis_the_embedded_broker_needs_no_server(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = make_settings("sqlite")
    worker = subprocess.Popen([str(AIXIN), "worker", "--concurrency=1", "--beat"],
                              env=settings_env(settings), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        celery = create_celery(settings)
        assert celery.conf.broker_url == "filesystem://"
        assert celery.send_task("aixin.maintenance.refresh_views").get(timeout=60) == {
            "applied": 0}
    finally:
        worker.terminate()
        worker.wait(20)
