"""Our store configurations, as the library's conformance test cases need them.

Each test gets a fresh store built from ``aixin.settings.Settings`` — the same path
the service takes — on a temporary SQLite file or in a new PostgreSQL schema.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import ClassVar
from unittest import TestCase

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from aixin.settings import Settings
from tests.conftest import postgres_params


def _of_a_pool(thread: threading.Thread) -> bool:
    """A worker or the scheduler of a psycopg connection pool (named ``pool-N-...``)."""
    return thread.name.startswith("pool-")


class OurStore(TestCase):
    """Mixin: ``self.env`` is our settings' event-store environment for a fresh store."""

    store: ClassVar[str]

    def setUp(self) -> None:
        self._threads_before = set(threading.enumerate())
        self._tmp = tempfile.TemporaryDirectory()
        self._schema = ""
        values: dict[str, object] = {"store": self.store, "data_dir": Path(self._tmp.name)}
        if self.store == "postgres":
            import psycopg

            params = postgres_params()
            self._schema = f"c_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{self._schema}"')
            values.update(postgres_host=params["host"], postgres_port=int(params["port"]),
                          postgres_user=params["user"], postgres_dbname=params["dbname"],
                          postgres_schema=self._schema, postgres_pool_size=20)
        self.settings = Settings(**values)  # type: ignore[arg-type]
        self.env = Environment("conformance", self.settings.event_store_env())
        self._saved_environ = dict(os.environ)
        os.environ.update(self.settings.event_store_env())
        super().setUp()

    def tearDown(self) -> None:
        # Some of the library's cases stop their reader threads without waiting for them
        # (``test_concurrent_no_conflicts``); one still inside a SQLite call when the store
        # is closed can crash the interpreter (a segmentation fault seen in CI).
        # A connection pool's threads run until the factory is closed (a cleanup, after this)
        # and never call SQLite: they are not waited for.
        deadline = time.monotonic() + 10
        for thread in set(threading.enumerate()) - self._threads_before:
            if thread is not threading.current_thread() and not _of_a_pool(thread):
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        super().tearDown()
        os.environ.clear()
        os.environ.update(self._saved_environ)
        if self._schema:
            import psycopg

            with psycopg.connect(**postgres_params(), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{self._schema}" CASCADE')
        self._tmp.cleanup()

    def factory(self) -> InfrastructureFactory:
        factory = InfrastructureFactory.construct(self.env)
        self.addCleanup(factory.close)
        return factory
