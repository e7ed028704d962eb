"""A process's pool hands out no connection the server has hung up on, and asks the server
nothing before handing out a healthy one."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator

import psycopg
import pytest

from storage.beside import ProcessPool, Server
from tests.conftest import postgres_params


@pytest.fixture
def pool() -> Iterator[ProcessPool]:
    params = postgres_params()
    made = ProcessPool(Server(dbname=params["dbname"], host=params["host"],
                              port=int(params["port"]), user=params["user"], password=""),
                       size=2)
    made.open()
    try:
        yield made
    finally:
        made.close()


def _backend(pool: ProcessPool) -> int:
    return _connection(pool)[0]


def _connection(pool: ProcessPool) -> tuple[int, int]:
    """The server process of the connection handed out, and its socket."""
    with pool.connection() as connection:
        row = connection.execute("SELECT pg_backend_pid() AS pid").fetchone()
        return int(row["pid"]), connection.pgconn.socket


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The connections the server was asked about (an empty statement, the pool's check)."""
    asked: list[object] = []
    execute = psycopg.Connection.execute

    def counting(connection: psycopg.Connection, query: object, *args: object,
                 **kwargs: object) -> object:
        if query == "":
            asked.append(connection)
        return execute(connection, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Connection, "execute", counting)
    return asked


def test_a_healthy_idle_connection_is_handed_out_without_asking_the_server(
        pool: ProcessPool, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _backend(pool)
    asked = _asked(monkeypatch)
    assert _backend(pool) == first
    assert asked == []


def test_a_connection_the_server_ended_while_idle_is_replaced_not_handed_out(
        pool: ProcessPool, monkeypatch: pytest.MonkeyPatch) -> None:
    ended, socket = _connection(pool)
    with psycopg.connect(**postgres_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (ended,))
    asked = _asked(monkeypatch)
    deadline = time.monotonic() + 10  # the server's farewell reaches the idle socket
    while not select.select([socket], [], [], 0.1)[0]:
        assert time.monotonic() < deadline, "the server's farewell never reached the socket"

    replaced = _backend(pool)
    assert replaced != ended
    assert asked, "the connection with something to read was checked with the server"
