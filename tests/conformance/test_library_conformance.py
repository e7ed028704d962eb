"""The eventsourcing library's own conformance test cases, run as a peer's suite
against our SQLite and PostgreSQL configuration (built from our settings)."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    ProcessRecorder,
    TrackingRecorder,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
    PostgresProcessRecorder,
    PostgresTrackingRecorder,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteFactory,
    SQLiteProcessRecorder,
    SQLiteTrackingRecorder,
)
from eventsourcing.tests import application as app_cases
from eventsourcing.tests import persistence as cases

from tests.conformance.stores import OurStore

pytestmark = pytest.mark.conformance


class AggregateRecorderCase(OurStore, cases.AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return self.factory().aggregate_recorder()


class ApplicationRecorderCase(OurStore, cases.ApplicationRecorderTestCase):
    def create_recorder(self) -> ApplicationRecorder:
        return self.factory().application_recorder()


class TrackingRecorderCase(OurStore, cases.TrackingRecorderTestCase):
    def create_recorder(self) -> TrackingRecorder:
        return self.factory().tracking_recorder()


class ProcessRecorderCase(OurStore, cases.ProcessRecorderTestCase):
    def create_recorder(self) -> ProcessRecorder:
        return self.factory().process_recorder()


class ApplicationCase(OurStore, app_cases.ApplicationTestCase):
    """The library's application tests, with our store as the environment."""


class ExampleApplicationCase(OurStore, app_cases.ExampleApplicationTestCase):
    """The library's BankAccounts example application on our store."""


class SQLiteTrackingSubclass(SQLiteTrackingRecorder):
    pass


class PostgresTrackingSubclass(PostgresTrackingRecorder):
    pass


class SQLiteFactoryCase(OurStore, cases.InfrastructureFactoryTestCase[SQLiteFactory]):
    store = "sqlite"

    def expected_factory_class(self) -> type[SQLiteFactory]:
        return SQLiteFactory

    def expected_aggregate_recorder_class(self) -> type[AggregateRecorder]:
        return SQLiteAggregateRecorder

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return SQLiteApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return SQLiteTrackingRecorder

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return SQLiteTrackingSubclass

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return SQLiteProcessRecorder


@pytest.mark.postgres
class TestPostgresFactory(OurStore, cases.InfrastructureFactoryTestCase[PostgresFactory]):
    store = "postgres"

    def expected_factory_class(self) -> type[PostgresFactory]:
        return PostgresFactory

    def expected_aggregate_recorder_class(self) -> type[AggregateRecorder]:
        return PostgresAggregateRecorder

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return PostgresApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return PostgresTrackingRecorder

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return PostgresTrackingSubclass

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return PostgresProcessRecorder


class TestSQLiteFactory(SQLiteFactoryCase):
    pass


FACTORY_TOPICS = {"sqlite": "eventsourcing.sqlite:SQLiteFactory",
                  "postgres": "eventsourcing.postgres:PostgresFactory"}


def _on(store: str, base: type, name: str) -> type:
    attributes: dict[str, object] = {"store": store,
                                     "expected_factory_topic": FACTORY_TOPICS[store]}
    if store == "postgres":
        attributes["pytestmark"] = [pytest.mark.postgres]
    return type(name, (base,), attributes)


for _store, _prefix in (("sqlite", "SQLite"), ("postgres", "Postgres")):
    for _base in (AggregateRecorderCase, ApplicationRecorderCase, TrackingRecorderCase,
                  ProcessRecorderCase, ApplicationCase, ExampleApplicationCase):
        _name = f"Test{_prefix}{_base.__name__.removesuffix('Case')}"
        globals()[_name] = _on(_store, _base, _name)

# Only the concrete classes above are collected (pytest collects every TestCase subclass).
del (_base, OurStore, SQLiteFactoryCase, AggregateRecorderCase, ApplicationRecorderCase,
     TrackingRecorderCase, ProcessRecorderCase, ApplicationCase, ExampleApplicationCase)
