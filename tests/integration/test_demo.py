"""The demo county (``aixin demo``): a small county built from a seed, through the use cases,
holds every shape the programme has, and the same seed builds the same register."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from aixin.bootstrap import build_register, build_report_store, build_runner
from aixin.commands import app
from aixin.demo.build import StoreNotEmpty, build_demo
from aixin.settings import Settings
from domain.application import CareRegister
from domain.events import (
    ActivityRecorded,
    ChildContactRecorded,
    ChildExited,
    ChildRegistered,
    ConcernReported,
    ConcernResolved,
    ContactRecorded,
    GuardianChanged,
    PairingEnded,
    PairingFormed,
    ParentChanged,
    ReminderIssued,
    ReportCompleted,
    VolunteerCommended,
    VolunteerDisqualified,
    VolunteerReviewed,
    VolunteerSuspended,
)
from domain.schools import EnrolmentRecorded
from tests.conftest import postgres_params

pytestmark = pytest.mark.xdist_group("demo")  # one county (module fixture): one process

TODAY = date(2026, 6, 15)
CHINA = ZoneInfo("Asia/Shanghai")
SEED = 7


def sqlite_settings(folder: Path) -> Settings:
    return Settings(store="sqlite", data_dir=folder)  # type: ignore[call-arg]


def events_of(register: CareRegister) -> list[Any]:
    """Every event in the log, in order, as domain events."""
    found: list[Any] = []
    start = 0
    while True:
        page = register.recorder.select_notifications(start=start, limit=1000,
                                                      inclusive_of_start=False)
        if not page:
            return found
        found += [register.mapper.to_domain_event(n) for n in page]
        start = page[-1].id


@dataclasses.dataclass
class Built:
    settings: Settings
    register: CareRegister
    events: list[Any]

    def of(self, *kinds: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kinds)]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """A county of 200 children up to 15 June 2026, on SQLite."""
    settings = sqlite_settings(tmp_path_factory.mktemp("demo") / "var")
    build_demo(settings, seed=SEED, children=200, today=TODAY)
    register = build_register(settings, clock=lambda: TODAY)
    yield Built(settings, register, events_of(register))
    register.close()


def recorded_on(event: Any) -> date:
    return event.timestamp.astimezone(CHINA).date()


def test_every_pairing_shape_and_principle_is_present(county: Built) -> None:
    pairings = [county.register.get_pairing(e.originator_id) for e in county.of(PairingFormed)]
    assert {p.shape for p in pairings} == {"one_to_one", "many_to_one", "one_to_many"}
    assert {p.principle for p in pairings} == {"nearby", "kin", "need"}


def test_volunteers_are_approved_level_by_level_and_some_are_rejected(county: Built) -> None:
    reviews = county.of(VolunteerReviewed)
    assert {e.level for e in reviews} == {"unit", "county", "city", "province"}
    assert any(e.decision == "reject" for e in reviews)
    statuses = {county.register.get_volunteer(v).status
                for v in {e.originator_id for e in reviews}}
    assert {"approved", "rejected"} <= statuses


def test_one_volunteer_is_disqualified_and_the_policy_ends_the_pairings(county: Built) -> None:
    [disqualified] = county.of(VolunteerDisqualified)
    theirs = [e.originator_id for e in county.of(PairingFormed)
              if disqualified.originator_id in e.volunteer_ids]
    assert theirs
    for pairing_id in theirs:
        pairing = county.register.get_pairing(pairing_id)
        assert pairing.status == "ended" and "取消资格" in pairing.end_reason


def test_volunteers_are_suspended_and_commended(county: Built) -> None:
    assert county.of(VolunteerSuspended)
    assert county.of(VolunteerCommended)


def test_some_duties_are_overdue_today(county: Built) -> None:
    active = [p.id for p in (county.register.get_pairing(e.originator_id)
                             for e in county.of(PairingFormed)) if p.status == "active"]
    statuses = [duty.status.value for pairing_id in active
                for duty in county.register.pairing_duties(pairing_id, TODAY)]
    assert "overdue" in statuses and "met" in statuses


def test_townships_hold_group_activities_with_items_and_money(county: Built) -> None:
    activities = county.of(ActivityRecorded)
    assert {e.kind for e in activities} == {"festival", "material_aid", "activity"}
    assert all(len(e.child_ids) >= 1 for e in activities)
    assert max(len(e.child_ids) for e in activities) > 1
    assert sum(e.amount_yuan for e in activities) > 0 and sum(e.items for e in activities) > 0
    assert any(e.amount_yuan > 0 and e.items > 0 for e in activities)


def test_activities_are_organised_by_the_township_federation_or_the_school(
        county: Built) -> None:
    by = {(e.organiser[-2:], e.actor.role) for e in county.of(ActivityRecorded)}
    assert by == {("妇联", "federation"), ("小学", "school")}


def test_each_level_is_reviewed_by_a_user_of_that_level(county: Built) -> None:
    reviews = [e for e in county.of(VolunteerReviewed) if e.actor.role != "admin"]
    by_level: dict[str, set[tuple[str, str]]] = {}
    for e in reviews:
        by_level.setdefault(e.level, set()).add((e.actor.id, e.actor.role))
    assert by_level["county"] == {("钟祥市妇联", "federation")}
    assert by_level["city"] == {("荆门市妇联", "federation")}
    assert by_level["province"] == {("湖北省妇联", "federation")}
    assert {role for _, role in by_level["unit"]} == {"federation", "school"}
    assert ("钟祥市妇联", "federation") not in by_level["unit"]


def test_paper_forms_keyed_in_by_the_admin_name_who_signed_each_level(county: Built) -> None:
    keyed = [e for e in county.of(VolunteerReviewed) if e.actor.role == "admin"]
    assert {e.level for e in keyed} == {"unit", "county", "city", "province"}
    assert all(e.signed_by for e in keyed)


def test_no_one_signs_two_levels_of_one_volunteer(county: Built) -> None:
    signers: dict[UUID, list[str]] = {}
    for e in county.of(VolunteerReviewed):
        signers.setdefault(e.originator_id, []).append(e.signed_by or e.actor.id)
    assert all(len(set(people)) == len(people) for people in signers.values())


def test_some_contacts_name_one_child_of_a_one_to_many_pairing(county: Built) -> None:
    several = {e.originator_id: set(e.child_ids) for e in county.of(PairingFormed)
               if len(e.child_ids) > 1}
    named = [set(e.contact.child_ids) for e in county.of(ContactRecorded)
             if e.originator_id in several]
    assert any(len(children) == 1 for children in named)
    assert any(len(children) > 1 for children in named)


def test_pairings_under_three_ones_call_the_parents(county: Built) -> None:
    three_ones = {e.originator_id for e in county.of(PairingFormed)
                  if "three_ones" in e.duty_sets}
    assert three_ones
    kinds = {e.contact.kind for e in county.of(ContactRecorded)
             if e.originator_id in three_ones}
    assert "parent_contact" in kinds
    contacts = {e.contact.kind for e in county.of(ContactRecorded)}
    assert {"teacher_contact", "guardian_contact"} <= contacts


def test_homeroom_teachers_record_their_talks_and_home_visits(county: Built) -> None:
    own = county.of(ChildContactRecorded)
    assert {e.actor.role for e in own} == {"school"}
    talks = [e for e in own if e.contact.kind == "talk"]
    visits = [e for e in own if e.contact.kind == "home_visit"]
    assert len(talks) > 200 and len(visits) > 100
    assert len({e.originator_id for e in talks}) > 50


def test_the_schools_duties_are_met_for_most_pupils_where_the_programme_owes_them(
        county: Built) -> None:
    settings = Settings(store="sqlite", data_dir=county.settings.data_dir,  # type: ignore[call-arg]
                        duty_sets=("five_ones", "school"))
    register = build_register(settings, clock=lambda: TODAY)
    try:
        pupils = sorted({e.originator_id for e in county.of(ChildContactRecorded)})[:30]
        statuses = [owed.status.status.value for child_id in pupils
                    for owed in register.child_duties(child_id, (), TODAY)
                    if owed.pairing_id is None]
    finally:
        register.close()
    assert statuses.count("met") > len(statuses) / 3


def test_the_quarterly_reports_count_children_reached_and_aid(county: Built) -> None:
    store = build_report_store(county.settings)
    try:
        figures = [json.loads(store.figures(e.originator_id) or "{}")["totals"]
                   for e in county.of(ReportCompleted)]
    finally:
        store.close()
    assert all(f["children_reached"] > 0 for f in figures)
    assert any(float(f["aid_yuan"]) > 0 for f in figures)
    latest = figures[-1]
    assert latest["volunteers_paired"] > 0 and latest["special_attention"] > 0


def test_contacts_are_recorded_late_some_by_weeks(county: Built) -> None:
    delays = [(recorded_on(e) - e.contact.occurred_on).days for e in county.of(ContactRecorded)]
    assert max(delays) >= 15
    assert sum(1 for d in delays if d == 0) > len(delays) / 2


def test_no_business_date_is_later_than_the_day_it_was_recorded(county: Built) -> None:
    for event in county.events:
        for name in ("on", "occurred_on", "registered_on", "applied_on", "starts_on"):
            value = getattr(event, name, None)
            if isinstance(value, date) and not isinstance(value, datetime):
                assert value <= recorded_on(event) <= TODAY, (type(event).__name__, name)
    assert all(e.contact.occurred_on <= recorded_on(e) for e in county.of(ContactRecorded))


def test_a_guardian_entered_wrongly_is_corrected_later(county: Built) -> None:
    registered = {e.originator_id: e.registered_on for e in county.of(ChildRegistered)}
    corrections = [e for e in county.of(GuardianChanged)
                   if e.on == registered[e.originator_id] and "更正" in e.reason]
    assert corrections


def test_children_leave_and_stop_being_left_behind(county: Built) -> None:
    exits = county.of(ChildExited)
    assert any("16" in e.reason for e in exits)
    came_home = {e.originator_id for e in county.of(ParentChanged)
                 if e.parent.status.value == "home"}
    assert came_home
    child = county.register.get_child(next(iter(came_home)), TODAY)
    assert not child.left_behind and child.status == "active"
    ended = {e.originator_id: e.reason for e in county.of(PairingEnded)}
    assert any("儿童已退出" in reason for reason in ended.values())  # by the policy
    assert any("父母返乡" in reason for reason in ended.values())  # by staff


def test_concerns_are_raised_and_most_resolved(county: Built) -> None:
    raised, resolved = county.of(ConcernReported), county.of(ConcernResolved)
    assert raised and 0 < len(resolved) <= len(raised)


def test_reminders_were_issued_on_past_days_and_reports_produced(county: Built) -> None:
    reminders = county.of(ReminderIssued)
    assert reminders and all(recorded_on(e) < TODAY for e in reminders)
    completed = county.of(ReportCompleted)
    assert len(completed) >= 2
    report = county.register.get_report(completed[-1].originator_id)
    assert report.status.value == "done" and report.region_code == "420881"


def test_the_service_finds_every_view_caught_up(county: Built) -> None:
    runner = build_runner(county.settings, county.register)
    try:
        assert set(runner.lag().values()) == {0}
    finally:
        runner.store.close()


def test_the_demo_refuses_a_store_that_holds_records(county: Built) -> None:
    with pytest.raises(StoreNotEmpty):
        build_demo(county.settings, seed=SEED, children=10, today=TODAY)


_HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def canonical(events: list[Any]) -> list[Any]:
    """The log with each id replaced by the order it first appears in (ids are random).

    What the system records in one go (a reminder scan, the policy ending a volunteer's
    pairings) goes through records in the order of their random ids: each such run of the
    system's events is compared as a sorted list, without its instants.
    """
    seen: dict[str, int] = {}

    def plain(value: Any, *, new_ids: bool = True) -> Any:
        if isinstance(value, UUID) or (isinstance(value, str) and _HEX_ID.match(value)):
            if not new_ids and str(value) not in seen:
                return "id#system"
            return f"id#{seen.setdefault(str(value), len(seen))}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name), new_ids=new_ids)
                    for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            return {k: plain(v, new_ids=new_ids) for k, v in sorted(value.items())}
        if isinstance(value, list | tuple):
            return [plain(v, new_ids=new_ids) for v in value]
        if isinstance(value, enum.Enum):
            return value.value
        return value

    def by_system(event: Any) -> bool:
        return getattr(getattr(event, "actor", None), "role", None) == "system"

    found: list[Any] = []
    run: list[str] = []
    for event in events:
        if by_system(event):
            state = {k: v for k, v in vars(event).items()
                     if k not in ("timestamp", "figures_sha256", "files")}
            run.append(repr((type(event).__qualname__, plain(state, new_ids=False))))
            continue
        if run:
            found.append(sorted(run))
            run = []
        found.append((type(event).__qualname__, plain(vars(event))))
    return [*found, sorted(run)]


def test_the_same_seed_builds_the_same_register(county: Built, tmp_path: Path) -> None:
    again = sqlite_settings(tmp_path / "var")
    build_demo(again, seed=SEED, children=200, today=TODAY)
    register = build_register(again, clock=lambda: TODAY)
    try:
        assert canonical(events_of(register)) == canonical(county.events)
    finally:
        register.close()


def test_the_command_fills_an_empty_store_and_leaves_a_filled_one_alone(tmp_path: Path) -> None:
    folder = str(tmp_path / "var")
    first = CliRunner().invoke(app, ["demo", "--children", "20", "--data-dir", folder,
                                     "--today", TODAY.isoformat()])
    assert first.exit_code == 0, first.output
    assert "demo county built" in first.output
    again = CliRunner().invoke(app, ["demo", "--data-dir", folder, "--if-empty"])
    assert again.exit_code == 0 and "no demo data added" in again.output


def test_the_command_refuses_a_day_in_the_future(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--children", "20", "--data-dir",
                                      str(tmp_path / "var"), "--today", "2999-01-01"])
    assert result.exit_code == 1 and "in the future" in result.output


@pytest.mark.postgres
def test_the_demo_builds_on_postgresql(postgres_schema: str, tmp_path: Path) -> None:
    params = postgres_params()
    settings = Settings(store="postgres", data_dir=tmp_path / "var",  # type: ignore[call-arg]
                        postgres_host=params["host"], postgres_port=int(params["port"]),
                        postgres_user=params["user"], postgres_dbname=params["dbname"],
                        postgres_schema=postgres_schema, postgres_pool_size=2)
    summary = build_demo(settings, seed=SEED, children=40, today=TODAY)
    register = build_register(settings, clock=lambda: TODAY)
    try:
        events = events_of(register)
        assert summary.events >= len(events) > 0
        assert any(isinstance(e, ContactRecorded) for e in events)
        completed: list[Any] = [e for e in events if isinstance(e, ReportCompleted)]
        assert register.get_report(completed[-1].originator_id).status.value == "done"
    finally:
        register.close()


def test_schools_state_their_pupils_each_term_and_the_reports_give_the_share(
        county: Built) -> None:
    counts = county.of(EnrolmentRecorded)
    assert {"2025秋", "2026春"} <= {e.term for e in counts}
    assert [e.reason for e in counts if e.reason]  # one count put right, with its reason
    store = build_report_store(county.settings)
    try:
        figures = [json.loads(store.figures(e.originator_id) or "{}")["totals"]
                   for e in county.of(ReportCompleted)]
    finally:
        store.close()
    assert 0 < figures[-1]["left_behind_share_of_pupils"] < 1
