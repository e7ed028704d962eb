"""PostgreSQL connections of a deployment: each process holds at most its pool
(``AIXIN_POSTGRES_POOL_SIZE``, all its stores together; the projector one more to listen),
under load and after the server has terminated them; and a deployment whose processes could
together hold more than the server accepts refuses to start, saying why.

Real processes on the real PostgreSQL: `aixin serve` with two API processes and its embedded
worker (two pool processes and the schedule), and `aixin projector`. Connections are counted
from the client side: each process's established TCP connections to the server.
"""

from __future__ import annotations

import os
import signal
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

from tests.api.conftest import CHILD
from tests.conftest import postgres_params
from tests.e2e.server import AIXIN, free_port, process_tree
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres
POOL = 3
PASSWORD = "connections-admin-password"
CLIENTS = 8


def connections(pids: set[int], server_port: int) -> dict[int, set[int]]:
    """The established TCP connections of each process to the server: their local ports."""
    owner: dict[int, int] = {}
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:  # ended meanwhile
            continue
        for link in links:
            if link.startswith("socket:["):
                owner[int(link[8:-1])] = pid
    held: dict[int, set[int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], int(fields[9])
            if state == "01" and int(remote.rsplit(":", 1)[1], 16) == server_port \
                    and inode in owner:
                held.setdefault(owner[inode], set()).add(int(local.rsplit(":", 1)[1], 16))
    return held


@dataclass
class Deployment:
    """`aixin serve` (two API processes, the embedded worker) and `aixin projector`."""

    url: str
    serve: subprocess.Popen[bytes]
    projector: subprocess.Popen[bytes]
    server_port: int
    most: Counter[int] = field(default_factory=Counter)
    roles: dict[int, str] = field(default_factory=dict)

    def processes(self) -> set[int]:
        return process_tree(self.serve.pid) | process_tree(self.projector.pid)

    def sample(self) -> dict[int, set[int]]:
        """Each process's connections now; the most each has held is kept."""
        serving = process_tree(self.serve.pid)
        for pid in serving | process_tree(self.projector.pid):
            if pid not in self.roles:
                self.roles[pid] = role(pid, pid in serving)
        held = connections(self.processes(), self.server_port)
        for pid, ports in held.items():
            self.most[pid] = max(self.most[pid], len(ports))
        return held


def role(pid: int, serving: bool) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "ended"
    if not serving:
        return "projector"
    return "worker" if " worker" in command else "api"


def start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([str(AIXIN), command], env=env, cwd=log.parent, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def environment(tmp_path: Path, schema: str, **settings: str) -> dict[str, str]:
    params = postgres_params()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AIXIN_") and name != "PGAPPNAME"}
    env.update(AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
               AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
               AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=schema,
               AIXIN_DATA_DIR=str(tmp_path / "data"), AIXIN_ADMIN_PASSWORD=PASSWORD,
               AIXIN_SECRET_KEY="connections-signing-key-0123456789-0123456789",
               AIXIN_WEB_WORKERS="2", AIXIN_WORKER_CONCURRENCY="2",
               AIXIN_POSTGRES_POOL_SIZE=str(POOL), AIXIN_REMINDER_SCAN_INTERVAL="1")
    env.update(settings)
    return env


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the process and every process it started."""
    for pid in process_tree(process.pid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(10)


@pytest.fixture
def deployment(tmp_path: Path, postgres_schema: str) -> Iterator[Deployment]:
    env = environment(tmp_path, postgres_schema, AIXIN_PORT=str(free_port()))
    serve = start("serve", env, tmp_path / "serve.log")
    projector = start("projector", env, tmp_path / "projector.log")
    running = Deployment(f"http://127.0.0.1:{env['AIXIN_PORT']}", serve, projector,
                         int(postgres_params()["port"]))
    try:
        def answers() -> bool:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                return httpx.get(f"{running.url}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(answers, within=90, what="the service to answer /health")
        yield running
    finally:
        stop(serve)
        stop(projector)


def under_load(deployment: Deployment, *, until: threading.Event) -> list[threading.Thread]:
    """Clients registering and listing children until ``until`` is set."""
    token = httpx.post(f"{deployment.url}/api/v1/auth/token",
                       data={"username": "admin", "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def client(number: int) -> None:
        with httpx.Client(base_url=f"{deployment.url}/api/v1", headers=headers,
                          timeout=30) as api:
            while not until.is_set():
                try:
                    api.post("/children", json={**CHILD, "name": f"孩子{number}"},
                             headers={"Idempotency-Key": uuid.uuid4().hex})
                    api.get("/children", params={"region_code": "420821"})
                except httpx.TransportError:
                    pass

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads


def sampled_for(deployment: Deployment, seconds: float) -> None:
    done = threading.Event()
    timer = threading.Timer(seconds, done.set)
    timer.start()
    wait_until(lambda: (deployment.sample(), done.is_set())[1], within=seconds + 30,
               what="the sampling to end", every=0.1)


def terminate_all(deployment: Deployment) -> int:
    """``pg_terminate_backend`` every connection the deployment's processes hold."""
    ports = [port for held in deployment.sample().values() for port in held]
    with psycopg.connect(**postgres_params(), autocommit=True) as admin:
        row = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE client_port = ANY(%s)", (ports,)).fetchone()
    assert row is not None
    return int(row[0])


def over_the_pool(deployment: Deployment) -> dict[str, list[int]]:
    """The processes that held more than their bound at some moment, by role."""
    bound = {"api": POOL, "worker": POOL, "projector": POOL + 1}  # + listening
    over: dict[str, list[int]] = {}
    for pid, most in deployment.most.items():
        kind = deployment.roles.get(pid, "ended")
        if most > bound.get(kind, POOL):
            over.setdefault(kind, []).append(most)
    return over


def test_each_process_holds_at_most_its_pool_under_load_and_after_termination(
        deployment: Deployment) -> None:
    until = threading.Event()
    clients = under_load(deployment, until=until)
    try:
        sampled_for(deployment, 10)
        before = sum(deployment.most.values())
        assert terminate_all(deployment) > 0
        sampled_for(deployment, 10)
    finally:
        until.set()
        for client in clients:
            client.join(60)
    assert before > 0
    assert over_the_pool(deployment) == {}, dict(deployment.most)


@pytest.mark.parametrize("command", ["serve", "projector", "worker"])
def test_a_deployment_that_could_exceed_the_servers_connections_refuses_to_start(
        command: str, tmp_path: Path, postgres_schema: str) -> None:
    env = environment(tmp_path, postgres_schema, AIXIN_POSTGRES_POOL_SIZE="60",
                      AIXIN_PORT=str(free_port()))
    process = start(command, env, tmp_path / f"{command}.log")
    try:
        wait_until(lambda: process.poll() is not None, within=60,
                   what=f"aixin {command} to refuse to start")
    finally:
        stop(process)
    said = (tmp_path / f"{command}.log").read_text()
    assert process.returncode == 2, said
    assert "Refusing to start" in said and "max_connections" in said
    assert "AIXIN_POSTGRES_POOL_SIZE=60" in said
