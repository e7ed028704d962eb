"""A pairing's shape (结对形式): one to one, several volunteers to one child, one volunteer to
several children."""

from __future__ import annotations

import pytest

from domain.pairings import PairingShape


@pytest.mark.parametrize(("children", "volunteers", "shape"), [
    (1, 1, PairingShape.ONE_TO_ONE),
    (1, 3, PairingShape.MANY_TO_ONE),
    (4, 1, PairingShape.ONE_TO_MANY),
])
def test_the_shape_follows_from_how_many_children_and_volunteers(
        children: int, volunteers: int, shape: PairingShape) -> None:
    assert PairingShape.of(children, volunteers) is shape
