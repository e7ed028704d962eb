"""The PostgreSQL connections a deployment may hold (its budget), and the check each
``aixin`` command makes at start against what the server accepts.

Every connection a process opens comes from its one pool (``storage.beside.ProcessPool``),
at most ``AIXIN_POSTGRES_POOL_SIZE`` (at least 2), plus one to listen on the log's channel
where the process follows the log. So the deployment's sum is known from its settings:

    API processes  AIXIN_SERVE_INSTANCES × AIXIN_WEB_WORKERS × pool   (+1 each if following)
    projector      pool + 1                                           (none if the API follows)
    workers        AIXIN_WORKER_INSTANCES × AIXIN_WORKER_CONCURRENCY × pool
    beat           0 (it only sends tasks; a worker's main process holds none either)
    one command    pool (an ``aixin`` command run by hand: import, places load, rebuild;
                   a rebuild shared among N processes: N + 1 pools)
    reserve        AIXIN_POSTGRES_RESERVE (psql, a migration, monitoring)

and a command refuses to start when it exceeds the server's ``max_connections`` less the
connections the server keeps for superusers (``superuser_reserved_connections``, and
``reserved_connections`` where the server has it).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from aixin.settings import Settings
from storage.beside import Server, application_name, connections_per_process


@dataclass(frozen=True)
class Share:
    """The connections of one kind of process: ``processes`` of them, each holding at most
    ``each``; ``named_by`` says which settings set the figures."""

    kind: str
    processes: int
    each: int
    named_by: str

    @property
    def total(self) -> int:
        return self.processes * self.each

    def line(self) -> str:
        return f"{self.kind}: {self.processes} × {self.each} = {self.total} ({self.named_by})"


@dataclass(frozen=True)
class Budget:
    """The most PostgreSQL connections a deployment's processes may hold together."""

    shares: tuple[Share, ...]
    reserve: int

    @property
    def total(self) -> int:
        return sum(share.total for share in self.shares) + self.reserve

    def lines(self) -> list[str]:
        return [share.line() for share in self.shares] + [
            f"reserve: {self.reserve} (AIXIN_POSTGRES_RESERVE: psql, migrations, monitoring)"]

    def of(self, kind: str) -> Share:
        return next(share for share in self.shares if share.kind == kind)


def connection_budget(settings: Settings, *, command_processes: int = 1) -> Budget:
    """The deployment's budget from its settings (see the module's table); the command run
    by hand may use ``command_processes`` processes (a rebuild shared among processes)."""
    pool = settings.postgres_pool_size
    each = connections_per_process(pool)
    follows = settings.follows_in_process
    sized = f"AIXIN_POSTGRES_POOL_SIZE={pool}"
    return Budget(shares=(
        Share("API processes", settings.serve_instances * settings.web_workers,
              each + (1 if follows else 0),
              f"AIXIN_SERVE_INSTANCES={settings.serve_instances} × "
              f"AIXIN_WEB_WORKERS={settings.web_workers}, {sized}"
              + (", +1 listening: the API follows the log" if follows else "")),
        Share("projector", 0 if follows else 1, each + 1,
              "the API processes follow the log" if follows
              else f"{sized}, +1 listening on the log's channel"),
        Share("worker processes", settings.worker_instances * settings.worker_concurrency,
              each, f"AIXIN_WORKER_INSTANCES={settings.worker_instances} × "
                    f"AIXIN_WORKER_CONCURRENCY={settings.worker_concurrency}, {sized}"),
        Share("beat", 1, 0, "it sends tasks and reads nothing"),
        Share("one aixin command", command_processes, each,
              f"import, places load, rebuild (each of its processes); {sized}"),
    ), reserve=settings.postgres_reserve)


@dataclass(frozen=True)
class Accepted:
    """How many connections the server accepts from ordinary roles."""

    max_connections: int
    reserved: int

    @property
    def accepted(self) -> int:
        return self.max_connections - self.reserved


def server_connections(server: Server) -> Accepted:
    """Read ``max_connections`` and the reserved connections from the server (``SHOW``)."""
    with psycopg.connect(dbname=server.dbname, host=server.host, port=server.port,
                         user=server.user, password=server.password, connect_timeout=5,
                         application_name=application_name()) as connection:
        most = int(_show(connection, "max_connections"))
        reserved = int(_show(connection, "superuser_reserved_connections"))
        if connection.info.server_version >= 160000:  # PostgreSQL 16 added it
            reserved += int(_show(connection, "reserved_connections"))
    return Accepted(most, reserved)


def _show(connection: psycopg.Connection[tuple[str]], name: str) -> str:
    row = connection.execute(f"SHOW {name}").fetchone()
    assert row is not None
    return str(row[0])


def refusal(budget: Budget, server: Accepted) -> str | None:
    """Why the deployment may not start (its budget exceeds what the server accepts), or
    None when it fits."""
    if budget.total <= server.accepted:
        return None
    return ("Refusing to start: this deployment's processes may hold "
            f"{budget.total} PostgreSQL connections together, more than the "
            f"{server.accepted} the server accepts (max_connections {server.max_connections} "
            f"less {server.reserved} reserved for superusers):\n  "
            + "\n  ".join(budget.lines())
            + "\nLower AIXIN_POSTGRES_POOL_SIZE, AIXIN_WEB_WORKERS, AIXIN_SERVE_INSTANCES, "
              "AIXIN_WORKER_CONCURRENCY, AIXIN_WORKER_INSTANCES or AIXIN_POSTGRES_RESERVE, "
              "or raise the server's max_connections.")


def application_name_for(role: str, settings: Settings) -> str:
    """How a process of ``role`` names its connections: the role, and the deployment's
    schema where it has one (several deployments on one server are told apart), within
    PostgreSQL's 63 characters."""
    name = f"{role}:{settings.postgres_schema}" if settings.postgres_schema else role
    return name[:63]
