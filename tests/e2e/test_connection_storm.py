"""A connection storm after the server dropped every connection of a deployment: the real
processes (`aixin serve` with two API processes and its embedded worker of two pool processes
and the schedule, `aixin projector`) reconnect under load without ever holding, together or
by kind, more than the deployment's budget (``aixin.connections.connection_budget``), and the
service answers again.

Connections are counted on the server: ``pg_stat_activity`` by ``application_name``, which
each process sets to its role and the deployment's schema (``aixin-api:<schema>``...).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from aixin.connections import connection_budget, server_connections
from aixin.settings import Settings
from storage.beside import Server
from tests.api.conftest import CHILD
from tests.conftest import postgres_params
from tests.e2e.server import AIXIN, process_tree
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres
POOL = 3
PASSWORD = "connection-storm-admin-password"
SECRET = "connection-storm-signing-key-0123456789-0123456789"
CLIENTS = 8
STORMS = 3
ROLES = ("aixin-api", "aixin-projector", "aixin-worker")
#: Each role's share of the budget.
KINDS = {"aixin-api": "API processes", "aixin-projector": "projector",
         "aixin-worker": "worker processes"}


def free_port_in_range(first: int = 8750, last: int = 8799) -> int:
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}–{last}")


@dataclass
class Sampler:
    """Counts the deployment's connections in ``pg_stat_activity`` by role, every 50 ms,
    keeping the most seen of each role and of all together."""

    schema: str
    most: Counter[str] = field(default_factory=Counter)
    most_together: int = 0
    samples: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def names(self) -> list[str]:
        return [f"{role}:{self.schema}" for role in ROLES]

    def now(self, db: psycopg.Connection[tuple[str, int]]) -> Counter[str]:
        rows = db.execute("SELECT application_name, count(*) FROM pg_stat_activity"
                          " WHERE application_name LIKE %s GROUP BY 1",
                          (f"aixin%:{self.schema}",)).fetchall()
        return Counter({name.split(":", 1)[0]: count for name, count in rows})

    def run(self) -> None:
        with psycopg.connect(**postgres_params(), autocommit=True) as db:
            while not self.stop.wait(0.05):
                counts = self.now(db)
                for role, count in counts.items():
                    self.most[role] = max(self.most[role], count)
                self.most_together = max(self.most_together, sum(counts.values()))
                self.samples += 1

    def terminate_all(self) -> int:
        """``pg_terminate_backend`` every connection of the deployment, at once."""
        with psycopg.connect(**postgres_params(), autocommit=True) as db:
            row = db.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                             " WHERE application_name = ANY(%s)", (self.names(),)).fetchone()
        assert row is not None
        return int(row[0])


def stop(process: subprocess.Popen[bytes]) -> None:
    for pid in process_tree(process.pid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(10)


@dataclass
class Load:
    """Clients registering and listing children; counts the registrations answered, and
    those answered after :meth:`mark`."""

    url: str
    done: threading.Event = field(default_factory=threading.Event)
    registered: int = 0
    since_mark: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self) -> None:
        with self.lock:
            self.since_mark = 0

    def client(self, number: int, token: str) -> None:
        with httpx.Client(base_url=f"{self.url}/api/v1", timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as api:
            while not self.done.is_set():
                try:
                    answer = api.post("/children", json={**CHILD, "name": f"孩子{number}"},
                                      headers={"Idempotency-Key": uuid.uuid4().hex})
                    api.get("/children", params={"region_code": "420821"})
                except httpx.TransportError:
                    continue
                if answer.status_code == 201:
                    with self.lock:
                        self.registered += 1
                        self.since_mark += 1


@pytest.fixture
def deployment(tmp_path: Path, postgres_schema: str) -> Iterator[tuple[str, Settings]]:
    params = postgres_params()
    port = free_port_in_range()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AIXIN_") and name != "PGAPPNAME"}
    settings = dict(
        AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
        AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
        AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=postgres_schema,
        AIXIN_DATA_DIR=str(tmp_path / "data"), AIXIN_ADMIN_PASSWORD=PASSWORD,
        AIXIN_SECRET_KEY=SECRET, AIXIN_PASSWORD_HASHING="cheapest", AIXIN_PORT=str(port),
        AIXIN_WEB_WORKERS="2", AIXIN_WORKER_CONCURRENCY="2",
        AIXIN_POSTGRES_POOL_SIZE=str(POOL), AIXIN_REMINDER_SCAN_INTERVAL="1")
    env.update(settings)
    started = []
    for command in ("serve", "projector"):
        with (tmp_path / f"{command}.log").open("wb") as out:
            started.append(subprocess.Popen([str(AIXIN), command], env=env, cwd=tmp_path,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True))
    url = f"http://127.0.0.1:{port}"
    try:
        def answers() -> bool:
            for process, command in zip(started, ("serve", "projector"), strict=True):
                assert process.poll() is None, \
                    (tmp_path / f"{command}.log").read_text()[-3000:]
            try:
                return httpx.get(f"{url}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(answers, within=90, what="the service to answer /health")
        yield url, Settings.model_validate({name.removeprefix("AIXIN_").lower(): value
                                           for name, value in settings.items()})
    finally:
        for process in started:
            stop(process)


def test_a_storm_of_reconnections_stays_within_the_budget_and_service_resumes(
        deployment: tuple[str, Settings], postgres_schema: str) -> None:
    url, settings = deployment
    budget = connection_budget(settings)
    bound = {role: budget.of(kind).total for role, kind in KINDS.items()}
    together = sum(bound.values())
    assert together == 2 * POOL + (POOL + 1) + 2 * POOL  # the deployment this test runs

    token = httpx.post(f"{url}/api/v1/auth/token",
                       data={"username": "admin", "password": PASSWORD}).json()["access_token"]
    sampler = Sampler(postgres_schema)
    load = Load(url)
    threads = [threading.Thread(target=sampler.run)]
    threads += [threading.Thread(target=load.client, args=(n, token)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: load.registered >= 20 and sampler.most["aixin-worker"] > 0,
                   within=60, what="load on every kind of process")
        for _ in range(STORMS):
            assert sampler.terminate_all() > 0
            load.mark()
            wait_until(lambda: load.since_mark >= 20, within=60,
                       what="registrations answered again after the connections were dropped")
        samples = sampler.samples
        wait_until(lambda: sampler.samples >= samples + 20, within=30, what="more samples")
    finally:
        load.done.set()
        sampler.stop.set()
        for thread in threads:
            thread.join(90)

    seen = dict(sampler.most)
    assert seen.get("aixin-api", 0) >= settings.web_workers, seen  # every API process drew
    for role, most in seen.items():
        assert most <= bound[role], (role, seen, bound)
    assert sampler.most_together <= together, (sampler.most_together, seen, bound)



def command_env(tmp_path: Path, schema: str, **settings: str) -> dict[str, str]:
    params = postgres_params()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AIXIN_") and name != "PGAPPNAME"}
    env.update(AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
               AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
               AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=schema,
               AIXIN_DATA_DIR=str(tmp_path / "data"), **settings)
    return env


def accepted_by_the_server() -> int:
    params = postgres_params()
    return server_connections(Server(dbname=params["dbname"], host=params["host"],
                                     port=int(params["port"]), user=params["user"],
                                     password="")).accepted


def test_a_rebuild_fits_in_one_process_and_is_refused_in_three_beyond_the_servers_connections(
        tmp_path: Path, postgres_schema: str) -> None:
    # pools of 10: API 10, projector 11, workers 2 × 10, one command 10 per process
    reserve = accepted_by_the_server() - (10 + 11 + 2 * 10 + 10)
    env = command_env(tmp_path, postgres_schema, AIXIN_POSTGRES_POOL_SIZE="10",
                      AIXIN_POSTGRES_RESERVE=str(reserve))
    alone = subprocess.run([str(AIXIN), "projections", "rebuild", "all"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert alone.returncode == 0, alone.stderr[-3000:]
    shared = subprocess.run([str(AIXIN), "projections", "rebuild", "all", "-p", "2"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert shared.returncode == 2, shared.stderr[-3000:]
    assert "Refusing to start" in shared.stderr
    assert "one aixin command: 3 × 10 = 30" in shared.stderr


def test_beat_refuses_to_start_beyond_the_servers_connections(
        tmp_path: Path, postgres_schema: str) -> None:
    env = command_env(tmp_path, postgres_schema,
                      AIXIN_POSTGRES_RESERVE=str(accepted_by_the_server()))
    said = subprocess.run([str(AIXIN), "beat"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert said.returncode == 2, said.stderr[-3000:]
    assert "Refusing to start" in said.stderr and "AIXIN_POSTGRES_RESERVE" in said.stderr
