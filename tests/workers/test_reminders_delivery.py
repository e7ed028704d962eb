"""Delivering reminders from real worker processes: e-mail to a real SMTP server (aiosmtpd)
and a real HTTP webhook receiver, both started here; retries and failures are recorded.

One pairing from 10 March with no contact: its three monthly duties are overdue, so a scan
issues three reminders to its volunteer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller
from celery import Celery

from aixin.settings import Settings
from domain.duties import DUTY_SETS
from domain.reminders import DeliveryState
from tests.e2e.server import free_port
from tests.security.servers import Inbox
from tests.waiting import wait_until
from tests.workers.reminders_support import Record, WorkerSets, county
from workers.app import create_celery

PHONE = "13700000004"  # the volunteers' phone in tests.builders
EMAIL = "liu.aihua@example.cn"
SECRET = "a-webhook-signing-secret"
MONTHLY_TITLES = {rule.title for rule in DUTY_SETS["five_ones"].rules[:3]}


class Receiver:
    """A webhook receiver: answers each request with the next planned status (then 200)."""

    def __init__(self, plan: Callable[[int], int] = lambda seen: 200) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.plan = plan
        self.lock = threading.Lock()

    def serve(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    key = self.headers["Idempotency-Key"]
                    seen = sum(1 for headers, _ in receiver.requests
                               if headers["idempotency-key"] == key)
                    receiver.requests.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.plan(seen))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@pytest.fixture
def worker_sets(tmp_path: Path) -> Iterator[WorkerSets]:
    made = WorkerSets(tmp_path)
    yield made
    made.stop_all()


@pytest.fixture
def smtp() -> Iterator[Callable[..., tuple[Inbox, int]]]:
    started: list[Controller] = []

    def start(**handler: bool) -> tuple[Inbox, int]:
        inbox, port = Inbox(**handler), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def webhook() -> Iterator[Callable[..., tuple[Receiver, str]]]:
    servers: list[ThreadingHTTPServer] = []

    def start(plan: Callable[[int], int] = lambda seen: 200) -> tuple[Receiver, str]:
        receiver = Receiver(plan)
        server = receiver.serve()
        servers.append(server)
        return receiver, f"http://127.0.0.1:{server.server_address[1]}/sms"

    yield start
    for server in servers:
        server.shutdown()


def scanned(settings: Settings, worker_sets: WorkerSets, **county_options: Any) -> Record:
    """A county of one pairing, a worker with ``settings``, and a scan: what is on record."""
    county(settings, 1, volunteers=1, **county_options)
    worker_sets(settings).start()
    record = Record(settings)
    celery: Celery = create_celery(settings)
    celery.send_task("aixin.reminders.scan").get(timeout=120)
    return record


def states(record: Record, channel: str) -> list[tuple[DeliveryState, int] | None]:
    """Each reminder's delivery on ``channel``: (state, attempts), or None if not tried."""
    found = []
    for reminder_id in record.reminders():
        reminder = record.register.get_reminder(reminder_id)
        (volunteer_id,) = reminder.volunteer_ids
        delivery = reminder.delivery(volunteer_id, channel)
        found.append(None if delivery is None else (delivery.state, delivery.attempts))
    return found


def test_reminders_are_emailed_in_chinese_naming_the_child_the_duty_and_the_date(
        redis_settings: Callable[..., Settings], worker_sets: WorkerSets,
        smtp: Callable[..., tuple[Inbox, int]]) -> None:
    inbox, port = smtp()
    settings = redis_settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="aixin@fulian.cn")
    record = scanned(settings, worker_sets, email=EMAIL)
    wait_until(lambda: states(record, "email") == [(DeliveryState.DELIVERED, 1)] * 3, 120,
               "three reminders delivered by e-mail")
    assert len(inbox.messages) == 3
    titles = set()
    for message in inbox.messages:
        body = message.get_content()
        assert (message["To"], message["From"]) == (EMAIL, "aixin@fulian.cn")
        assert message["Subject"] == "【爱心提醒】孩子0的帮扶任务已逾期"
        assert body.startswith("志愿者0您好：您结对帮扶的孩子0，帮扶任务“")
        assert "月1日起已逾期" in body
        titles |= {title for title in MONTHLY_TITLES if f"“{title}”" in body}
    assert titles == MONTHLY_TITLES
    record.close()


