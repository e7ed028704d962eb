"""The child's timeline (the audit trail), from hand-written event sequences, on both stores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from domain.application import CareRegister
from domain.children import Parent
from domain.common import Actor
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline, timeline
from storage.sql import Row
from tests.builders import MOTHER, STAFF, TEACHER, approved_volunteer, child_record

AUDITOR = Actor(id="auditor-1", role="auditor")


def approved(register: CareRegister) -> UUID:
    return approved_volunteer(register)


@dataclass(frozen=True)
class Story:
    """Two children paired with one caring mother (一对多), and what happened to them."""

    girl: UUID
    boy: UUID
    pairing: UUID
    started: datetime
    finished: datetime


def story(register: CareRegister) -> Story:
    started = datetime.now(UTC)
    girl = register.register_child(actor=STAFF, **child_record(
        name="王小花", id_number="420821201605200027"))
    boy = register.register_child(actor=STAFF, **child_record(name="王小明", sex="male"))
    volunteer = approved(register)
    register.change_parent(girl, Parent(role="mother", status="home"), actor=TEACHER,
                           on=date(2026, 4, 20), reason="返乡")
    pairing = register.form_pairing(child_ids=[girl, boy], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 4, 1), actor=STAFF)
    register.record_contact(pairing, kind="home_visit", notes="与祖母王桂兰交谈",
                            actor=MOTHER, occurred_on=date(2026, 5, 9), child_ids=[girl, boy])
    concern = register.report_concern(girl, kind="absence", description="王小花缺课两天",
                                      actor=TEACHER, occurred_on=date(2026, 5, 20))
    register.resolve_concern(girl, concern, action="已返校", actor=TEACHER,
                             on=date(2026, 5, 22))
    register.end_pairing(pairing, reason="调整", actor=STAFF, on=date(2026, 6, 1))
    register.exit_child(girl, reason="随父母迁出", actor=STAFF, on=date(2026, 6, 10))
    return Story(girl, boy, pairing, started, datetime.now(UTC))


def entries(runner: ViewRunner, child_id: UUID, **bounds: object) -> list[Row]:
    runner.catch_up_all()
    with runner.store.recorder(ChildTimeline).read() as tx:
        return timeline(tx, child_id, limit=1000, **bounds)  # type: ignore[arg-type]


def types(rows: list[Row]) -> list[str]:
    return [row["event_type"] for row in rows]


def test_a_childs_timeline_holds_its_own_its_pairings_and_its_concerns_events_in_log_order(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    assert types(entries(runner, s.girl)) == [
        "ChildRegistered", "ParentChanged", "PairingFormed", "ContactRecorded",
        "ConcernReported", "ConcernResolved", "PairingEnded", "ChildExited"]
    assert types(entries(runner, s.boy)) == [
        "ChildRegistered", "PairingFormed", "ContactRecorded", "PairingEnded"]


def test_each_entry_says_who_recorded_it_and_the_business_date_it_happened_on(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    assert [(r["actor_id"], r["actor_role"], r["occurred_on"])
            for r in entries(runner, s.girl)] == [
        ("staff-1", "federation", "2026-03-02"), ("teacher-1", "school", "2026-04-20"),
        ("staff-1", "federation", "2026-04-01"), ("volunteer-1", "volunteer", "2026-05-09"),
        ("teacher-1", "school", "2026-05-20"), ("teacher-1", "school", "2026-05-22"),
        ("staff-1", "federation", "2026-06-01"), ("staff-1", "federation", "2026-06-10")]


def test_each_entry_says_the_instant_it_was_recorded_in_iso_8601_with_offset(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    instants = [datetime.fromisoformat(r["recorded_at"]) for r in entries(runner, s.girl)]
    assert all(moment.utcoffset() is not None for moment in instants)
    assert instants == sorted(instants)
    assert s.started <= instants[0] and instants[-1] <= s.finished


def test_entries_carry_their_log_position_and_their_streams_version(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    rows = entries(runner, s.boy)
    log = {n.id: (n.originator_id, n.originator_version)
           for n in register.recorder.select_notifications(start=None, limit=1000)}
    assert [log[r["position"]] for r in rows] == [
        (UUID(r["aggregate_id"]), r["aggregate_version"]) for r in rows]
    assert [r["aggregate_id"] for r in rows] == [str(s.boy)] + [str(s.pairing)] * 3


def test_a_contact_appears_only_on_the_timelines_of_the_children_it_names(
        register: CareRegister, runner: ViewRunner) -> None:
    girl = register.register_child(actor=STAFF, **child_record(name="王小花"))
    boy = register.register_child(actor=STAFF, **child_record(name="王小明", sex="male"))
    pairing = register.form_pairing(child_ids=[girl, boy], volunteer_ids=[approved(register)],
                                    principle="nearby", starts_on=date(2026, 4, 1), actor=STAFF)
    register.record_contact(pairing, kind="phone", notes="", actor=MOTHER,
                            occurred_on=date(2026, 5, 12), child_ids=[boy])
    calls = [[r["occurred_on"] for r in entries(runner, child)
              if r["event_type"] == "ContactRecorded"] for child in (girl, boy)]
    assert calls == [[], ["2026-05-12"]]


def test_a_contact_appears_on_each_child_it_names_of_a_one_to_many_pairing(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    contacts = [[(r["position"], r["occurred_on"], r["details"]["kind"])
                 for r in entries(runner, child) if r["event_type"] == "ContactRecorded"]
                for child in (s.girl, s.boy)]
    assert contacts[0] == contacts[1]
    assert [(day, kind) for _, day, kind in contacts[0]] == [("2026-05-09", "home_visit")]


def test_details_keep_the_facts_but_no_names_phones_id_numbers_or_notes(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    rows = entries(runner, s.girl)
    text = json.dumps(rows, ensure_ascii=False, default=str)
    for secret in ("王小花", "王建国", "李秀英", "张桂兰", "13800000001", "13900000003",
                   "420821201605200027", "王桂兰", "缺课两天", "已返校"):
        assert secret not in text
    assert rows[1]["details"] == {"role": "mother", "status": "home", "reason": "返乡"}
    assert rows[4]["details"]["kind"] == "absence"


def test_the_timeline_is_bounded_by_business_date(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    assert types(entries(runner, s.girl, occurred_until=date(2026, 4, 30))) == [
        "ChildRegistered", "ParentChanged", "PairingFormed"]


def test_the_timeline_is_bounded_by_record_instant(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    then = datetime.now(UTC)
    register.change_parent(child_id, Parent(role="father", status="home"), actor=TEACHER,
                           on=date(2026, 3, 10))
    assert types(entries(runner, child_id, recorded_until=then)) == ["ChildRegistered"]
    assert len(entries(runner, child_id, recorded_until=datetime.now(UTC))) == 2


def test_the_timeline_pages_by_log_position(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    every = entries(runner, s.girl)
    runner.catch_up_all()
    with runner.store.recorder(ChildTimeline).read() as tx:
        first = timeline(tx, s.girl, limit=3)
        rest = timeline(tx, s.girl, after_position=first[-1]["position"], limit=100)
    assert first + rest == every


def test_a_read_of_the_record_appears_on_the_timeline(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.record_read(child_id, what="history", actor=AUDITOR, reason="季度督导")
    (read,) = entries(runner, child_id)[1:]
    assert (read["event_type"], read["actor_role"], read["details"]) == (
        "RecordWasRead", "auditor", {"what": "history", "reason": "季度督导"})


def test_a_rebuild_from_zero_gives_the_same_timeline(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)
    before = [entries(runner, child) for child in (s.girl, s.boy)]
    runner.rebuild(ChildTimeline)
    assert [entries(runner, child) for child in (s.girl, s.boy)] == before
    assert runner.store.current_generation("timeline") == 2


def test_an_instant_without_an_offset_is_refused(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    with pytest.raises(ValueError, match="offset"):
        entries(runner, child_id, recorded_until=datetime(2026, 6, 1, 12, 0))


def test_a_registration_on_the_timeline_names_both_parents_away_as_the_parents_say(
        register: CareRegister, runner: ViewRunner) -> None:
    s = story(register)  # both parents away, with no category typed in
    registration = entries(runner, s.boy)[0]
    assert registration["details"]["categories"] == ["both_parents_away"]
