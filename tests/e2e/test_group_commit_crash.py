"""An API process killed (SIGKILL) while groups of contacts are being committed: every
contact a client was told of is in the log once, and every contact sent is, in the end, told
of and recorded once.

Sixteen clients record contacts on a real ``aixin serve`` on PostgreSQL (group commit on),
each with an ``Idempotency-Key`` of its own, and send every request that got no answer (or a
5xx, or 409 while its first try's claim is still held) again with the same key until it is
answered. The process is killed twice: once while its writer's transaction is certainly
open (another session holds the events table's lock, so the group waits inside it, and
requests queue behind it), then at an unforced moment under load; it is started again each
time. The log is the judge: each contact's notes name its request.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from uuid import UUID

import httpx
import psycopg
import pytest

from aixin.bootstrap import build_register
from aixin.settings import Settings
from tests.builders import REVIEWERS, STAFF, child_record, volunteer_form
from tests.conftest import postgres_params
from tests.e2e.server import AIXIN, wait_until_answering
from tests.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(600)]

PASSWORD = "crash-admin-password"
CLIENTS = 16
WRITES = 320
PAIRINGS = 8
RETRY_SECONDS = 120.0  # how long a client keeps sending one contact before giving up
PORTS = range(8700, 8750)


def port_of_ours() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no port free in 8700-8749")


@dataclass
class Service:
    """One ``aixin serve`` process on the test's schema, started again after each kill."""

    cwd: Path
    env: dict[str, str]
    url: str
    process: subprocess.Popen[bytes] | None = None
    kills: list[int] = field(default_factory=list)

    def start(self) -> None:
        output = (self.cwd / "serve.log").open("ab")
        self.process = subprocess.Popen([str(AIXIN), "serve", "--no-worker"], env=self.env,
                                        cwd=self.cwd, stdout=output, stderr=subprocess.STDOUT)
        output.close()
        wait_until_answering(self.url, self.process, seconds=60, output=self.cwd / "serve.log")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills.append(self.process.pid)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def settings_for(schema: str, data: Path) -> Settings:
    p = postgres_params()
    return Settings(store="postgres", postgres_host=p["host"], postgres_port=int(p["port"]),
                    postgres_user=p["user"], postgres_dbname=p["dbname"],
                    postgres_schema=schema, data_dir=data)


def pairings_of_a_volunteer(settings: Settings) -> list[UUID]:
    register = build_register(settings)
    try:
        volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                                applied_on=date(2026, 1, 5))
        for level in ("unit", "county", "city", "province"):
            register.review_volunteer(volunteer, level=level, decision="approve",
                                      opinion="", on=date(2026, 2, 1), actor=REVIEWERS[level])
        return [register.form_pairing(
            child_ids=[register.register_child(actor=STAFF, **child_record(name=f"孩子{n}"))],
            volunteer_ids=[volunteer], principle="nearby", starts_on=date(2026, 3, 10),
            actor=STAFF) for n in range(PAIRINGS)]
    finally:
        register.close()


@pytest.fixture
def service(tmp_path: Path, postgres_schema: str) -> Iterator[Service]:
    p = postgres_params()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIXIN_")}
    env.update(PGAPPNAME=f"aixin-crash-{uuid.uuid4().hex[:8]}", AIXIN_STORE="postgres",
               AIXIN_DATA_DIR=str(tmp_path / "data"), AIXIN_POSTGRES_HOST=p["host"],
               AIXIN_POSTGRES_PORT=p["port"], AIXIN_POSTGRES_USER=p["user"],
               AIXIN_POSTGRES_DBNAME=p["dbname"], AIXIN_POSTGRES_SCHEMA=postgres_schema,
               AIXIN_POSTGRES_POOL_SIZE="10", AIXIN_GROUP_COMMIT_MAX="32",
               AIXIN_PROJECTIONS_IN_PROCESS="false", AIXIN_ADMIN_PASSWORD=PASSWORD,
               AIXIN_PASSWORD_HASHING="cheapest", AIXIN_WRITE_RATE_LIMIT="0",
               AIXIN_SECRET_KEY="crash-signing-key-0123456789-0123456789")
    port = port_of_ours()
    env["AIXIN_PORT"] = str(port)
    running = Service(tmp_path, env, f"http://127.0.0.1:{port}")
    try:
        yield running
    finally:
        running.stop()


