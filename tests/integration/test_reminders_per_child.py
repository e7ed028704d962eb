"""The daily scan judges duties per child: a pairing of two children (一对多) whose volunteer
calls only one of them is reminded of the other child's duty, naming that child, once.

The register's clock is fixed at ``TODAY`` (15 June 2026); the pairing starts on 10 March.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from uuid import UUID

import pytest

from aixin.settings import Settings
from domain.application import CareRegister
from domain.common import SYSTEM
from projections.duties import DutyView, due_or_overdue, duties_of
from projections.registers.reminders import RemindersRegister, list_reminders
from projections.runner import ViewRunner
from tests.builders import MOTHER, STAFF, approved_volunteer, child_record
from tests.integration.conftest import EACH_STORE
from workers.reminders.scan import run_scan


@pytest.fixture(params=EACH_STORE)
def store(request: pytest.FixtureRequest) -> str:
    """Each test of this module on SQLite and on PostgreSQL."""
    return str(request.param)


def girl_and_boy(register: CareRegister) -> tuple[UUID, UUID, UUID]:
    """Two children paired with one caring mother from 10 March, the girl called every month."""
    girl = register.register_child(actor=STAFF, **child_record(name="王小花"))
    boy = register.register_child(actor=STAFF, **child_record(name="王小明", sex="male"))
    pairing = register.form_pairing(child_ids=[girl, boy],
                                    volunteer_ids=[approved_volunteer(register)],
                                    principle="nearby", starts_on=date(2026, 3, 10), actor=STAFF)
    for month in (3, 4, 5, 6):
        register.record_contact(pairing, kind="phone", notes="", actor=MOTHER,
                                occurred_on=date(2026, month, 12), child_ids=[girl])
    return girl, boy, pairing


def reminded(runner: ViewRunner, duty: str) -> list[str | None]:
    runner.catch_up(RemindersRegister)
    with runner.store.recorder(RemindersRegister).read() as tx:
        return [row["child_id"] for row in list_reminders(tx, limit=1000) if row["duty"] == duty]


def test_the_scan_reminds_of_the_monthly_contact_of_the_child_not_called_only(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    girl, boy, _ = girl_and_boy(register)
    run_scan(register, runner, make_settings(store), date(2026, 6, 15))
    assert reminded(runner, "monthly_contact") == [str(boy)]
    assert sorted(reminded(runner, "monthly_parent_call")) == sorted([str(girl), str(boy)])


def test_a_second_scan_reminds_no_child_twice(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    girl_and_boy(register)
    settings = make_settings(store)
    first = run_scan(register, runner, settings, date(2026, 6, 15))
    again = run_scan(register, runner, settings, date(2026, 6, 15))
    assert first.issued > 0 and (again.issued, again.already) == (0, first.issued)


def test_the_duty_view_holds_each_childs_duties_judged_on_the_contacts_naming_it(
        store: str, register: CareRegister, runner: ViewRunner) -> None:
    girl, boy, pairing = girl_and_boy(register)
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        rows = duties_of(tx, pairing)
    monthly = {row["child_id"]: row["last_qualifying_contact"] for row in rows
               if row["name"] == "monthly_contact"}
    assert monthly == {str(girl): "2026-06-12", str(boy): None}
    assert [row["child_id"] for row in rows][:1] == [str(girl)]


def test_a_reminder_issued_to_the_whole_pairing_before_is_not_issued_again_to_each_child(
        store: str, register: CareRegister, runner: ViewRunner,
        make_settings: Callable[..., Settings]) -> None:
    girl_and_boy(register)
    on = date(2026, 6, 15)
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        due = next(d for d in due_or_overdue(tx, on, due_soon_days=7).duties
                   if d.status.name == "monthly_parent_call")
    # as issued when duties were judged per pairing: about all its children, no child named
    assert register.issue_reminder(replace(due, child_id=None), actor=SYSTEM).issued
    run_scan(register, runner, make_settings(store), on)
    assert reminded(runner, "monthly_parent_call") == [None]
    assert reminded(runner, "monthly_contact") != []
