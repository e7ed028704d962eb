"""Personal fields sealed with a data key per child, volunteer and pairing, and erased by
destroying the key (crypto-shredding), on the real PostgreSQL and on SQLite."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from aixin.bootstrap import (
    build_idempotency_store,
    build_key_store,
    build_register,
    build_runner,
)
from aixin.settings import Settings
from domain.application import CareRegister
from domain.national_ids import check_character
from domain.personal import ERASED
from projections.audit import LogAudit
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.runner import ViewRunner
from tests.builders import REVIEWERS, STAFF, TODAY, child_record, volunteer_form
from tests.conftest import postgres_params

pytestmark = pytest.mark.timeout(300)

ID_NUMBER = "420821201605200027"
SECRETS = ("王小花", ID_NUMBER, "13800000001", "张桂兰", "刘爱华", "13700000004", "奶奶说她想妈妈")


@dataclass
class Store:
    settings: Settings
    register: CareRegister
    runner: ViewRunner


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest,
          make_settings: Callable[..., Settings]) -> Iterator[Store]:
    settings = make_settings(request.param, postgres_pool_size=1)
    register = build_register(settings, clock=lambda: TODAY)
    runner = build_runner(settings, register)
    yield Store(settings, register, runner)
    runner.store.close()
    register.close()


def _paired_child(register: CareRegister, id_number: str = ID_NUMBER
                  ) -> tuple[UUID, UUID, UUID]:
    child = register.register_child(actor=STAFF, **child_record(id_number=id_number))
    volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                            applied_on=date(2026, 3, 1))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  actor=REVIEWERS[level], on=date(2026, 3, 2))
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", actor=STAFF, starts_on=date(2026, 3, 3))
    register.record_contact(pairing, kind="home_visit", notes="奶奶说她想妈妈", actor=STAFF,
                            occurred_on=date(2026, 4, 1))
    return child, volunteer, pairing


def test_personal_fields_read_back_as_recorded_with_the_key(store: Store) -> None:
    child, volunteer, pairing = _paired_child(store.register)

    record = store.register.get_child(child)
    assert (record.name, record.id_number, record.guardian and record.guardian.phone) == (
        "王小花", ID_NUMBER, "13900000003")
    assert store.register.get_volunteer(volunteer).form.phone == "13700000004"
    assert store.register.get_pairing(pairing).contacts[0].notes == "奶奶说她想妈妈"


def test_the_stored_events_and_snapshots_hold_no_personal_text_even_before_erasure(
        store: Store) -> None:
    child, _, _ = _paired_child(store.register)
    store.register.take_snapshot(child)

    assert not _found_in_the_store(store)


def test_the_views_hold_no_personal_text_either_even_before_erasure(store: Store) -> None:
    _paired_child(store.register)
    store.runner.catch_up_all()

    assert _found_in_the_store(store) == []


def test_a_replayable_response_is_kept_sealed_and_replays_as_it_was(store: Store) -> None:
    child, _, _ = _paired_child(store.register)
    idempotency = build_idempotency_store(store.settings)
    body = f'{{"id": "{child}", "name": "王小花", "id_number": "{ID_NUMBER}"}}'.encode()
    assert idempotency.claim("admin", "k1", "f") is None
    idempotency.complete("admin", "k1", 201, body, {})

    replayed = idempotency.get("admin", "k1")
    assert replayed is not None and (replayed.status, replayed.body) == (201, body)
    assert build_idempotency_store(store.settings).get("admin", "k1") == replayed  # restart
    idempotency.close()
    assert _found_in_the_store(store) == []


def test_a_response_table_made_before_sealing_gets_its_column_and_its_rows_still_replay(
        store: Store) -> None:
    old = build_idempotency_store(store.settings)
    with old._tx() as tx:  # the table as it was made before responses were sealed
        tx.execute("DROP TABLE idempotency_keys")
        tx.execute("CREATE TABLE idempotency_keys (owner TEXT NOT NULL, key TEXT NOT NULL,"
                   " fingerprint TEXT NOT NULL, status INTEGER, body TEXT, headers TEXT,"
                   " created DOUBLE PRECISION NOT NULL, PRIMARY KEY (owner, key))")
        tx.execute("INSERT INTO idempotency_keys VALUES ('admin', 'k0', 'f', 201, '{}', '{}', 1)")
        tx.execute("DROP TABLE schema_versions")  # made before versions were kept
    old.close()

    upgraded = build_idempotency_store(store.settings)
    assert upgraded.get("admin", "k0") is not None
    assert upgraded.claim("admin", "k1", "f") is None
    upgraded.complete("admin", "k1", 201, b'{"name": "x"}', {})
    assert upgraded.get("admin", "k1").body == b'{"name": "x"}'  # type: ignore[union-attr]
    upgraded.close()


def test_after_erasure_no_table_file_or_view_holds_the_childs_personal_data(
        store: Store) -> None:
    child, _, _ = _paired_child(store.register)
    store.register.take_snapshot(child)
    idempotency = build_idempotency_store(store.settings)
    claimed = idempotency.claim("admin", "k1", "f")
    assert claimed is None
    idempotency.complete("admin", "k1", 201, f'{{"id": "{child}", "name": "王小花"}}'.encode(),
                         {})
    store.runner.catch_up_all()

    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    idempotency.redact(str(child))
    store.runner.catch_up_all()
    idempotency.close()
    store.runner.store.close()  # SQLite: the write-ahead logs are checkpointed and removed

    assert _found_in_the_store(store) == []


def test_an_erased_childs_contact_notes_read_as_erased_but_the_volunteer_keeps_theirs(
        store: Store) -> None:
    child, volunteer, pairing = _paired_child(store.register)

    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)

    assert store.register.get_pairing(pairing).contacts[0].notes == ERASED
    assert store.register.get_volunteer(volunteer).form.name == "刘爱华"


def test_a_register_rebuilt_after_erasure_shows_the_name_erased_and_the_same_count(
        store: Store) -> None:
    child, _, _ = _paired_child(store.register)
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)

    store.runner.rebuild(ChildrenRegister)
    with store.runner.store.recorder(ChildrenRegister).read() as tx:
        rows = list_children(tx, ChildFilter(left_behind=True), TODAY,
                             texts=store.runner.texts)
    assert [(row["child_id"], row["name"], row["active_pairings"]) for row in rows] == [
        (str(child), ERASED, 1)]


def test_the_hash_chain_still_verifies_after_erasure(store: Store) -> None:
    child, _, _ = _paired_child(store.register)
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    store.runner.catch_up_all()

    assert LogAudit.of(store.runner).verify().intact


def test_a_destroyed_key_is_never_made_again(store: Store) -> None:
    child, _, pairing = _paired_child(store.register)
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)

    store.register.record_contact(pairing, kind="phone", notes="王小花很好", actor=STAFF,
                                  occurred_on=date(2026, 5, 1))
    assert [c.notes for c in store.register.get_pairing(pairing).contacts] == [ERASED, ERASED]


def _found_in_the_store(store: Store) -> list[str]:
    """Each secret found in clear text anywhere in the store, with where."""
    if store.settings.store == "sqlite":
        return [f"{secret} in {path.name}" for path in _files(store.settings.data_dir)
                for secret in SECRETS if secret.encode() in path.read_bytes()]
    found = []
    schema = store.settings.postgres_schema
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema = %s OR table_schema LIKE %s", (schema, schema + "\\_%"),
        ).fetchall()
        assert len(tables) >= 4  # events, snapshots, keys (and the views once built)
        for table_schema, table in tables:
            for row in conn.execute(f'SELECT * FROM "{table_schema}"."{table}"').fetchall():
                for value in row:
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else (
                        str(value).encode())
                    found += [f"{secret} in {table}" for secret in SECRETS
                              if secret.encode() in raw]
    return found


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_an_erasure_in_another_process_is_followed_within_the_key_cache_time(
        store: Store) -> None:
    settings = store.settings.model_copy(update={"data_key_cache_seconds": 0.2})
    here, there = build_key_store(settings), build_key_store(settings)
    made = here.key_for_sealing("k-1", ["child-1"])
    assert made is not None and here.key("k-1") == made  # held in memory from now on
    there.shred("child-1")
    assert here.key("k-1") == made  # not asked again within the cache time
    time.sleep(0.25)
    assert here.key("k-1") is None and here.cipher("k-1") is None
    here.close()
    there.close()


def test_a_key_is_read_from_the_table_once_while_none_is_destroyed(store: Store) -> None:
    keys = build_key_store(store.settings.model_copy(update={"data_key_cache_seconds": 0.05}))
    made = keys.key_for_sealing("k-2", ["child-2"])
    with keys._tx() as tx:  # the wrapped key changed behind the cache's back
        tx.execute("UPDATE data_keys SET wrapped = 'x' WHERE key_id = 'k-2'")
    time.sleep(0.1)
    assert keys.key("k-2") == made  # no destruction since: the key held is still good
    keys.close()


def test_all_keys_are_held_after_one_read_and_open_the_log_without_another(
        store: Store) -> None:
    _paired_child(store.register)
    store.register.register_child(actor=STAFF, **child_record(name="李小明"))
    elsewhere = _another_process(store)
    elsewhere.personal_data.hold_keys()  # type: ignore[union-attr]
    reads = _count_key_reads(elsewhere)
    texts = [str(event.__dict__) for event in _whole_log(elsewhere)]
    assert reads() == 0
    assert any("李小明" in text for text in texts) and any("王小花" in text for text in texts)
    elsewhere.close()


def test_a_destroyed_key_is_held_as_destroyed(store: Store) -> None:
    child, _, _ = _paired_child(store.register)
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    elsewhere = _another_process(store)
    elsewhere.personal_data.hold_keys()  # type: ignore[union-attr]
    reads = _count_key_reads(elsewhere)
    texts = " ".join(str(event.__dict__) for event in _whole_log(elsewhere))
    assert "王小花" not in texts and ERASED in texts
    assert reads() == 0  # held as destroyed, not read again
    elsewhere.close()


def _another_process(store: Store) -> CareRegister:
    """A register as another process has it: no key held yet (nor let go for 10 minutes)."""
    settings = store.settings.model_copy(update={"data_key_cache_seconds": 600})
    return build_register(settings, clock=lambda: TODAY)


def _count_key_reads(register: CareRegister) -> Callable[[], int]:
    """From now on, count the transactions ``register``'s key store opens."""
    keys = register.personal_data.keys  # type: ignore[union-attr]
    opened, reads = keys._tx, [0]

    def counted(*args: object, **kwargs: object) -> object:
        reads[0] += 1
        return opened(*args, **kwargs)

    keys._tx = counted
    return lambda: reads[0]


