"""The copy of a pairing a command works on (the register's cache hands out a deep copy)
shares the contacts already recorded, which never change, and has a list of its own: a
contact recorded on the copy is not on the cached pairing until it is saved and read."""

from __future__ import annotations

import copy
from datetime import date

from tests.unit.test_contacts_name_children import call, paired


def test_a_copy_of_a_pairing_shares_its_recorded_contacts() -> None:
    pairing = paired(children=1)
    call(pairing, date(2026, 3, 15))

    copied = copy.deepcopy(pairing)

    assert copied.contacts[0] is pairing.contacts[0]


def test_a_contact_recorded_on_the_copy_is_not_on_the_pairing_it_was_copied_from() -> None:
    pairing = paired(children=1)
    call(pairing, date(2026, 3, 15))
    copied = copy.deepcopy(pairing)

    call(copied, date(2026, 3, 20))

    assert [c.occurred_on for c in pairing.contacts] == [date(2026, 3, 15)]
    assert [c.occurred_on for c in copied.contacts] == [date(2026, 3, 15), date(2026, 3, 20)]
