"""A correction's (更正) entry in the child's timeline is dated by the day it was recorded in
the programme's time zone (Beijing), as every other entry is: one recorded at 01:30 Beijing
time (17:30 UTC the day before) is of that Beijing day."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from domain.application import CareRegister
from domain.children import Child
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline, timeline
from tests.builders import STAFF, child_record


def test_a_correction_recorded_after_midnight_beijing_time_is_dated_that_day(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    child = register.repository.get(child_id)
    assert isinstance(child, Child)
    child.correct(field="name", value="王晓花", reason="建档时姓名录入错误",
                  today=register.today(), actor=STAFF)
    [event] = child.collect_events()
    early = dataclasses.replace(event, timestamp=datetime(2026, 6, 14, 17, 30, tzinfo=UTC))
    register.recorder.insert_events([register.mapper.to_stored_event(early)])
    runner.catch_up(ChildTimeline)
    with runner.store.recorder(ChildTimeline).read() as tx:
        days = [row["occurred_on"] for row in timeline(tx, child_id, limit=100)
                if row["event_type"] == "ChildCorrected"]
    assert days == ["2026-06-15"]
