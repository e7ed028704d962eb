"""What the reminder tests with real workers share: a county of pairings, what is on record,
what should be, and worker processes with the test's own settings."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.utils import get_topic

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.children import Child
from domain.duties import evaluate_duties, rules_for
from domain.events import DutyEscalated, ReminderIssued
from domain.pairings import Pairing
from domain.reminders import escalation_id_for, needs_escalation, needs_reminder, reminder_id_for
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import REVIEWERS, STAFF, child_record, volunteer_form
from tests.workers.conftest import Workers

STARTS_ON = date(2026, 3, 10)


def county(settings: Settings, pairings: int, *, volunteers: int = 10,
           email: str = "") -> list[UUID]:
    """``pairings`` one-to-one pairings in one county, from 10 March, with no contact yet
    (so their monthly duties are overdue), recorded a few dozen at a time; their ids."""
    register = build_register(settings)
    today = register.today()
    helpers = []
    for number in range(volunteers):
        volunteer = Volunteer.apply(
            form=volunteer_form(name=f"志愿者{number}", email=email),
            approval_levels=APPROVAL_LEVELS, applied_on=date(2026, 1, 5), today=today,
            actor=STAFF)
        for level in APPROVAL_LEVELS:
            volunteer.review(level=level, decision="approve", opinion="同意",
                             on=date(2026, 2, 1), today=today, actor=REVIEWERS[level])
        helpers.append(volunteer)
    register.save(*helpers)
    ids: list[UUID] = []
    for first in range(0, pairings, 50):
        batch = []
        for number in range(first, min(first + 50, pairings)):
            child = Child.register(today=today, actor=STAFF,
                                   **child_record(name=f"孩子{number}"))
            pairing = Pairing.form(children=[child], volunteers=[helpers[number % volunteers]],
                                   principle="nearby", agreement_signed_on=STARTS_ON,
                                   starts_on=STARTS_ON, duty_sets=("five_ones",), today=today,
                                   actor=STAFF)
            batch += [child, pairing]
            ids.append(pairing.id)
        register.save(*batch)
    register.close()
    return ids


def due_reminders(pairings: list[UUID], on: date, due_soon_days: int = 7) -> set[UUID]:
    """The reminders due on ``on`` for pairings with no contact, by the domain's own rules."""
    statuses = evaluate_duties(rules_for(["five_ones"]), (), on, starts_on=STARTS_ON)
    return {reminder_id_for(pairing, s.name, s.running.start) for pairing in pairings
            for s in statuses if needs_reminder(s, on, due_soon_days)}


def due_escalations(pairings: list[UUID], on: date, days: int = 14) -> set[UUID]:
    statuses = evaluate_duties(rules_for(["five_ones"]), (), on, starts_on=STARTS_ON)
    return {escalation_id_for(pairing, s.name, s.overdue_since) for pairing in pairings
            for s in statuses if needs_escalation(s, on, days) and s.overdue_since}


class Record:
    """Reads what is on record, from the test process."""

    def __init__(self, settings: Settings) -> None:
        self.register = build_register(settings)

    def ids(self, event_class: type) -> list[UUID]:
        """The aggregate id of every event of that class in the log, duplicates included."""
        notifications = self.register.recorder.select_notifications(
            start=None, limit=1_000_000, topics=[get_topic(event_class)])
        return [n.originator_id for n in notifications]  # type: ignore[misc]

    def reminders(self) -> list[UUID]:
        return self.ids(ReminderIssued)

    def escalations(self) -> list[UUID]:
        return self.ids(DutyEscalated)

    def close(self) -> None:
        self.register.close()


class WorkerSets:
    """Worker processes with settings of the test's choosing (e.g. a channel turned on)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.made: list[Workers] = []

    def __call__(self, settings: Settings) -> Workers:
        folder = self.logs / f"workers-{len(self.made)}"
        folder.mkdir()
        self.made.append(Workers(settings, folder))
        return self.made[-1]

    def stop_all(self) -> None:
        for running in self.made:
            running.stop_all()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
