"""A burst of keyed writes against the real production stack on PostgreSQL, with a fault
in the middle: what was acknowledged, what is present, what is duplicated, what is lost.

Two ``aixin serve`` processes share one log, an ``aixin projector`` keeps the views; eight
clients register children, each with its own ``Idempotency-Key``, and send every request
that got no answer (or a 5xx) again with the same key, to either API process, until it is
answered. Used by the fault tests and by ``bench/faults.py``.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.api.conftest import CHILD
from tests.e2e.server import AIXIN, free_port, wait_until_answering

PASSWORD = "burst-admin-password"
READY_SECONDS = 60.0
RETRY_SECONDS = 120.0  # how long a client keeps sending one write before giving up


@dataclass(frozen=True)
class Counts:
    """What the burst left: every acknowledged write present once, none lost."""

    acknowledged: int
    present: int
    duplicated: int
    lost: int
    unanswered: int

    def __str__(self) -> str:
        return (f"acknowledged {self.acknowledged}, present {self.present}, "
                f"duplicated {self.duplicated}, lost {self.lost}"
                + (f" (never answered: {self.unanswered})" if self.unanswered else ""))


@dataclass
class Stack:
    """The processes of a production deployment on one PostgreSQL schema."""

    cwd: Path
    env: dict[str, str]
    ports: tuple[int, int]
    application_name: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def start(self, name: str) -> None:
        """Start (or start again) one process: ``api0``, ``api1`` or ``projector``."""
        if name == "projector":
            command, env = [str(AIXIN), "projector"], self.env
        else:
            port = self.ports[int(name[-1])]
            command, env = [str(AIXIN), "serve"], {**self.env, "AIXIN_PORT": str(port)}
        output = (self.cwd / f"{name}.log").open("ab")  # kept for a failing test to show
        self.processes[name] = subprocess.Popen(
            command, env=env, cwd=self.cwd, stdout=output, stderr=subprocess.STDOUT)
        output.close()
        if name != "projector":
            wait_until_answering(self.urls[int(name[-1])], self.processes[name],
                                 seconds=READY_SECONDS, output=self.cwd / f"{name}.log")

    def kill(self, name: str) -> None:
        """SIGKILL: no chance to finish anything."""
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def terminate_connections(self) -> int:
        """``pg_terminate_backend`` every PostgreSQL connection of the stack's processes."""
        with psycopg.connect(**_postgres(), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s", (self.application_name,)).fetchall()
        return len(rows)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _postgres() -> dict[str, Any]:
    from tests.conftest import postgres_params

    params = postgres_params()
    return {"host": params["host"], "port": int(params["port"]), "user": params["user"],
            "dbname": params["dbname"]}


@contextmanager
def production_stack(cwd: Path, schema: str) -> Iterator[Stack]:
    """Two API processes and a projector on ``schema``, their connections named apart."""
    params = _postgres()
    application_name = f"aixin-burst-{uuid.uuid4().hex[:8]}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIXIN_")}
    env.update(
        PGAPPNAME=application_name, AIXIN_DATA_DIR=str(cwd / "data"), AIXIN_STORE="postgres",
        AIXIN_POSTGRES_HOST=params["host"], AIXIN_POSTGRES_PORT=str(params["port"]),
        AIXIN_POSTGRES_USER=params["user"], AIXIN_POSTGRES_DBNAME=params["dbname"],
        AIXIN_POSTGRES_SCHEMA=schema, AIXIN_PROJECTIONS_IN_PROCESS="false",
        AIXIN_ADMIN_PASSWORD=PASSWORD, AIXIN_WRITE_RATE_LIMIT="0",  # retries are many writes
        AIXIN_SECRET_KEY="burst-signing-key-0123456789-0123456789")
    stack = Stack(cwd, env, (free_port(), free_port()), application_name)
    try:
        stack.start("api0")  # the first creates the tables and the admin account
        stack.start("api1")
        stack.start("projector")
        yield stack
    finally:
        stack.stop()


def _token(url: str) -> str:
    response = httpx.post(f"{url}/api/v1/auth/token",
                          data={"username": "admin", "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def burst(stack: Stack, *, writes: int = 200, clients: int = 8, fault_after: int = 50,
          fault: Callable[[Stack], None]) -> Counts:
    """Send ``writes`` keyed registrations from ``clients`` threads; once ``fault_after`` are
    acknowledged, run ``fault`` (while the others keep writing); count what is left."""
    token = _token(stack.urls[0])
    run = uuid.uuid4().hex[:8]
    todo: queue.Queue[int] = queue.Queue()
    for n in range(writes):
        todo.put(n)
    acknowledged: dict[int, str] = {}
    unanswered: list[int] = []
    lock = threading.Lock()

    def send(n: int, client: int) -> str | None:
        body = {**CHILD, "name": f"突发{run}-{n}"}
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"{run}-{n}"}
        deadline = time.monotonic() + RETRY_SECONDS
        attempt = 0
        while time.monotonic() < deadline:
            url = stack.urls[(client + attempt) % 2]
            attempt += 1
            try:
                response = httpx.post(f"{url}/api/v1/children", json=body, headers=headers,
                                      timeout=30)
            except httpx.TransportError:
                time.sleep(0.05 * min(attempt, 10))
                continue
            if response.status_code == 201:
                return str(response.json()["id"])
            if response.status_code >= 500 or response.status_code == 409:
                time.sleep(0.05 * min(attempt, 10))  # not answered yet: send it again
                continue
            raise AssertionError(f"write {n}: {response.status_code} {response.text}")
        return None

    def client_loop(client: int) -> None:
        while True:
            try:
                n = todo.get_nowait()
            except queue.Empty:
                return
            child_id = send(n, client)
            with lock:
                if child_id is None:
                    unanswered.append(n)
                else:
                    acknowledged[n] = child_id

    threads = [threading.Thread(target=client_loop, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + RETRY_SECONDS
    while len(acknowledged) < fault_after and time.monotonic() < deadline:
        time.sleep(0.01)
    fault(stack)
    for thread in threads:
        thread.join(RETRY_SECONDS * 2)
    names = _registered_names(stack, token, run)
    counted = Counter(names)
    present = sum(1 for n in acknowledged if counted[f"突发{run}-{n}"] >= 1)
    return Counts(acknowledged=len(acknowledged), present=present,
                  duplicated=sum(count - 1 for count in counted.values() if count > 1),
                  lost=len(acknowledged) - present, unanswered=len(unanswered))


def _registered_names(stack: Stack, token: str, run: str) -> list[str]:
    """The names of the burst's children on the register, once the views caught up."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=stack.urls[0], headers=headers, timeout=30) as api:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            lag = api.get("/health").json()["projections"]
            if lag and not any(lag.values()):
                break
            if time.monotonic() > deadline:
                log = (stack.cwd / "projector.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the views did not catch up: {lag}\n{log}")
            time.sleep(0.1)
        names: list[str] = []
        after: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
            page = api.get("/api/v1/children", params=params).json()
            names += [item["name"] for item in page["items"]
                      if item["name"].startswith(f"突发{run}-")]
            after = page.get("next")
            if not after:
                return names
