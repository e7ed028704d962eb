"""A contact stored before contacts named their children (its event has no ``child_ids``) loads
from the real store as it was, and concerns every child of its pairing: in the pairing's duties,
the duty view, the timeline and the quarterly report's duties. On each store."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.application import CareRegister
from domain.pairings import Contact, Pairing
from projections.duties import DutyView, duties_of
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline, timeline
from tests.builders import MOTHER, STAFF, approved_volunteer, child_record
from tests.integration.conftest import EACH_STORE


@pytest.fixture(params=EACH_STORE)
def store(request: pytest.FixtureRequest) -> str:
    """Each test of this module on SQLite and on PostgreSQL: the stored shape is the point."""
    return str(request.param)


def with_an_old_contact(register: CareRegister) -> tuple[UUID, UUID, UUID]:
    """Two children paired from 10 March, and a call of 15 April stored in the old shape."""
    girl = register.register_child(actor=STAFF, **child_record(name="王小花"))
    boy = register.register_child(actor=STAFF, **child_record(name="王小明", sex="male"))
    pairing_id = register.form_pairing(child_ids=[girl, boy],
                                       volunteer_ids=[approved_volunteer(register)],
                                       principle="nearby", starts_on=date(2026, 3, 10),
                                       actor=STAFF)
    pairing = register.repository.get(pairing_id)
    assert isinstance(pairing, Pairing)
    pairing._contact_recorded(contact=Contact("recorded-long-ago", "phone", date(2026, 4, 15),
                                              "电话询问学习情况", MOTHER.id), actor=MOTHER)
    [event] = pairing.collect_events()
    stored = register.mapper.to_stored_event(event)
    state = json.loads(stored.state)
    del state["contact"]["_data_"]["child_ids"]  # the shape before contacts named children
    register.recorder.insert_events([StoredEvent(
        stored.originator_id, stored.originator_version, stored.topic,
        json.dumps(state).encode())])
    return girl, boy, pairing_id


def test_a_contact_stored_before_contacts_named_children_meets_every_childs_duty(
        register: CareRegister, runner: ViewRunner) -> None:
    girl, boy, pairing_id = with_an_old_contact(register)
    view = register.get_pairing(pairing_id)
    assert view.contacts[0].child_ids == (girl, boy)
    monthly = {s.child_id: s.status.value for s in register.pairing_duties(
        pairing_id, date(2026, 4, 20)) if s.name == "monthly_contact"}
    assert monthly == {girl: "met", boy: "met"}
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        rows = duties_of(tx, pairing_id)
    assert {row["child_id"]: row["last_qualifying_contact"] for row in rows
            if row["name"] == "monthly_contact"} == {str(girl): "2026-04-15",
                                                     str(boy): "2026-04-15"}


def test_a_contact_stored_before_contacts_named_children_is_on_every_childs_timeline(
        register: CareRegister, runner: ViewRunner) -> None:
    girl, boy, _ = with_an_old_contact(register)
    runner.catch_up(ChildTimeline)
    with runner.store.recorder(ChildTimeline).read() as tx:
        calls = [[row["occurred_on"] for row in timeline(tx, child, limit=100)
                  if row["event_type"] == "ContactRecorded"] for child in (girl, boy)]
    assert calls == [["2026-04-15"], ["2026-04-15"]]
