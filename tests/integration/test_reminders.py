"""Reminders on a real store: issued once whoever races (on each store), scanned,
delivered, recorded.

The register's clock is fixed at ``TODAY`` (15 June 2026); the pairings start on 10 March
with no contact, so their monthly duties are overdue and the yearly ones are not due yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.application import CareRegister
from domain.common import SYSTEM
from domain.events import DutyEscalated, ReminderIssued
from domain.reminders import DeliveryState, needs_reminder, reminder_id_for
from projections.duties import DutyView, due_or_overdue
from projections.registers.reminders import RemindersRegister, deliveries_of, list_reminders
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline, timeline
from tests.builders import REVIEWERS, STAFF, TODAY, child_record, volunteer_form
from tests.integration.conftest import EACH_STORE
from workers.reminders.channels import DeliveryError, Outgoing
from workers.reminders.delivery import deliver_reminder
from workers.reminders.scan import run_scan

LEASE = timedelta(minutes=15)


def paired(register: CareRegister, *, email: str = "liu@example.cn",
           region_code: str = "420821101") -> tuple[UUID, UUID, UUID]:
    """A child, an approved volunteer and their pairing from 10 March: their ids."""
    child = register.register_child(actor=STAFF, **child_record(region_code=region_code))
    volunteer = register.apply_to_volunteer(volunteer_form(email=email), actor=STAFF,
                                            applied_on=date(2026, 1, 5))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  on=date(2026, 2, 1), actor=REVIEWERS[level])
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    return child, volunteer, pairing


def expected(register: CareRegister, pairing: UUID, on: date = TODAY) -> set[UUID]:
    """The reminders the duty evaluation itself says are due on ``on``."""
    return {reminder_id_for(pairing, s.name, s.running.start)
            for s in register.pairing_duties(pairing, on) if needs_reminder(s, on, 7)}


def recorded(register: CareRegister, event_class: type) -> list[UUID]:
    """The aggregate ids of every event of that class in the log."""
    notifications = register.recorder.select_notifications(
        start=None, limit=100_000, topics=[get_topic(event_class)])
    return [n.originator_id for n in notifications]  # type: ignore[misc]


def first_due(register: CareRegister, runner: ViewRunner, on: date = TODAY) -> object:
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        return due_or_overdue(tx, on, due_soon_days=7).duties[0]


# -- issued once -----------------------------------------------------------------------------

def test_issuing_a_reminder_twice_records_it_once(
        register: CareRegister, runner: ViewRunner) -> None:
    paired(register)
    due = first_due(register, runner)
    first = register.issue_reminder(due, actor=SYSTEM)  # type: ignore[arg-type]
    again = register.issue_reminder(due, actor=SYSTEM)  # type: ignore[arg-type]
    assert (first.issued, again.issued) == (True, False)
    assert recorded(register, ReminderIssued) == [first.id]


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_registers_racing_to_issue_the_same_reminder_record_it_once(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    paired(register)
    due = first_due(register, runner)
    racers = [build_register(make_settings(store), clock=lambda: TODAY) for _ in range(6)]
    start = threading.Barrier(len(racers))
    outcomes: list[bool] = []

    def race(racer: CareRegister) -> None:
        start.wait()
        outcomes.append(racer.issue_reminder(due, actor=SYSTEM).issued)  # type: ignore[arg-type]

    threads = [threading.Thread(target=race, args=(racer,)) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for racer in racers:
        racer.close()
    assert sorted(outcomes) == [False] * 5 + [True]
    assert len(recorded(register, ReminderIssued)) == 1


def test_an_overdue_episode_is_escalated_once(
        register: CareRegister, runner: ViewRunner) -> None:
    paired(register)
    due = first_due(register, runner)
    first = register.escalate(due, threshold_days=14, actor=SYSTEM)  # type: ignore[arg-type]
    again = register.escalate(due, threshold_days=14, actor=SYSTEM)  # type: ignore[arg-type]
    assert (first.issued, again.issued) == (True, False)
    assert recorded(register, DutyEscalated) == [first.id]


# -- the scan --------------------------------------------------------------------------------

def test_a_scan_issues_exactly_the_reminders_the_duty_evaluation_says_are_due(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    pairings = [paired(register)[2] for _ in range(3)]
    report = run_scan(register, runner, make_settings(store), TODAY)
    wanted = set().union(*(expected(register, p) for p in pairings))
    assert wanted and set(recorded(register, ReminderIssued)) == wanted
    assert report.issued == len(wanted)


def test_a_second_scan_issues_nothing_new(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    paired(register)
    settings = make_settings(store)
    run_scan(register, runner, settings, TODAY)
    head = register.recorder.max_notification_id()
    again = run_scan(register, runner, settings, TODAY)
    assert (again.issued, again.escalated) == (0, 0) and again.already > 0
    assert register.recorder.max_notification_id() == head


def test_a_scan_escalates_duties_overdue_beyond_the_configured_days(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    paired(register)
    # overdue since 1 May (April missed): 45 days on 15 June
    assert run_scan(register, runner, make_settings(store, reminder_escalation_days=46),
                    TODAY).escalated == 0
    assert run_scan(register, runner, make_settings(store, reminder_escalation_days=45),
                    TODAY).escalated == 3


def test_a_contact_recorded_before_the_scan_spares_its_duty_a_reminder(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    _, _, pairing = paired(register)
    register.record_contact(pairing, kind="phone", notes="", actor=STAFF,
                            occurred_on=date(2026, 6, 2))
    run_scan(register, runner, make_settings(store), TODAY)
    runner.catch_up_all()
    with runner.store.recorder(RemindersRegister).read() as tx:
        duties = {row["duty"] for row in list_reminders(tx, pairing_id=str(pairing))}
    assert duties == {"monthly_parent_call", "monthly_teacher_contact"}


def test_a_scan_as_of_a_past_day_finds_that_days_reminders(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    _, _, pairing = paired(register)
    on = date(2026, 4, 26)  # April's monthly duties are due within the week
    run_scan(register, runner, make_settings(store), on)
    assert set(recorded(register, ReminderIssued)) == expected(register, pairing, on)
    runner.catch_up_all()
    with runner.store.recorder(RemindersRegister).read() as tx:
        assert {row["status"] for row in list_reminders(tx)} == {"due"}


# -- where reminders are seen -----------------------------------------------------------------

def test_reminders_are_listed_by_volunteer_region_and_status_and_on_the_childs_timeline(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    child, volunteer, _ = paired(register)
    paired(register, region_code="420822101")
    run_scan(register, runner, make_settings(store), TODAY)
    runner.catch_up_all()
    with runner.store.recorder(RemindersRegister).read() as tx:
        mine = list_reminders(tx, volunteer_id=str(volunteer))
        county = list_reminders(tx, region_code="420822")
        overdue = list_reminders(tx, status="overdue")
        escalated = list_reminders(tx, escalated=True)
        page = list_reminders(tx, limit=2)
        rest = list_reminders(tx, after=page[-1]["position"])
    assert len(mine) == len(county) == 3
    assert len(overdue) == len(escalated) == 6 == len(page) + len(rest)
    with runner.store.recorder(ChildTimeline).read() as tx:
        entries = [row["event_type"] for row in timeline(tx, child)]
    assert entries.count("ReminderIssued") == 3 and entries.count("DutyEscalated") == 3


# -- delivery ---------------------------------------------------------------------------------

class Recording:
    """A channel that keeps what it was given, or fails as told."""

    name = "email"

    def __init__(self, *failures: DeliveryError) -> None:
        self.sent: list[Outgoing] = []
        self.failures = list(failures)

    def address(self, form: object) -> str:
        return getattr(form, "email", "")

    def send(self, message: Outgoing) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


def issued_one(register: CareRegister, runner: ViewRunner) -> UUID:
    return register.issue_reminder(first_due(register, runner), actor=SYSTEM).id  # type: ignore[arg-type]


def test_a_delivered_reminder_is_recorded_and_not_sent_again(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    child, volunteer, _ = paired(register)
    reminder_id = issued_one(register, runner)
    channel = Recording()
    settings = make_settings(store)
    assert deliver_reminder(register, settings, [channel], reminder_id).delivered == 1
    assert deliver_reminder(register, settings, [channel], reminder_id).delivered == 0
    (message,) = channel.sent
    assert message.to == "liu@example.cn" and "王小花" in message.text
    delivery = register.get_reminder(reminder_id).delivery(volunteer, "email")
    assert delivery is not None and delivery.state is DeliveryState.DELIVERED
    runner.catch_up_all()
    with runner.store.recorder(RemindersRegister).read() as tx:
        (row,) = list_reminders(tx, status="delivered")
        (target,) = deliveries_of(tx, [row["reminder_id"]])[row["reminder_id"]]
    assert (target["state"], target["attempts"]) == ("delivered", 1)
    with runner.store.recorder(ChildTimeline).read() as tx:
        assert "ReminderDelivered" in [row["event_type"] for row in timeline(tx, child)]


def test_a_transient_failure_is_recorded_and_asks_for_a_retry_with_growing_waits(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    _, volunteer, _ = paired(register)
    reminder_id = issued_one(register, runner)
    settings = make_settings(store, reminder_retry_backoff=2.0)
    channel = Recording(DeliveryError("SMTP 451", transient=True),
                        DeliveryError("SMTP 451", transient=True))
    waits = [deliver_reminder(register, settings, [channel], reminder_id).retry_in
             for _ in range(3)]
    assert waits == [2.0, 4.0, None] and len(channel.sent) == 1
    delivery = register.get_reminder(reminder_id).delivery(volunteer, "email")
    assert delivery is not None
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 3)


def test_a_delivery_failing_every_allowed_attempt_is_recorded_as_failed(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    _, volunteer, _ = paired(register)
    reminder_id = issued_one(register, runner)
    settings = make_settings(store, reminder_delivery_attempts=2)
    channel = Recording(*[DeliveryError("HTTP 503", transient=True)] * 3)
    deliver_reminder(register, settings, [channel], reminder_id)
    assert deliver_reminder(register, settings, [channel], reminder_id).retry_in is None
    delivery = register.get_reminder(reminder_id).delivery(volunteer, "email")
    assert delivery is not None
    assert (delivery.state, delivery.attempts, delivery.error) == (
        DeliveryState.FAILED, 2, "HTTP 503")
    runner.catch_up_all()
    with runner.store.recorder(RemindersRegister).read() as tx:
        assert len(list_reminders(tx, status="failed")) == 1


def test_a_volunteer_no_channel_reaches_is_recorded_as_not_told(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    _, volunteer, _ = paired(register, email="")
    reminder_id = issued_one(register, runner)
    deliver_reminder(register, make_settings(store), [Recording()], reminder_id)
    delivery = register.get_reminder(reminder_id).delivery(volunteer, "none")
    assert delivery is not None and delivery.state is DeliveryState.FAILED
    assert "no address" in delivery.error


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_of_workers_claiming_one_delivery_at_once_one_gets_it(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    _, volunteer, _ = paired(register)
    reminder_id = issued_one(register, runner)
    racers = [build_register(make_settings(store), clock=lambda: TODAY) for _ in range(6)]
    start = threading.Barrier(len(racers))
    claims: list[int | None] = []

    def claim(racer: CareRegister) -> None:
        start.wait()
        claims.append(racer.claim_delivery(reminder_id, volunteer, "email", lease=LEASE,
                                           actor=SYSTEM))

    threads = [threading.Thread(target=claim, args=(racer,)) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for racer in racers:
        racer.close()
    assert sorted(claims, key=str) == [1] + [None] * 5


@pytest.mark.parametrize("lease_left", [True, False], ids=["under-way", "abandoned"])
def test_a_claim_blocks_others_only_while_its_lease_lasts(
        register: CareRegister, runner: ViewRunner, lease_left: bool) -> None:
    _, volunteer, _ = paired(register)
    reminder_id = issued_one(register, runner)
    assert register.claim_delivery(reminder_id, volunteer, "email", lease=LEASE,
                                   actor=SYSTEM) == 1
    lease = LEASE if lease_left else timedelta(0)
    second = register.claim_delivery(reminder_id, volunteer, "email", lease=lease, actor=SYSTEM)
    assert second == (None if lease_left else 2)
