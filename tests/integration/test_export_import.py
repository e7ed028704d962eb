"""``aixin export`` writes the log still encrypted; ``aixin import`` restores it into an
empty store, where the registers rebuilt equal the original's."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from aixin.archive import ArchiveError, export_log, import_log, read_header
from aixin.settings import Settings
from projections.audit import LogAudit
from projections.integrity import HashChain
from tests.builders import STAFF
from tests.conftest import postgres_params
from tests.integration.log_support import Store, all_rows, opened, record_some_care

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]

KEY = base64.b64encode(secrets.token_bytes(32)).decode()






@pytest.fixture
def original(make_settings: Callable[..., Settings], tmp_path: Path) -> Iterator[Store]:
    """A register on PostgreSQL with a cipher key: care recorded, a child gone (so the
    policy ended its pairing), every view caught up."""
    with opened(make_settings("postgres", cipher_key=KEY, postgres_pool_size=1,
                              data_dir=tmp_path / "original")) as (register, runner):
        children = record_some_care(register)
        register.exit_child(children[1], reason="迁出", actor=STAFF, on=date(2026, 6, 1))
        runner.catch_up_all()
        runner.catch_up_all()  # what the policy recorded
        yield register, runner


@pytest.fixture
def exported(original: Store, tmp_path: Path) -> Path:
    register, runner = original
    path = tmp_path / "aixin-log.jsonl"
    export_log(register, path, chain_head=LogAudit.of(runner).head())
    return path


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> Iterator[Store]:
    with opened(Settings(store="sqlite", data_dir=tmp_path / "restored",  # type: ignore[arg-type]
                         cipher_key=KEY)) as store:
        yield store


@pytest.fixture
def another_schema() -> Iterator[str]:
    """A second fresh PostgreSQL schema (and its views' schemas), dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield schema
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        for (name,) in conn.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name = %s"
                " OR schema_name LIKE %s", (schema, schema + "\\_%")).fetchall():
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def fresh_postgres(make_settings: Callable[..., Settings], another_schema: str,
                   tmp_path: Path) -> Iterator[Store]:
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{another_schema}"')
    with opened(make_settings("postgres", cipher_key=KEY, postgres_schema=another_schema,
                              postgres_pool_size=1, data_dir=tmp_path / "restored")) as store:
        yield store


def test_the_export_holds_no_childs_name_in_clear_text(exported: Path) -> None:
    content = exported.read_bytes()
    states = [base64.b64decode(json.loads(line)["state"])
              for line in content.splitlines()[1:]]
    name = "王小花".encode()
    assert name not in content
    assert states and not any(name in state for state in states)


def test_the_export_states_what_it_holds_and_the_chain_it_ends_on(
        original: Store, exported: Path) -> None:
    register, runner = original
    header = read_header(exported)
    head = LogAudit.of(runner).head()
    assert head is not None
    assert (header["count"], header["last_position"]) == (
        register.recorder.max_notification_id(), head.position)
    assert header["chain_head"] == {"position": head.position, "hash": head.hash,
                                    "agrees": True}
    assert header["chain_hash"] == head.hash


def test_a_log_restored_into_a_fresh_sqlite_store_rebuilds_the_same_registers(
        original: Store, exported: Path, fresh_sqlite: Store) -> None:
    restored, runner = fresh_sqlite
    summary = import_log(restored, exported)
    runner.catch_up_all()
    assert summary.count == original[0].recorder.max_notification_id()
    assert all_rows(runner) == all_rows(original[1])


def test_a_log_restored_into_a_fresh_postgresql_schema_rebuilds_the_same_registers(
        original: Store, exported: Path, fresh_postgres: Store) -> None:
    restored, runner = fresh_postgres
    import_log(restored, exported)
    runner.catch_up_all()
    assert all_rows(runner) == all_rows(original[1])


def test_the_restored_logs_hash_chain_ends_on_the_originals_head(
        original: Store, exported: Path, fresh_sqlite: Store) -> None:
    restored, runner = fresh_sqlite
    summary = import_log(restored, exported)
    runner.catch_up(HashChain)
    head, original_head = LogAudit.of(runner).head(), LogAudit.of(original[1]).head()
    assert head is not None and original_head is not None
    assert head.hash == summary.chain_hash == original_head.hash


def test_a_store_that_holds_events_is_not_restored_into(
        original: Store, exported: Path) -> None:
    register, _ = original
    before = register.recorder.max_notification_id()
    with pytest.raises(ArchiveError, match="already holds events"):
        import_log(register, exported)
    assert register.recorder.max_notification_id() == before


def test_a_corrupted_file_is_refused_and_nothing_is_restored(
        exported: Path, fresh_sqlite: Store) -> None:
    lines = exported.read_bytes().splitlines(keepends=True)
    record = json.loads(lines[3])
    record["originator_version"] += 1
    lines[3] = json.dumps(record, separators=(",", ":")).encode() + b"\n"
    exported.write_bytes(b"".join(lines))
    restored, _ = fresh_sqlite
    with pytest.raises(ArchiveError, match="checksum"):
        import_log(restored, exported)
    assert not restored.recorder.max_notification_id()


def test_a_file_restored_with_another_cipher_key_is_refused(
        exported: Path, tmp_path: Path) -> None:
    other = Settings(store="sqlite", data_dir=tmp_path / "elsewhere",  # type: ignore[arg-type]
                     cipher_key=base64.b64encode(secrets.token_bytes(32)).decode())
    with opened(other) as (restored, _), pytest.raises(ArchiveError, match="CIPHER_KEY"):
        import_log(restored, exported)
    with opened(other) as (restored, _):
        assert not restored.recorder.max_notification_id()


def test_an_import_tells_its_progress_up_to_every_event_of_the_file(
        original: Store, exported: Path, fresh_sqlite: Store) -> None:
    restored, _ = fresh_sqlite
    told: list[tuple[int, int | None]] = []
    summary = import_log(restored, exported, batch=5, progress=lambda *seen: told.append(seen))
    assert len(told) > 1
    assert told[-1] == (summary.count, summary.count)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