def _whole_log(register: CareRegister) -> list[object]:
    return [register.mapper.to_domain_event(n)
            for n in register.recorder.select_notifications(start=1, limit=1000)]


def test_views_further_behind_than_a_rebuild_batch_hold_every_key_before_catching_up(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(2):  # two children: two national ID numbers
        body = f"4208212016052000{index}"
        _paired_child(store.register, id_number=body + check_character(body))
    held = _count_holding(store.register, monkeypatch)
    head = store.register.recorder.max_notification_id() or 0
    store.runner.batch_size, store.runner.rebuild_batch_size = 2, head - 1
    store.runner.catch_up_all()
    assert held() == 1


def test_views_within_a_rebuild_batch_of_the_log_read_keys_as_they_need_them(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _paired_child(store.register)
    held = _count_holding(store.register, monkeypatch)
    head = store.register.recorder.max_notification_id() or 0
    store.runner.batch_size, store.runner.rebuild_batch_size = 2, head  # many batches behind
    store.runner.catch_up_all()
    assert held() == 0


def _count_holding(register: CareRegister, monkeypatch: pytest.MonkeyPatch
                   ) -> Callable[[], int]:
    """From now on, count the times every key is read at once for ``register``'s texts."""
    texts = register.personal_data
    hold, calls = texts.hold_keys, [0]  # type: ignore[union-attr]

    def counted() -> None:
        calls[0] += 1
        hold()

    monkeypatch.setattr(texts, "hold_keys", counted)
    return lambda: calls[0]
