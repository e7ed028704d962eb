"""The broker (Redis) down while the service records contacts: the service keeps recording,
and the reminders catch up when the broker returns. Nothing acknowledged is lost.

A real ``aixin serve`` and a real ``aixin worker`` on PostgreSQL, with a throwaway
``redis-server`` of this test's own that it stops and starts again.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import redis

from aixin.settings import Settings
from tests.api.conftest import SIGNERS
from tests.e2e.server import free_port, running
from tests.waiting import wait_until
from tests.workers.conftest import Workers, settings_env

ADMIN_PASSWORD = "admin-password-for-broker-tests"


class ThrowawayRedis:
    """A redis-server on a port of its own, without persistence, to stop and start."""

    def __init__(self, logs: Path) -> None:
        self.port, self.logs = free_port(), logs
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.logs / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        wait_until(lambda: _pings(client), 30, "redis-server to answer")
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def call(client: httpx.Client, method: str, path: str, expected: int, **kw: object) -> dict:
    response = client.request(method, path, **kw)  # type: ignore[arg-type]
    assert response.status_code == expected, response.text
    return response.json()  # type: ignore[no-any-return]


def paired(client: httpx.Client) -> str:
    """A child and an approved volunteer, paired from 10 March with no contact yet."""
    child = call(client, "POST", "/children", 201, json={
        "name": "王小花", "sex": "female", "birth_date": "2016-05-20",
        "region_code": "420821101", "school": "石牌镇中心小学", "class_name": "四年级二班",
        "parents": [{"role": "father", "name": "王建国", "status": "away"},
                    {"role": "mother", "name": "李秀英", "status": "away"}],
        "consent": {"by": "王建国", "relation": "父亲", "on": "2026-03-01", "method": "书面签字"},
        "registered_on": "2026-03-02"})
    volunteer = call(client, "POST", "/volunteers", 201, json={
        "name": "刘爱华", "phone": "13700000004", "region_code": "420821",
        "applied_on": "2026-01-05"})
    for level in ("unit", "county", "city", "province"):
        call(client, "POST", f"/volunteers/{volunteer['id']}/reviews", 200, json={
            "level": level, "decision": "approve", "opinion": "同意", "on": "2026-02-01",
            "signed_by": SIGNERS[level]})
    pairing = call(client, "POST", "/pairings", 201, json={
        "child_ids": [child["id"]], "volunteer_ids": [volunteer["id"]], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"})
    return str(pairing["id"])


def needing_reminders(client: httpx.Client, pairing_id: str) -> set[str]:
    """The duties the service itself says are overdue or due within a week."""
    duties = call(client, "GET", f"/pairings/{pairing_id}/duties", 200)
    on = date.fromisoformat(duties["on"])
    return {d["name"] for d in duties["duties"] if d["status"] == "overdue" or (
        d["status"] == "due" and date.fromisoformat(d["period"]["end"]) - on
        <= timedelta(days=7))}


def test_with_the_broker_down_contacts_are_recorded_and_reminders_catch_up_when_it_is_back(
        make_settings: Callable[..., Settings], broker: ThrowawayRedis,
        tmp_path: Path) -> None:
    settings = make_settings("postgres", redis_url=broker.url, admin_password=ADMIN_PASSWORD,
                             secret_key="a-test-signing-key-of-enough-length-0123456789",
                             projections_in_process=True, projections_poll_interval=0.1)
    environment = {name: value for name, value in settings_env(settings).items()
                   if name.startswith("AIXIN_") and name != "AIXIN_PORT"}
    (tmp_path / "workers").mkdir()
    workers = Workers(settings, tmp_path / "workers")
    try:
        workers.start()
        with running(tmp_path, **environment) as url:
            client = httpx.Client(base_url=f"{url}/api/v1", timeout=60)
            token = call(client, "POST", "/auth/token", 200,
                         data={"username": "admin", "password": ADMIN_PASSWORD})
            client.headers["Authorization"] = f"Bearer {token['access_token']}"
            pairing_id = paired(client)
            today = call(client, "GET", f"/pairings/{pairing_id}/duties", 200)["on"]

            broker.stop()
            assert httpx.get(f"{url}/health", timeout=30).json()["broker"]["ok"] is False
            started = time.monotonic()
            for kind in ("phone", "teacher_contact"):
                call(client, "POST", f"/pairings/{pairing_id}/contacts", 201,
                     json={"kind": kind, "occurred_on": today, "notes": "电话询问近况"})
            assert time.monotonic() - started < 10, "contacts do not wait for the broker"
            refused = client.post("/reminders/scan", json={})
            assert refused.status_code == 503, refused.text

            broker.start()
            wait_until(lambda: workers.output().count("Connected to redis") >= 2, 120,
                       "the worker to reconnect")
            call(client, "POST", "/reminders/scan", 202, json={})
            wanted = needing_reminders(client, pairing_id)
            assert "monthly_contact" not in wanted and "monthly_parent_call" in wanted

            def reminded() -> set[str]:
                items = call(client, "GET", "/reminders", 200,
                             params={"pairing_id": pairing_id})["items"]
                return {item["duty"] for item in items}

            wait_until(lambda: reminded() == wanted, 120, "the reminders after the broker")
            contacts = call(client, "GET", f"/pairings/{pairing_id}", 200)["contacts"]
            assert sorted(c["kind"] for c in contacts) == ["phone", "teacher_contact"]
    finally:
        workers.stop_all()
