"""A record read only to check a rule (a caring mother's standing, read for each contact on
her pairings) is the register's cached record brought up to date from the log, not a copy
of it: what another process recorded since is seen, and nothing the reader does changes the
record the next command starts from, on each store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from aixin.bootstrap import build_register
from domain.application import CareRegister
from domain.errors import VolunteerNotInGoodStanding
from domain.volunteers import Volunteer
from tests.builders import MOTHER, STAFF, TODAY, approved_volunteer, child_record
from tests.integration.conftest import EACH_STORE

pytestmark = pytest.mark.parametrize("store", EACH_STORE, indirect=True)


def test_a_record_read_only_is_the_cached_record_not_a_copy(register: CareRegister) -> None:
    volunteer = approved_volunteer(register)

    assert register._read(Volunteer, volunteer) is register._read(Volunteer, volunteer)
    assert register._get(Volunteer, volunteer) is not register._get(Volunteer, volunteer)


def test_a_suspension_recorded_by_another_process_refuses_her_next_contact(
        register: CareRegister, store: str, make_settings: Callable[..., object]) -> None:
    volunteer = approved_volunteer(register)
    child = register.register_child(actor=STAFF, **child_record())
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    register.record_contact(pairing, kind="home_visit", notes="看望", actor=MOTHER,
                            occurred_on=date(2026, 4, 2), by_volunteer=volunteer)
    other = build_register(make_settings(store), clock=lambda: TODAY)  # type: ignore[arg-type]
    try:
        other.suspend_volunteer(volunteer, reason="长期未履职", actor=STAFF)
    finally:
        other.close()

    with pytest.raises(VolunteerNotInGoodStanding):
        register.record_contact(pairing, kind="home_visit", notes="看望", actor=MOTHER,
                                occurred_on=date(2026, 4, 9), by_volunteer=volunteer)
