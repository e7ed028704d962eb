"""A view's statements split into those that make its tables and those that make their
indexes: a generation written at once (``projections.bulk``) gets its rows before its indexes,
and copies the tables its statements make."""

from __future__ import annotations

import pytest

from projections.catalog import ALL_VIEWS
from projections.projection import View
from projections.reports import ReportFacts
from storage.views import index_name, split_schema, table_names


@pytest.mark.parametrize("view", ALL_VIEWS, ids=lambda view: view.name)
def test_every_statement_makes_a_table_or_an_index(view: type[View]) -> None:
    tables, indexes = split_schema(view.schema)
    assert sorted((*tables, *indexes)) == sorted(view.schema)
    assert all(statement.lstrip().upper().startswith("CREATE TABLE") for statement in tables)
    assert all(" INDEX " in f" {statement.upper()} " for statement in indexes)
    assert sorted(table_names(view.schema)) == sorted(view.tables)


def test_unique_indexes_are_indexes_and_names_are_read_with_or_without_if_not_exists() -> None:
    schema = ("CREATE TABLE a (x TEXT PRIMARY KEY)", "create table if not exists b (y TEXT)",
              "CREATE UNIQUE INDEX IF NOT EXISTS b_y ON b (y)", "CREATE INDEX a_x ON a (x)")
    assert split_schema(schema) == (schema[:2], schema[2:])
    assert table_names(schema) == ("a", "b")


@pytest.mark.parametrize("view", ALL_VIEWS, ids=lambda view: view.name)
def test_the_indexes_built_after_a_fold_are_indexes_of_the_view(view: type[View]) -> None:
    made = {index_name(statement) for statement in split_schema(view.schema)[1]}
    assert view.query_indexes <= made


def test_a_fold_starts_without_the_indexes_only_readers_use_and_builds_them_after() -> None:
    folding, later = ReportFacts.fold_schema()
    assert {index_name(statement) for statement in later} == ReportFacts.query_indexes
    assert sorted((*folding, *later)) == sorted(ReportFacts.schema)
    assert "rf_facts_subject" in {index_name(statement) for statement in folding}
