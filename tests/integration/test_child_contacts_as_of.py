"""The contacts recorded on the child itself in its as-of history (历史回溯): a contact counts
on the days from the one it happened on, and as known from the instant it was recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.application import CareRegister
from tests.builders import STAFF, TEACHER, child_record


def test_the_childs_record_as_of_a_day_holds_the_contacts_that_happened_by_then(
        register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record())
    for day, kind in ((date(2026, 4, 8), "talk"), (date(2026, 5, 12), "home_visit")):
        register.record_child_contact(child, kind=kind, notes="", actor=TEACHER,
                                      occurred_on=day)
    on = register.child_as_of(child, date(2026, 4, 30))
    assert [(c.occurred_on, c.kind) for c in on.contacts] == [(date(2026, 4, 8), "talk")]


def test_a_contact_recorded_late_is_not_in_the_record_as_known_before_it_was_recorded(
        register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record())
    then = datetime.now(UTC)
    register.record_child_contact(child, kind="talk", notes="补录", actor=TEACHER,
                                  occurred_on=date(2026, 4, 8))
    assert register.child_as_of(child, date(2026, 4, 30), known_at=then).contacts == ()
    assert len(register.child_as_of(child, date(2026, 4, 30)).contacts) == 1
