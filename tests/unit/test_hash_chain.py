"""The hash chain's encoding: every stored field counts, and nothing else collides."""

from __future__ import annotations

from uuid import UUID

import pytest

from projections.integrity import GENESIS, event_digest, link, stored_digest

ID = UUID("12345678-1234-5678-1234-567812345678")
TOPIC = "domain.children:Child.Registered"
#: The digest of (ID, 1, TOPIC, b"state"), as chains already written hold it.
GENUINE_DIGEST = "afb70cd29b797b93b7c5032fe89007b21808e4db989ca2f415a9d16912ba143f"


@pytest.mark.parametrize("altered", [
    (UUID(int=1), 1, TOPIC, b"state"),
    (ID, 2, TOPIC, b"state"),
    (ID, 1, TOPIC + "X", b"state"),
    (ID, 1, TOPIC, b"statf"),
], ids=["originator", "version", "topic", "state"])
def test_each_stored_field_changes_the_digest(altered: tuple[object, ...]) -> None:
    assert event_digest(*altered) != event_digest(ID, 1, TOPIC, b"state")


class Stored:
    def __init__(self, originator_id: object, originator_version: object, topic: object,
                 state: object) -> None:
        self.originator_id, self.originator_version = originator_id, originator_version
        self.topic, self.state = topic, state


@pytest.mark.parametrize("fields", [
    (ID, 1, TOPIC, b"state"),
    (ID, 2**63 - 1, "\ud800 话题", b""),
    (ID, -2**63, TOPIC, bytes(300)),
    (ID, 2**63, TOPIC, b"state"),
    (ID, True, TOPIC, b"state"),
    (str(ID), 1, TOPIC, b"state"),
    (ID, 1, TOPIC, "state"),
    (ID, 1, TOPIC, None),
    (ID, 1, TOPIC, bytearray(b"state")),
], ids=["genuine", "widest", "narrowest", "too-wide", "bool", "id-as-text", "state-as-text",
        "no-state", "bytearray"])
def test_a_stored_row_digests_as_its_fields_do(fields: tuple[object, ...]) -> None:
    assert stored_digest(Stored(*fields)) == event_digest(*fields)  # type: ignore[arg-type]


def test_a_genuine_row_digests_as_chains_already_written_hold_it() -> None:
    assert stored_digest(Stored(ID, 1, TOPIC, b"state")).hex() == GENUINE_DIGEST


def test_a_field_moved_across_a_boundary_changes_the_digest() -> None:
    assert event_digest(ID, 1, "ab", b"c") != event_digest(ID, 1, "a", b"bc")


def test_a_state_altered_into_text_or_null_never_digests_like_the_bytes() -> None:
    genuine = event_digest(ID, 1, TOPIC, b"state")
    assert genuine not in {event_digest(ID, 1, TOPIC, "state"),
                           event_digest(ID, 1, TOPIC, None)}


def test_each_hash_of_the_chain_depends_on_every_entry_before_it() -> None:
    first, second = event_digest(ID, 1, TOPIC, b"a"), event_digest(ID, 2, TOPIC, b"b")
    other = event_digest(ID, 1, TOPIC, b"x")
    assert link(link(GENESIS, first), second) != link(link(GENESIS, other), second)
