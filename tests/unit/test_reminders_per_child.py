"""Reminders (履职提醒) and escalations (逾期上报) name the child the duty is owed to; issued once
per duty per period, never twice, including across the change to duties owed to each child."""

from __future__ import annotations

import json
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.persistence import Mapper, StoredEvent

from domain.common import SYSTEM
from domain.duties import DutyState, DutyStatus, Period, PeriodKind
from domain.reminders import DueDuty, Escalation, Reminder, reminder_id_for
from domain.transcodings import AixinTranscoder

NOVEMBER = Period(PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), "2026-11")
PAIRING, GIRL, BOY, MOTHER = uuid4(), uuid4(), uuid4(), uuid4()
TODAY = date(2026, 11, 23)


def due(children: tuple[UUID, ...], child: UUID) -> DueDuty:
    status = DutyStatus("monthly_contact", "每月至少联系一次孩子", DutyState.OVERDUE, NOVEMBER,
                        None, date(2026, 10, 1), "自2026-10-01起逾期：尚无符合条件的联系",
                        child_id=child)
    return DueDuty(pairing_id=PAIRING, child_ids=children, volunteer_ids=(MOTHER,),
                   region_code="420821101", school="石牌镇中心小学",
                   volunteer_region_codes=("420821",), status=status, on=TODAY, child_id=child)


def per_pairing_id(duty: str, period_start: date) -> UUID:
    """A reminder's id as it was derived when duties were judged per pairing."""
    return uuid5(NAMESPACE_URL, f"aixin:reminder:{PAIRING}/{duty}/{period_start.isoformat()}")


def stored_before_children_were_named(aggregate: Reminder | Escalation) -> StoredEvent:
    """Its first event as recorded before reminders named their child: version 1, no child."""
    mapper = Mapper(transcoder=AixinTranscoder())
    stored = mapper.to_stored_event(aggregate.collect_events()[0])
    state = json.loads(stored.state)
    del state["child_id"], state["class_version"]
    return StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                       json.dumps(state).encode())


def loaded(stored: StoredEvent) -> Reminder:
    return Mapper(transcoder=AixinTranscoder()).to_domain_event(stored).mutate(None)  # type: ignore[no-any-return]


def test_a_reminder_names_the_child_the_duty_is_owed_to() -> None:
    reminder = Reminder.issue(due((GIRL, BOY), BOY), today=TODAY, actor=SYSTEM)
    assert (reminder.child_id, reminder.children) == (BOY, (BOY,))


def test_a_pairing_of_one_child_keeps_the_reminder_ids_it_had_when_duties_were_per_pairing(
) -> None:
    reminder = Reminder.issue(due((GIRL,), GIRL), today=TODAY, actor=SYSTEM)
    assert reminder.id == per_pairing_id("monthly_contact", NOVEMBER.start)
    assert reminder.id == reminder_id_for(PAIRING, "monthly_contact", NOVEMBER.start)


def test_each_child_of_a_pairing_of_several_is_reminded_of_its_own_duty_once() -> None:
    girls, boys = (Reminder.issue(due((GIRL, BOY), child), today=TODAY, actor=SYSTEM)
                   for child in (GIRL, BOY))
    assert girls.id != boys.id
    assert per_pairing_id("monthly_contact", NOVEMBER.start) not in (girls.id, boys.id)
    again = Reminder.issue(due((GIRL, BOY), BOY), today=TODAY, actor=SYSTEM)
    assert again.id == boys.id  # the store refuses the second one: issued once


def test_a_reminder_recorded_before_duties_were_owed_to_each_child_loads_with_its_child(
) -> None:
    old = loaded(stored_before_children_were_named(
        Reminder.issue(due((GIRL,), GIRL), today=TODAY, actor=SYSTEM)))
    assert (old.child_id, old.children) == (GIRL, (GIRL,))


def test_a_reminder_recorded_per_pairing_of_several_children_is_about_all_of_them() -> None:
    old = loaded(stored_before_children_were_named(
        Reminder.issue(due((GIRL, BOY), GIRL), today=TODAY, actor=SYSTEM)))
    assert (old.child_id, old.children) == (None, (GIRL, BOY))


def test_an_escalation_names_its_child_and_keeps_its_id_for_a_pairing_of_one_child() -> None:
    one = Escalation.raise_for(due((GIRL,), GIRL), threshold_days=14, today=TODAY,
                               actor=SYSTEM)
    several = Escalation.raise_for(due((GIRL, BOY), BOY), threshold_days=14, today=TODAY,
                                   actor=SYSTEM)
    assert one.id == uuid5(NAMESPACE_URL, f"aixin:escalation:{PAIRING}/monthly_contact/2026-10-01")
    assert one.reminder_id == per_pairing_id("monthly_contact", NOVEMBER.start)
    assert (several.child_id, several.reminder_id) == (
        BOY, reminder_id_for(PAIRING, "monthly_contact", NOVEMBER.start, BOY))
    old = Mapper(transcoder=AixinTranscoder()).to_domain_event(
        stored_before_children_were_named(one))
    assert old.child_id == GIRL  # type: ignore[attr-defined]
