"""The one place that wires real adapters to the use cases and the read side."""

from __future__ import annotations

import logging
import time

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    InternalError,
    ProgrammingError,
)
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import Environment

from aixin.settings import Settings
from domain.application import CareRegister, Clock
from projections.catalog import ALL_VIEWS
from projections.reports.store import ReportStore
from projections.runner import ViewRunner
from storage.beside import Server, pooled_datastore, share_process_pool
from storage.group_commit import GroupCommitRecorder
from storage.idempotency import IdempotencyStore
from storage.privacy.keys import KeyStore
from storage.privacy.sealing import FieldEncryption
from storage.sql import idempotent_ddl
from storage.views import PostgresParams, ViewStore

log = logging.getLogger(__name__)

DEFAULT_POOL_SIZE: int = Settings.model_fields["postgres_pool_size"].default
DEFAULT_GROUP_COMMIT_MAX: int = Settings.model_fields["group_commit_max"].default
DEFAULT_GROUP_COMMIT_WINDOW_MS: float = Settings.model_fields["group_commit_window_ms"].default


class PooledPostgresFactory(PostgresFactory):
    """The library's PostgreSQL persistence, its datastore drawing from the process's one
    pool of connections (``storage.beside.ProcessPool``) rather than a pool of its own, and
    the appends of the process's requests committed in groups (``storage.group_commit``;
    ``GROUP_COMMIT_MAX`` below 2: each alone)."""

    application_recorder_class = GroupCommitRecorder
    GROUP_COMMIT_MAX = "GROUP_COMMIT_MAX"
    GROUP_COMMIT_WINDOW_MS = "GROUP_COMMIT_WINDOW_MS"

    def __init__(self, env: Environment) -> None:
        super().__init__(env)
        self._grouped: list[GroupCommitRecorder] = []
        server = Server(dbname=self.env.get(self.POSTGRES_DBNAME) or "",
                        host=self.env.get(self.POSTGRES_HOST) or "",
                        port=int(self.env.get(self.POSTGRES_PORT) or 5432),
                        user=self.env.get(self.POSTGRES_USER) or "",
                        password=self.env.get(self.POSTGRES_PASSWORD) or "")
        share_process_pool(self.datastore, server,
                           int(self.env.get(self.POSTGRES_POOL_SIZE) or DEFAULT_POOL_SIZE))

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        if isinstance(recorder, GroupCommitRecorder):
            recorder.group_commits(
                most=int(self.env.get(self.GROUP_COMMIT_MAX) or DEFAULT_GROUP_COMMIT_MAX),
                window=float(self.env.get(self.GROUP_COMMIT_WINDOW_MS)
                             or DEFAULT_GROUP_COMMIT_WINDOW_MS) / 1000)
            self._grouped.append(recorder)
        return recorder

    def close(self) -> None:
        """Commit the appends still waiting, then close the datastore."""
        for recorder in self._grouped:
            recorder.close_writer()
        super().close()


def event_store_env(settings: Settings) -> dict[str, str]:
    """The library's settings for the event store; on PostgreSQL, on the process's pool."""
    env = settings.event_store_env()
    if settings.store == "postgres":
        env["PERSISTENCE_MODULE"] = f"{__name__}:{PooledPostgresFactory.__qualname__}"
        env[PooledPostgresFactory.GROUP_COMMIT_MAX] = str(settings.group_commit_max)
        env[PooledPostgresFactory.GROUP_COMMIT_WINDOW_MS] = str(settings.group_commit_window_ms)
    return env


def build_register(settings: Settings, *, clock: Clock | None = None,
                   kind: type[CareRegister] = CareRegister) -> CareRegister:
    """The register on the configured store (SQLite file by default, PostgreSQL if set);
    ``kind``: a subclass of the register to build (the demo's)."""
    if settings.store == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    def built() -> CareRegister:
        # Its own key store each attempt: a register that failed half-way is closed when it
        # is collected, and closes its key store with it.
        register = kind(env=event_store_env(settings), programme=settings.programme(),
                        clock=clock, personal_data=FieldEncryption(build_key_store(settings)))
        register.national_id_key = settings.national_id_key
        return register

    for attempt in range(5):
        try:
            return built()
        except (IntegrityError, InternalError, ProgrammingError):
            # Two processes (workers taking their first tasks together) ran the store's
            # idempotent DDL at the same moment: PostgreSQL refuses one of them ("tuple
            # concurrently updated", "already exists"). A lasting error is raised below.
            time.sleep(0.1 * (attempt + 1))
    return built()


def build_key_store(settings: Settings) -> KeyStore:
    """The data keys of children and volunteers beside the log, wrapped by the
    key-encryption key: a SQLite file, or the PostgreSQL schema ``<schema>_keys``."""
    if settings.key_encryption_key is None:
        log.warning("AIXIN_KEY_ENCRYPTION_KEY is not set: personal fields are sealed with "
                    "data keys wrapped by the public development key (refused in production)")
    return KeyStore(beside_the_log(settings, "keys.sqlite3", "keys"), settings.kek,
                    cache_seconds=settings.data_key_cache_seconds)


def build_view_store(settings: Settings) -> ViewStore:
    """Views beside the log: SQLite files under the data folder, or PostgreSQL schemas."""
    if settings.store == "sqlite":
        return ViewStore("sqlite", sqlite_dir=settings.data_dir / "views")
    prefix = f"{settings.postgres_schema}_view" if settings.postgres_schema else "aixin_view"
    return ViewStore("postgres", postgres=PostgresParams(
        dbname=settings.postgres_dbname, host=settings.postgres_host,
        port=settings.postgres_port, user=settings.postgres_user,
        password=settings.postgres_password.get_secret_value(), schema_prefix=prefix,
        pool_size=settings.postgres_pool_size))


def build_runner(settings: Settings, register: CareRegister) -> ViewRunner:
    return ViewRunner(register, build_view_store(settings), ALL_VIEWS,
                      batch_size=settings.projections_batch_size,
                      rebuild_batch_size=settings.projections_rebuild_batch_size)


def build_idempotency_store(settings: Settings) -> IdempotencyStore:
    """Idempotency keys beside the log: a SQLite file, or a PostgreSQL schema."""
    return IdempotencyStore(beside_the_log(settings, "idempotency.sqlite3", "api"), settings.kek)


def build_report_store(settings: Settings) -> ReportStore:
    """Produced reports beside the log: a SQLite file, or the PostgreSQL schema
    ``<schema>_reports`` (shared by the API processes and the workers)."""
    return ReportStore(beside_the_log(settings, "reports.sqlite3", "reports"))


def postgres_server(settings: Settings) -> Server:
    return Server(dbname=settings.postgres_dbname, host=settings.postgres_host,
                  port=settings.postgres_port, user=settings.postgres_user,
                  password=settings.postgres_password.get_secret_value())


def beside_the_log(settings: Settings, sqlite_file: str,
                   suffix: str) -> SQLiteDatastore | PostgresDatastore:
    """A datastore of its own next to the event log: a SQLite file in the data folder, or
    the PostgreSQL schema ``<schema>_<suffix>`` (created by whichever process comes first)."""
    if settings.store == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SQLiteDatastore(str(settings.data_dir / sqlite_file), lock_timeout=30)
    schema = f"{settings.postgres_schema or 'aixin'}_{suffix}"
    datastore = pooled_datastore(postgres_server(settings), settings.postgres_pool_size, schema)
    def run() -> None:
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')

    idempotent_ddl(run)
    return datastore
