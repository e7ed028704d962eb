"""Contacts name their children; duties are owed to each child (联系涉及的孩子，责任到每个孩子)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent

from domain.children import Child
from domain.duties import DutyState, rules_for
from domain.duties.rules import STANDARD_CONTACT_KINDS
from domain.errors import InvalidRecord, PairingHasEnded, VolunteerNotInGoodStanding
from domain.pairings import Contact, Pairing, check_in_good_standing, duties_owed
from domain.transcodings import AixinTranscoder
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form

KINDS = frozenset(STANDARD_CONTACT_KINDS)
STARTS = date(2026, 3, 10)
FIVE_ONES = rules_for(["five_ones"])


def a_child(name: str = "王小花") -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(name=name))


def a_volunteer(*, approved: bool = True) -> Volunteer:
    volunteer = Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS,
                                applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)
    for level in APPROVAL_LEVELS if approved else ():
        volunteer.review(level=level, decision="approve", opinion="同意", on=date(2026, 2, 1),
                         today=TODAY, actor=REVIEWERS[level])
    return volunteer


def paired(children: int = 2, volunteers: list[Volunteer] | None = None) -> Pairing:
    return Pairing.form(children=[a_child(f"孩子{n}") for n in range(children)],
                        volunteers=volunteers or [a_volunteer()], principle="nearby",
                        agreement_signed_on=STARTS, starts_on=STARTS,
                        duty_sets=("five_ones",), today=TODAY, actor=STAFF)


def call(pairing: Pairing, on: date, **kw: Any) -> str:
    return pairing.record_contact(kind=kw.pop("kind", "phone"), occurred_on=on, notes="通话",
                                  today=TODAY, actor=MOTHER, known_kinds=KINDS, **kw)


def monthly_contact(pairing: Pairing, on: date) -> dict[object, DutyState]:
    return {s.child_id: s.status for s in duties_owed(pairing, FIVE_ONES, on)
            if s.name == "monthly_contact"}


def test_a_contact_on_a_pairing_of_one_child_names_that_child() -> None:
    pairing = paired(children=1)
    call(pairing, date(2026, 3, 15))
    assert pairing.contacts[0].child_ids == pairing.child_ids


def test_a_contact_on_a_pairing_of_several_children_must_name_them() -> None:
    pairing = paired(children=2)
    with pytest.raises(InvalidRecord, match="child_ids"):
        call(pairing, date(2026, 3, 15))
    assert pairing.contacts == []


def test_a_contact_names_only_children_of_its_pairing() -> None:
    pairing, stranger = paired(children=2), a_child("别人家的孩子")
    with pytest.raises(InvalidRecord, match="child_ids"):
        call(pairing, date(2026, 3, 15), child_ids=[pairing.child_ids[0], stranger.id])


def test_a_contact_names_each_child_once() -> None:
    pairing = paired(children=2)
    first = pairing.child_ids[0]
    with pytest.raises(InvalidRecord, match="child_ids"):
        call(pairing, date(2026, 3, 15), child_ids=[first, first])


def test_a_contact_names_its_children_in_the_pairings_order() -> None:
    pairing = paired(children=3)
    call(pairing, date(2026, 3, 15), child_ids=list(reversed(pairing.child_ids[1:])))
    assert pairing.contacts[0].child_ids == pairing.child_ids[1:]


def test_a_call_to_one_child_does_not_meet_the_other_childs_monthly_contact() -> None:
    pairing = paired(children=2)
    first, second = pairing.child_ids
    call(pairing, date(2026, 3, 15), child_ids=[first])
    assert monthly_contact(pairing, date(2026, 3, 20)) == {first: DutyState.MET,
                                                           second: DutyState.DUE}


def test_a_contact_naming_both_children_meets_the_monthly_contact_of_each() -> None:
    pairing = paired(children=2)
    call(pairing, date(2026, 3, 15), child_ids=list(pairing.child_ids))
    assert set(monthly_contact(pairing, date(2026, 3, 20)).values()) == {DutyState.MET}


def test_each_childs_duties_are_listed_by_child_in_the_pairings_order_then_by_duty() -> None:
    pairing = paired(children=2)
    statuses = duties_owed(pairing, FIVE_ONES, date(2026, 3, 20))
    rules = [rule.name for rule in FIVE_ONES]
    assert [(s.child_id, s.name) for s in statuses] == [
        (child, rule) for child in pairing.child_ids for rule in rules]


def test_a_contacts_children_are_every_child_of_the_pairing_when_it_names_none() -> None:
    pairing = paired(children=2)
    old = Contact("c1", "phone", date(2026, 3, 15), "", MOTHER.id)
    assert old.concerns(pairing.child_ids) == pairing.child_ids
    named = Contact("c2", "phone", date(2026, 3, 15), "", MOTHER.id,
                    child_ids=pairing.child_ids[:1])
    assert named.concerns(pairing.child_ids) == pairing.child_ids[:1]


def _without_child_ids(stored: StoredEvent) -> StoredEvent:
    """The contact as recorded before contacts named their children: no ``child_ids``."""
    state = json.loads(stored.state)
    del state["contact"]["_data_"]["child_ids"]
    return StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                       json.dumps(state).encode())


def test_a_contact_recorded_before_contacts_named_children_concerns_every_child() -> None:
    pairing = paired(children=2)
    call(pairing, date(2026, 3, 15), child_ids=[pairing.child_ids[0]])
    mapper = Mapper(transcoder=AixinTranscoder())
    formed, contact = (mapper.to_stored_event(e) for e in pairing.collect_events())
    old = _without_child_ids(contact)
    assert b"child_ids" not in old.state

    loaded: Pairing | None = None
    for stored in (formed, old):
        loaded = mapper.to_domain_event(stored).mutate(loaded)  # type: ignore[assignment]
    assert loaded is not None
    assert loaded.contacts[0].child_ids == ()
    assert loaded.contacts_naming(pairing.child_ids[1]) == tuple(loaded.contacts)
    assert set(monthly_contact(loaded, date(2026, 3, 20)).values()) == {DutyState.MET}


def test_a_suspended_volunteer_records_no_contacts() -> None:
    volunteer = a_volunteer()
    pairing = paired(children=1, volunteers=[volunteer])
    volunteer.suspend(reason="外出务工", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    with pytest.raises(VolunteerNotInGoodStanding, match="不能记录联系") as refused:
        call(pairing, date(2026, 4, 2), volunteers=[volunteer], by_volunteer=volunteer.id)
    assert refused.value.rule == "volunteer_not_in_good_standing"
    assert pairing.contacts == []


def test_a_disqualified_volunteer_records_no_contacts() -> None:
    volunteer = a_volunteer()
    volunteer.disqualify(reason="未履行职责", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    with pytest.raises(VolunteerNotInGoodStanding):
        check_in_good_standing([volunteer], volunteer.id)


def test_a_rejected_volunteer_records_no_contacts() -> None:
    volunteer = a_volunteer(approved=False)
    volunteer.review(level="unit", decision="reject", opinion="不同意", on=date(2026, 2, 1),
                     today=TODAY, actor=REVIEWERS["unit"])
    with pytest.raises(VolunteerNotInGoodStanding):
        check_in_good_standing([volunteer], volunteer.id)


def test_a_volunteer_in_good_standing_records_contacts_beside_a_suspended_one() -> None:
    suspended, active = a_volunteer(), a_volunteer()
    suspended.suspend(reason="外出务工", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    check_in_good_standing([suspended, active], active.id)
    with pytest.raises(VolunteerNotInGoodStanding):
        check_in_good_standing([suspended, active], suspended.id)


def test_staff_record_no_contacts_on_a_pairing_with_no_volunteer_in_good_standing() -> None:
    volunteer = a_volunteer()
    pairing = paired(children=1, volunteers=[volunteer])
    volunteer.suspend(reason="外出务工", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    with pytest.raises(VolunteerNotInGoodStanding, match="没有在册有效的志愿者"):
        call(pairing, date(2026, 4, 2), volunteers=[volunteer])


def test_staff_record_contacts_while_one_volunteer_of_the_pairing_is_in_good_standing() -> None:
    suspended, active = a_volunteer(), a_volunteer()
    pairing = paired(children=1, volunteers=[suspended, active])
    suspended.suspend(reason="外出务工", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    call(pairing, date(2026, 4, 2), volunteers=[suspended, active])
    assert len(pairing.contacts) == 1


def test_a_snapshot_taken_before_contacts_named_children_loads_its_contacts_for_every_child(
) -> None:
    pairing = paired(children=2)
    call(pairing, date(2026, 3, 15), child_ids=[pairing.child_ids[0]])
    mapper = Mapper(transcoder=AixinTranscoder())
    stored = mapper.to_stored_event(Snapshot.take(pairing))
    state = json.loads(stored.state)
    for contact in state["state"]["contacts"]:
        del contact["_data_"]["child_ids"]
    old = StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                      json.dumps(state).encode())
    loaded: Pairing = mapper.to_domain_event(old).mutate(None)  # type: ignore[assignment]
    assert loaded.contacts[0].child_ids == ()
    assert loaded.contacts_naming(pairing.child_ids[1]) == tuple(loaded.contacts)


def test_a_pairing_ended_when_its_volunteer_was_disqualified_says_it_has_ended() -> None:
    volunteer = a_volunteer()
    pairing = paired(children=1, volunteers=[volunteer])
    volunteer.disqualify(reason="未履行职责", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    pairing.end(reason="志愿者已被取消资格", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    with pytest.raises(PairingHasEnded):
        call(pairing, date(2026, 3, 20), volunteers=[volunteer])
