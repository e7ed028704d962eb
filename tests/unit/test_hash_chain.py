"""The hash chain's encoding: every stored field counts, and nothing else collides."""

from __future__ import annotations

from uuid import UUID

import pytest

from projections.integrity import GENESIS, event_digest, link

ID = UUID("12345678-1234-5678-1234-567812345678")
TOPIC = "domain.children:Child.Registered"


@pytest.mark.parametrize("altered", [
    (UUID(int=1), 1, TOPIC, b"state"),
    (ID, 2, TOPIC, b"state"),
    (ID, 1, TOPIC + "X", b"state"),
    (ID, 1, TOPIC, b"statf"),
], ids=["originator", "version", "topic", "state"])
def test_each_stored_field_changes_the_digest(altered: tuple[object, ...]) -> None:
    assert event_digest(*altered) != event_digest(ID, 1, TOPIC, b"state")


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