def test_reminders_go_to_the_sms_webhook_signed_and_with_the_volunteers_phone(
        redis_settings: Callable[..., Settings], worker_sets: WorkerSets,
        webhook: Callable[..., tuple[Receiver, str]]) -> None:
    receiver, url = webhook()
    settings = redis_settings(reminder_webhook_url=url, reminder_webhook_secret=SECRET,
                              reminder_webhook_allowed_hosts=("127.0.0.1",))
    record = scanned(settings, worker_sets)  # no e-mail on the form: the webhook only
    wait_until(lambda: states(record, "webhook") == [(DeliveryState.DELIVERED, 1)] * 3, 120,
               "three reminders delivered by the webhook")
    assert len(receiver.requests) == 3
    for headers, body in receiver.requests:
        payload = json.loads(body)
        signed = hmac.new(SECRET.encode(), headers["x-aixin-timestamp"].encode() + b"." + body,
                          hashlib.sha256).hexdigest()
        assert headers["x-aixin-signature"] == f"sha256={signed}"
        assert headers["idempotency-key"] == f"{payload['reminder_id']}/{payload['volunteer_id']}"
        assert payload["phone"] == PHONE and "孩子0" in payload["text"]
        assert UUID(payload["reminder_id"]) in record.reminders()
    record.close()


def test_a_delivery_that_fails_once_is_retried_and_delivered(
        redis_settings: Callable[..., Settings], worker_sets: WorkerSets,
        webhook: Callable[..., tuple[Receiver, str]]) -> None:
    receiver, url = webhook(plan=lambda seen: 503 if seen == 0 else 200)
    settings = redis_settings(reminder_webhook_url=url, reminder_webhook_allowed_hosts=(
        "127.0.0.1",), reminder_retry_backoff=0.2)
    record = scanned(settings, worker_sets)
    wait_until(lambda: states(record, "webhook") == [(DeliveryState.DELIVERED, 2)] * 3, 120,
               "each reminder delivered at the second attempt")
    assert len(receiver.requests) == 6
    record.close()


def test_a_delivery_failing_every_allowed_attempt_is_recorded_as_failed(
        redis_settings: Callable[..., Settings], worker_sets: WorkerSets,
        webhook: Callable[..., tuple[Receiver, str]]) -> None:
    receiver, url = webhook(plan=lambda seen: 503)
    settings = redis_settings(reminder_webhook_url=url, reminder_webhook_allowed_hosts=(
        "127.0.0.1",), reminder_retry_backoff=0.2, reminder_delivery_attempts=3)
    record = scanned(settings, worker_sets)
    wait_until(lambda: states(record, "webhook") == [(DeliveryState.FAILED, 3)] * 3, 120,
               "each reminder failed after three attempts")
    assert len(receiver.requests) == 9
    reminder = record.register.get_reminder(record.reminders()[0])
    failure = reminder.delivery(reminder.volunteer_ids[0], "webhook")
    assert failure is not None and failure.error == "HTTP 503"
    record.close()


def test_a_refused_recipient_is_recorded_as_failed_without_retrying(
        redis_settings: Callable[..., Settings], worker_sets: WorkerSets,
        smtp: Callable[..., tuple[Inbox, int]]) -> None:
    inbox, port = smtp(refuse=True)
    settings = redis_settings(smtp_host="127.0.0.1", smtp_port=port, reminder_retry_backoff=0.2)
    record = scanned(settings, worker_sets, email=EMAIL)
    wait_until(lambda: states(record, "email") == [(DeliveryState.FAILED, 1)] * 3, 120,
               "each reminder refused once and given up")
    assert inbox.messages == []
    record.close()
