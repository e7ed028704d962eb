"""``aixin audit verify|anchor``, ``aixin export`` and ``aixin import`` on the embedded store:
what an operator or a cron job sees, and the exit codes it acts on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aixin.bootstrap import build_register, build_runner
from aixin.commands import app
from aixin.settings import Settings
from tests.builders import TODAY
from tests.integration.log_support import EventTable, record_some_care


def aixin(data: Path, *args: str) -> Result:
    env = {"AIXIN_STORE": "sqlite", "AIXIN_DATA_DIR": str(data)}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def table(data: Path) -> Iterator[EventTable]:
    """A register with some care recorded and every view caught up, and its events table."""
    settings = Settings(store="sqlite", data_dir=data)  # type: ignore[arg-type]
    register = build_register(settings, clock=lambda: TODAY)
    record_some_care(register)
    runner = build_runner(settings, register)
    runner.catch_up_all()
    runner.store.close()
    yield EventTable(settings, register)
    register.close()


def test_verify_exits_0_when_the_log_is_intact(data: Path, table: EventTable) -> None:
    result = aixin(data, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("intact: 16 events checked")


def test_verify_exits_1_and_names_the_changed_event(data: Path, table: EventTable) -> None:
    originator_id, version, _, _ = table.row(4)
    table.flip_a_byte(4)
    result = aixin(data, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert f"position 4: changed - {originator_id} v{version}:" in result.output
    assert "NOT INTACT" in result.output


def test_an_anchor_printed_now_is_checked_when_given_back(
        data: Path, table: EventTable) -> None:
    printed = aixin(data, "audit", "anchor").output.split()[0]
    table.execute("UPDATE {table} SET originator_version = 99 WHERE {position} = 6")
    table.execute("DELETE FROM careregister_chain_anchors")
    aixin(data, "projections", "rebuild", "hash_chain")  # the chain re-witnesses the log
    result = aixin(data, "audit", "verify", "--anchor", printed)
    assert result.exit_code == 1, result.output
    assert f"no longer leads to {printed.partition(':')[2]}" in result.output


def test_a_log_exported_and_imported_into_an_empty_store_ends_on_the_same_chain(
        data: Path, table: EventTable, tmp_path: Path) -> None:
    exported = aixin(data, "export", str(tmp_path / "log.jsonl"))
    imported = aixin(tmp_path / "elsewhere", "import", str(tmp_path / "log.jsonl"))
    assert (exported.exit_code, imported.exit_code) == (0, 0), imported.output
    chain_hash = exported.output.split("chain hash ")[1].split()[0]
    assert "imported 16 events" in imported.output
    assert f"hash chain rebuilt: ends on the export's {chain_hash}" in imported.output


def test_importing_into_a_store_that_holds_events_exits_1_and_says_why(
        data: Path, table: EventTable, tmp_path: Path) -> None:
    aixin(data, "export", str(tmp_path / "log.jsonl"))
    result = aixin(data, "import", str(tmp_path / "log.jsonl"))
    assert result.exit_code == 1
    assert "import refused: the store already holds events" in result.output


def test_exporting_a_log_altered_since_the_chain_witnessed_it_warns_but_writes_it(
        data: Path, table: EventTable, tmp_path: Path) -> None:
    table.flip_a_byte(3)
    result = aixin(data, "export", str(tmp_path / "log.jsonl"))
    assert result.exit_code == 0
    assert "warning: the exported log no longer leads to the hash chain's head" in result.output
