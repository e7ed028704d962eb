"""The data keys (数据密钥) of a batch of new records are made together: one transaction of
the key store for a whole save, not one per record; a destroyed key is never made again; and
the ciphers a process keeps made on the keys are bounded, however many records there are.
On the real PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from eventsourcing.persistence import IntegrityError

from aixin.bootstrap import build_key_store, build_register
from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Child
from domain.errors import NotFound
from domain.personal import ERASED
from storage.privacy.keys import CIPHERS_HELD, KeyStore, LeastRecentlyUsed
from tests.builders import STAFF, TODAY, child_record
from tests.integration.test_encryption import _paired_child

pytestmark = pytest.mark.timeout(300)

BATCH = 25


@dataclass
class Store:
    settings: Settings
    register: CareRegister

    @property
    def keys(self) -> KeyStore:
        return self.register.personal_data.keys  # type: ignore[union-attr, no-any-return]

    def elsewhere(self) -> CareRegister:
        """The register as another process has it: no key held yet."""
        return build_register(self.settings, clock=lambda: TODAY)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest,
          make_settings: Callable[..., Settings]) -> Iterator[Store]:
    # Erasures are looked for once a minute: counted transactions are the store's own only.
    settings = make_settings(request.param, postgres_pool_size=1, data_key_cache_seconds=60)
    register = build_register(settings, clock=lambda: TODAY)
    yield Store(settings, register)
    register.close()


def _new_children(count: int) -> list[Child]:
    return [Child.register(today=TODAY, actor=STAFF, **child_record(name=f"王小花{n}"))
            for n in range(count)]


def _count_transactions(keys: KeyStore) -> Callable[[], list[bool]]:
    """From now on, note each transaction ``keys`` opens on its table (True: one that writes)."""
    opened, noted = keys._tx, []

    def counted(*, commit: bool = True) -> object:
        noted.append(commit)
        return opened(commit=commit)

    keys._tx = counted  # type: ignore[method-assign]
    return lambda: noted


def _stored_keys(keys: KeyStore, key_ids: list[str]) -> dict[str, str | None]:
    with keys._tx(commit=False) as tx:
        rows = tx.execute("SELECT key_id, wrapped FROM data_keys").all()
    return {row["key_id"]: row["wrapped"] for row in rows if row["key_id"] in key_ids}


def test_a_batch_of_new_children_has_its_keys_made_in_one_transaction(store: Store) -> None:
    children = _new_children(BATCH)
    store.keys.key("none")  # the store has looked for erasures: the minute starts now
    transactions = _count_transactions(store.keys)

    store.register.save(*children)

    assert transactions() == [True]
    made = _stored_keys(store.keys, [str(child.id) for child in children])
    assert len(made) == BATCH and all(made.values())


def test_the_children_of_a_batch_read_back_with_the_keys_made_for_it(store: Store) -> None:
    children = _new_children(3)
    store.register.save(*children)

    elsewhere = store.elsewhere()
    assert [elsewhere.get_child(child.id).name for child in children] == [
        "王小花0", "王小花1", "王小花2"]
    elsewhere.close()


def test_keys_made_already_are_not_made_again_by_a_later_save(store: Store) -> None:
    children = _new_children(3)
    store.register.save(*children)
    transactions = _count_transactions(store.keys)

    store.keys.make_keys({str(child.id): () for child in children})

    assert transactions() == []


def test_a_pairings_key_made_with_its_children_is_sealed_with_without_asking_again(
        store: Store) -> None:
    store.keys.make_keys({"pairing-1": ("child-1", "child-2")})
    transactions = _count_transactions(store.keys)

    assert store.keys.key_for_sealing("pairing-1", ["child-2", "child-1"]) is not None

    assert transactions() == []


def test_a_child_added_to_a_keys_subjects_is_tied_and_its_erasure_destroys_the_key(
        store: Store) -> None:
    store.keys.make_keys({"pairing-1": ("child-1",)})

    store.keys.key_for_sealing("pairing-1", ["child-1", "child-3"])

    assert store.keys.shred("child-3") == ["pairing-1"]
    assert store.keys.key_for_sealing("pairing-1", ["child-1"]) is None


def test_a_batch_never_makes_an_erased_childs_key_again(store: Store) -> None:
    erased = store.register.register_child(actor=STAFF, **child_record(name="李小明"))
    store.register.erase_personal_data(erased, reason="监护人撤回同意", actor=STAFF)
    elsewhere = store.elsewhere()  # holds no key: asks the table
    keys = elsewhere.personal_data.keys  # type: ignore[union-attr]
    newcomer = _new_children(1)[0]

    keys.make_keys({str(erased): (), str(newcomer.id): ()})

    assert keys.key(str(erased)) is None and keys.key(str(newcomer.id)) is not None
    assert _stored_keys(keys, [str(erased)]) == {str(erased): None}  # still a tombstone
    elsewhere.close()


def test_a_pairings_key_destroyed_with_its_child_is_not_made_again_by_a_later_save(
        store: Store) -> None:
    child, _, pairing = _paired_child(store.register, id_number="420821201605200035")
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    elsewhere = store.elsewhere()

    elsewhere.record_contact(pairing, kind="phone", notes="王小花很好", actor=STAFF,
                             occurred_on=date(2026, 5, 1))

    assert [c.notes for c in elsewhere.get_pairing(pairing).contacts] == [ERASED, ERASED]
    elsewhere.close()


def test_a_key_made_for_a_save_that_then_fails_is_left_unused_and_destroyed_by_an_erasure(
        store: Store) -> None:
    first = _new_children(1)[0]
    store.register.save(first)
    stale = store.register.repository.get(first.id)
    changed = store.register.repository.get(first.id)
    changed.correct(field="name", value="王晓花", reason="录入有误", today=TODAY, actor=STAFF)
    store.register.save(changed)
    stale.correct(field="name", value="王小华", reason="录入有误", today=TODAY, actor=STAFF)
    newcomer = _new_children(1)[0]

    with pytest.raises(IntegrityError):  # the log refuses the stale version: nothing saved
        store.register.save(newcomer, stale)

    with pytest.raises(NotFound):
        store.register.get_child(newcomer.id)
    assert _stored_keys(store.keys, [str(newcomer.id)])[str(newcomer.id)]  # made, unused
    assert store.keys.shred(str(newcomer.id)) == [str(newcomer.id)]


def test_the_ciphers_kept_made_never_exceed_their_bound(store: Store) -> None:
    keys = build_key_store(store.settings)
    key_ids = [f"k-{n}" for n in range(CIPHERS_HELD + 50)]
    keys.make_keys({key_id: () for key_id in key_ids})
    sealed = keys.cipher(key_ids[0]).encrypt(b"\0" * 12, "王小花".encode(), None)  # type: ignore[union-attr]

    for key_id in key_ids:
        assert keys.cipher(key_id) is not None
        assert keys.deterministic_cipher(key_id) is not None
        assert len(keys._ciphers) <= CIPHERS_HELD and len(keys._sivs) <= CIPHERS_HELD

    opened = keys.cipher(key_ids[0]).decrypt(b"\0" * 12, sealed, None)  # type: ignore[union-attr]
    assert opened.decode() == "王小花"  # let go and made again on the same key
    keys.close()


def test_the_ciphers_let_go_first_are_those_used_longest_ago() -> None:
    held: LeastRecentlyUsed[int] = LeastRecentlyUsed(2)
    held.put("a", 1)
    held.put("b", 2)
    held.get("a")

    held.put("c", 3)

    assert (held.get("a"), held.get("b"), held.get("c"), len(held)) == (1, None, 3, 2)

