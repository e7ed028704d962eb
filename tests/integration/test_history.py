"""As-of replay: a record on a business date as known at an instant, on both stores.

"As known then" is captured as ``datetime.now(UTC)`` between two recordings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain.application import CareRegister
from domain.children import Guardian, Parent
from domain.errors import NotFound
from tests.builders import MOTHER, STAFF, TEACHER, approved_volunteer, child_record


def approved(register: CareRegister) -> UUID:
    return approved_volunteer(register)


def paired(register: CareRegister) -> UUID:
    """A pairing under the "five ones" (五个一), from 1 April 2026."""
    child_id = register.register_child(actor=STAFF, **child_record())
    return register.form_pairing(child_ids=[child_id], volunteer_ids=[approved(register)],
                                 principle="nearby", starts_on=date(2026, 4, 1),
                                 duty_sets=["five_ones"], actor=STAFF)


def now() -> datetime:
    return datetime.now(UTC)


def test_a_late_recorded_contact_counts_as_known_now_but_not_as_known_then(
        register: CareRegister) -> None:
    pairing_id = paired(register)
    register.record_contact(pairing_id, kind="phone", notes="", actor=MOTHER,
                            occurred_on=date(2026, 5, 9))
    then = now()
    register.record_contact(pairing_id, kind="meeting", notes="补录", actor=MOTHER,
                            occurred_on=date(2026, 4, 12))
    as_known_then = register.pairing_as_of(pairing_id, date(2026, 5, 31), known_at=then)
    as_known_now = register.pairing_as_of(pairing_id, date(2026, 5, 31))
    assert [c.occurred_on for c in as_known_then.contacts] == [date(2026, 5, 9)]
    assert [c.occurred_on for c in as_known_now.contacts] == [date(2026, 4, 12),
                                                              date(2026, 5, 9)]


def test_a_duty_overdue_as_known_then_is_due_as_known_now_after_a_late_contact(
        register: CareRegister) -> None:
    pairing_id = paired(register)
    then = now()
    register.record_contact(pairing_id, kind="meeting", notes="补录", actor=MOTHER,
                            occurred_on=date(2026, 4, 12))

    def monthly_contact(known_at: datetime | None) -> tuple[str, date | None]:
        duties = register.pairing_duties_as_of(pairing_id, date(2026, 5, 5), known_at)
        (duty,) = [d for d in duties if d.name == "monthly_contact"]
        return duty.status.value, duty.overdue_since

    assert monthly_contact(then) == ("overdue", date(2026, 5, 1))
    assert monthly_contact(None) == ("due", None)


def test_a_corrected_guardian_change_reads_differently_as_known_then_and_now(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.change_guardian(child_id, Guardian(name="王芳", relation="姑姑"), actor=TEACHER,
                             on=date(2026, 4, 1))
    then = now()
    register.change_guardian(child_id, Guardian(name="王德福", relation="祖父"),
                             actor=TEACHER, on=date(2026, 4, 1), reason="更正：录入有误")
    as_known_then = register.child_as_of(child_id, date(2026, 4, 30), known_at=then)
    as_known_now = register.child_as_of(child_id, date(2026, 4, 30))
    assert as_known_then.guardian is not None and as_known_then.guardian.relation == "aunt"
    assert as_known_now.guardian is not None and as_known_now.guardian.relation == "grandfather"
    assert (as_known_then.version, as_known_now.version) == (2, 3)


def test_the_guardian_before_a_change_is_the_one_on_earlier_dates(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.change_guardian(child_id, Guardian(name="王芳", relation="姑姑"), actor=TEACHER,
                             on=date(2026, 4, 1))
    before = register.child_as_of(child_id, date(2026, 3, 31))
    assert before.guardian is not None and before.guardian.relation == "grandmother"


def test_a_child_stops_being_left_behind_on_the_sixteenth_birthday_in_the_replay(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(
        birth_date=date(2010, 5, 20), registered_on=date(2026, 1, 5)))
    assert register.child_as_of(child_id, date(2026, 5, 19)).left_behind
    assert not register.child_as_of(child_id, date(2026, 5, 20)).left_behind


def test_a_parent_coming_home_ends_left_behind_from_that_day_in_the_replay(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.change_parent(child_id, Parent(role="mother", status="home"), actor=TEACHER,
                           on=date(2026, 5, 1), reason="返乡")
    assert register.child_as_of(child_id, date(2026, 4, 30)).left_behind
    assert not register.child_as_of(child_id, date(2026, 5, 1)).left_behind


def test_a_parents_return_recorded_late_is_unknown_as_known_before_it_was_recorded(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    then = now()
    register.change_parent(child_id, Parent(role="mother", status="home"), actor=TEACHER,
                           on=date(2026, 5, 1), reason="补录")
    assert register.child_as_of(child_id, date(2026, 5, 10), known_at=then).left_behind
    assert not register.child_as_of(child_id, date(2026, 5, 10)).left_behind


def test_a_child_not_yet_registered_at_known_at_is_not_found(register: CareRegister) -> None:
    before = now()
    child_id = register.register_child(actor=STAFF, **child_record())
    with pytest.raises(NotFound):
        register.child_as_of(child_id, date(2026, 5, 1), known_at=before)


def test_an_id_of_another_kind_is_not_found(register: CareRegister) -> None:
    pairing_id = paired(register)
    with pytest.raises(NotFound):
        register.child_as_of(pairing_id, known_at=now())


def test_concerns_and_an_exit_dated_after_as_of_do_not_count(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    early = register.report_concern(child_id, kind="absence", description="缺课",
                                    actor=TEACHER, occurred_on=date(2026, 4, 1))
    register.resolve_concern(child_id, early, action="已返校", actor=TEACHER,
                             on=date(2026, 4, 20))
    register.report_concern(child_id, kind="illness", description="发烧", actor=TEACHER,
                            occurred_on=date(2026, 5, 2))
    register.exit_child(child_id, reason="迁出", actor=STAFF, on=date(2026, 6, 1))
    view = register.child_as_of(child_id, date(2026, 4, 10))
    assert [(c.kind, c.is_open) for c in view.concerns] == [("absence", True)]
    assert (view.status, view.exited_on, view.exit_reason) == ("active", None, "")


def test_a_pairing_counts_as_ended_only_from_its_end_date(register: CareRegister) -> None:
    pairing_id = paired(register)
    register.end_pairing(pairing_id, reason="调整", actor=STAFF, on=date(2026, 6, 1))
    assert register.pairing_as_of(pairing_id, date(2026, 5, 31)).status == "active"
    ended = register.pairing_as_of(pairing_id, date(2026, 6, 1))
    assert (ended.status, ended.ended_on) == ("ended", date(2026, 6, 1))


def test_the_version_known_at_each_instant_is_found_across_snapshots(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    instants = [now()]
    for n in range(59):  # a snapshot is taken at version 50
        register.change_categories(child_id, ["poor_family"] if n % 2 else [], actor=TEACHER,
                                   on=date(2026, 3, 2))
        instants.append(now())
    for version in (1, 2, 17, 30, 49, 50, 51, 60):
        replayed = register.child_as_of(child_id, date(2026, 3, 2),
                                        known_at=instants[version - 1])
        assert replayed.version == version
        # both parents away throughout: derived from the parents, beside what was typed
        assert replayed.categories == (("both_parents_away",) if version % 2 == 0
                                       or version == 1
                                       else ("both_parents_away", "poor_family"))
