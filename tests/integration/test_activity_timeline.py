"""A group activity on the timelines of the children it reached (集体活动, 慰问), and what an
erasure of one of them leaves readable of it; on SQLite, personal texts sealed."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.access.caller import Caller
from domain.application import CareRegister
from domain.personal import ERASED
from domain.users import Role
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline, timeline
from tests.builders import STAFF, child_record

ADMIN = Caller("admin-1", Role.ADMIN)


def child(register: CareRegister, name: str) -> UUID:
    return register.register_child(actor=STAFF, **child_record(name=name))


def entries(runner: ViewRunner, child_id: UUID, event: str) -> list[dict]:
    runner.catch_up_all()
    with runner.store.recorder(ChildTimeline).read() as tx:
        return [row for row in timeline(tx, child_id) if row["event_type"] == event]


def held(register: CareRegister, children: list[UUID]) -> UUID:
    return register.record_activity(kind="material_aid", title="六一慰问", child_ids=children,
                                    organiser="县妇联", actor=STAFF,
                                    occurred_on=date(2026, 6, 1), items=4, amount_yuan="80")


def test_each_child_reached_has_the_activity_on_its_timeline_once(
        register: CareRegister, runner: ViewRunner) -> None:
    a, b = child(register, "甲"), child(register, "乙")
    activity = held(register, [a, b])
    for child_id in (a, b):
        (entry,) = entries(runner, child_id, "ActivityRecorded")
        assert (entry["aggregate_id"], entry["occurred_on"]) == (str(activity), "2026-06-01")
        assert entry["details"] == {"activity_id": str(activity), "kind": "material_aid",
                                    "title": "六一慰问", "organiser": "县妇联", "items": 4,
                                    "amount_yuan": "80.00", "children": 2}


def test_erasing_one_child_erases_the_reason_for_a_cancellation_wherever_it_is_read(
        register: CareRegister, runner: ViewRunner) -> None:
    a, b = child(register, "甲"), child(register, "乙")
    activity = held(register, [a, b])
    register.cancel_activity(activity, reason="重复录入", actor=STAFF)
    assert [e["details"]["reason"] for e in entries(runner, b, "ActivityCancelled")] == [
        "重复录入"]
    register.erase_personal_data(a, reason="监护人撤回同意", actor=STAFF)
    assert [e["details"]["reason"] for e in entries(runner, b, "ActivityCancelled")] == [ERASED]
    read = register.read_activity(ADMIN, activity, paired=lambda _: ())
    assert (read.child_ids, read.cancel_reason, read.title) == ((b,), ERASED, "六一慰问")