def events_table(schema: str) -> str:
    return f'"{schema}"."careregister_events"'  # the register's events, as the library names


def writers_waiting_for_the_lock(service: Service, schema: str) -> int:
    with psycopg.connect(**postgres_params()) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            (service.env["PGAPPNAME"], f"LOCK TABLE {events_table(schema)}%")).fetchone()
    return int(row[0]) if row else 0


def test_an_api_process_killed_mid_group_loses_and_doubles_no_contact(
        service: Service, postgres_schema: str, tmp_path: Path) -> None:
    settings = settings_for(postgres_schema, tmp_path / "data")
    pairings = pairings_of_a_volunteer(settings)
    service.start()
    token = httpx.post(f"{service.url}/api/v1/auth/token", timeout=30, data={
        "username": "admin", "password": PASSWORD}).json()["access_token"]
    run = uuid.uuid4().hex[:8]
    acknowledged: dict[int, str] = {}
    unanswered: list[int] = []
    in_flight = [0]
    lock = threading.Lock()

    def send(n: int) -> str | None:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"{run}-{n}"}
        body = {"kind": "phone", "occurred_on": "2026-04-02", "notes": f"联系{run}-{n}"}
        deadline = time.monotonic() + RETRY_SECONDS
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            try:
                with lock:
                    in_flight[0] += 1
                try:
                    response = httpx.post(
                        f"{service.url}/api/v1/pairings/{pairings[n % PAIRINGS]}/contacts",
                        json=body, headers=headers, timeout=30)
                finally:
                    with lock:
                        in_flight[0] -= 1
            except httpx.TransportError:
                time.sleep(0.05 * min(attempt, 10))
                continue
            if response.status_code == 201:
                return str(response.json()["id"])
            if response.status_code >= 500 or response.status_code == 409:
                time.sleep(0.05 * min(attempt, 10))  # not answered yet: send it again
                continue
            raise AssertionError(f"contact {n}: {response.status_code} {response.text}")
        return None

    def client(index: int) -> None:
        for n in range(index, WRITES, CLIENTS):
            contact = send(n)
            with lock:
                if contact is None:
                    unanswered.append(n)
                else:
                    acknowledged[n] = contact

    clients = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for thread in clients:
        thread.start()
    wait_until(lambda: len(acknowledged) >= WRITES // 5, RETRY_SECONDS, "a fifth answered",
               every=0.01)
    # First kill: the writer's group certainly open, waiting for the lock held here.
    with psycopg.connect(**postgres_params()) as conn:
        conn.execute(f"LOCK TABLE {events_table(postgres_schema)} IN EXCLUSIVE MODE")
        wait_until(lambda: writers_waiting_for_the_lock(service, postgres_schema) > 0
                   and in_flight[0] > 1, 30, "a group waiting inside its transaction",
                   every=0.01)
        service.kill()
        conn.rollback()
    told_before = len(acknowledged)
    service.start()
    # Second kill: at whatever moment the load is at.
    wait_until(lambda: len(acknowledged) >= told_before + WRITES // 5, RETRY_SECONDS,
               "more answered after the restart", every=0.01)
    service.kill()
    service.start()
    for thread in clients:
        thread.join(RETRY_SECONDS * 2)

    register = build_register(settings)
    try:
        notes = Counter(contact.notes for pairing in pairings
                        for contact in register.repository.get(pairing).contacts)
    finally:
        register.close()
    assert len(service.kills) == 2
    assert unanswered == []
    assert sorted(acknowledged) == list(range(WRITES))
    assert [n for n in range(WRITES) if notes[f"联系{run}-{n}"] != 1] == []
    assert sum(notes.values()) == WRITES  # nothing recorded that was not sent
