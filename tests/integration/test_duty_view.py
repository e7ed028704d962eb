"""The duty view (履职情况) follows the log, on SQLite and PostgreSQL.

The register's business clock is fixed (``TODAY``); so is the log's here: the instant events are
recorded at is frozen by ``log_clock`` (10:00 China time on ``TODAY`` unless a test moves it), so
the day each pairing is evaluated as of never depends on when the tests run.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

import eventsourcing.domain
import psycopg
import pytest

import projections.duties as duty_view
from domain.application import CareRegister
from projections.duties import DutyView, duties_of, overdue
from projections.runner import ViewRunner
from storage.sql import Row, Tx
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form
from tests.conftest import postgres_params
from tests.integration.conftest import EACH_STORE
from tests.waiting import wait_until

CHINA = ZoneInfo("Asia/Shanghai")
MONTHLY = ["monthly_contact", "monthly_parent_call", "monthly_teacher_contact"]


class LogClock:
    """When the log records the next events: a China-time day at 10:00, or an exact instant."""

    def __init__(self) -> None:
        self.now = datetime.combine(TODAY, time(10), CHINA)

    def at(self, moment: date | datetime) -> None:
        self.now = moment if isinstance(moment, datetime) else datetime.combine(
            moment, time(10), CHINA)


@pytest.fixture(autouse=True)
def log_clock(monkeypatch: pytest.MonkeyPatch) -> LogClock:
    clock = LogClock()
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo",
                        lambda: clock.now.astimezone(UTC))
    return clock


def paired(register: CareRegister, *, starts_on: date, region_code: str = "420821101") -> UUID:
    """A pairing under the "five ones" (五个一) of a new child and a new approved volunteer."""
    record = child_record(region_code=region_code)
    child_id = register.register_child(actor=STAFF, **record)  # type: ignore[arg-type]
    volunteer_id = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                               applied_on=date(2026, 1, 5))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer_id, level=level, decision="approve", opinion="同意",
                                  on=date(2026, 2, 1), actor=REVIEWERS[level])
    return register.form_pairing(child_ids=[child_id], volunteer_ids=[volunteer_id],
                                 principle="nearby", starts_on=starts_on, actor=STAFF,
                                 duty_sets=["five_ones"])


def contact(register: CareRegister, pairing_id: UUID, on: date, kind: str = "phone") -> None:
    register.record_contact(pairing_id, kind=kind, notes="", actor=MOTHER, occurred_on=on)


def duties(runner: ViewRunner, pairing_id: UUID) -> dict[str, Row]:
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        return {row["name"]: row for row in duties_of(tx, pairing_id)}


def refresh(runner: ViewRunner, on: date) -> int:
    with runner.store.recorder(DutyView).write() as tx:
        return DutyView.refresh(tx, on)


def overdue_pairings(runner: ViewRunner, on: date = TODAY, **where: str) -> set[str]:
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        return {row["pairing_id"] for row in overdue(tx, on, **where)}  # type: ignore[arg-type]


def test_a_new_pairings_duties_are_all_due(register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=TODAY)
    rows = duties(runner, pairing_id)
    assert list(rows) == [*MONTHLY, "yearly_birthday", "yearly_festival"]
    assert {(row["status"], row["evaluated_on"]) for row in rows.values()} == {
        ("due", "2026-06-15")}


def test_a_contact_of_a_qualifying_kind_makes_the_duty_met(
        register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=date(2026, 6, 1))
    contact(register, pairing_id, date(2026, 6, 10), kind="phone")
    row = duties(runner, pairing_id)["monthly_contact"]
    assert (row["status"], row["last_qualifying_contact"], row["period_label"]) == (
        "met", "2026-06-10", "2026-06")


def written(runner: ViewRunner, pairing_id: UUID) -> dict[str, str]:
    """The transaction that last wrote each of the pairing's duty rows (PostgreSQL's
    ``xmin``)."""
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        return {row["name"]: row["version"] for row in tx.execute(
            "SELECT name, xmin::text AS version FROM duty_status WHERE pairing_id = ?",
            (str(pairing_id),)).all()}


@pytest.mark.parametrize("store", [EACH_STORE[1]], indirect=True)
def test_a_contact_writes_again_only_the_duties_it_moves(
        register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=date(2026, 6, 1))
    before = written(runner, pairing_id)
    contact(register, pairing_id, date(2026, 6, 10), kind="phone")
    after = written(runner, pairing_id)
    assert duties(runner, pairing_id)["monthly_contact"]["status"] == "met"
    assert {name for name in before if after[name] != before[name]} == {"monthly_contact"}


def test_a_follower_keeping_fewer_pairings_contacts_than_it_evaluates_counts_every_contact(
        register: CareRegister, runner: ViewRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duty_view, "_CONTACTS_KEPT", 1)
    pairing_ids = [paired(register, starts_on=date(2026, 6, 1)) for _ in range(3)]
    runner.catch_up(DutyView)
    for pairing_id in pairing_ids:
        contact(register, pairing_id, date(2026, 6, 10))
    contact(register, pairing_ids[0], date(2026, 6, 11), kind="parent_call")
    rows = [duties(runner, pairing_id) for pairing_id in pairing_ids]
    assert [row["monthly_contact"]["last_qualifying_contact"] for row in rows] == [
        "2026-06-10"] * 3
    assert rows[0]["monthly_parent_call"]["status"] == "met"


@pytest.mark.parametrize("store", [EACH_STORE[1]], indirect=True)
def test_a_pass_waits_for_a_refresh_under_way_though_it_moves_no_pairings_day(
        register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=date(2026, 6, 1))
    contact(register, pairing_id, date(2026, 6, 10))
    runner.catch_up(DutyView)
    contact(register, pairing_id, date(2026, 6, 5))  # late: its last contact stays the 10th
    table = f'"{runner.store.recorder(DutyView).datastore.schema}".duty_pairings'
    with psycopg.connect(**postgres_params()) as refreshing, \
            psycopg.connect(**postgres_params(), autocommit=True) as looking:
        refreshing.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")  # as refresh does
        following = threading.Thread(target=runner.catch_up, args=(DutyView,))
        following.start()
        wait_until(lambda: looking.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted",
            (table,)).fetchone() == (1,), within=10, what="the pass to wait for the lock",
            every=0.02)
        refreshing.rollback()
        following.join(timeout=30)
    assert runner.lag()[DutyView.name] == 0


def test_a_late_recorded_contact_for_an_earlier_month_is_applied(
        register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=date(2026, 4, 1))
    assert duties(runner, pairing_id)["monthly_contact"]["overdue_since"] == "2026-05-01"
    contact(register, pairing_id, date(2026, 4, 20))
    contact(register, pairing_id, date(2026, 5, 20))
    row = duties(runner, pairing_id)["monthly_contact"]
    assert (row["status"], row["overdue_since"], row["last_qualifying_contact"]) == (
        "due", None, "2026-05-20")


def test_an_ended_pairing_is_no_longer_evaluated(
        register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=date(2026, 4, 1))
    register.end_pairing(pairing_id, reason="调整结对", actor=STAFF, on=date(2026, 6, 10))
    runner.catch_up(DutyView)
    assert refresh(runner, date(2026, 9, 1)) == 0
    rows = duties(runner, pairing_id).values()
    assert {row["evaluated_on"] for row in rows} == {"2026-06-15"}
    assert all("结对已于2026-06-10结束" in row["reason"] for row in rows)


def test_overdue_lists_the_overdue_pairings_of_a_county_and_not_those_of_another(
        register: CareRegister, runner: ViewRunner) -> None:
    late = paired(register, starts_on=date(2026, 4, 1), region_code="420821101")
    paired(register, starts_on=date(2026, 6, 1), region_code="420821102")  # nothing owed yet
    elsewhere = paired(register, starts_on=date(2026, 4, 1), region_code="420822101")
    assert overdue_pairings(runner, region_code="420821") == {str(late)}
    assert overdue_pairings(runner, region_code="420822") == {str(elsewhere)}


def test_overdue_can_be_asked_for_one_volunteers_pairings(
        register: CareRegister, runner: ViewRunner) -> None:
    mine = paired(register, starts_on=date(2026, 4, 1))
    paired(register, starts_on=date(2026, 4, 1))
    volunteer_id = str(register.get_pairing(mine).volunteer_ids[0])
    assert overdue_pairings(runner, volunteer_id=volunteer_id) == {str(mine)}


def test_overdue_pages_by_cursor_without_skipping_or_repeating_a_duty(
        register: CareRegister, runner: ViewRunner) -> None:
    for _ in range(2):
        paired(register, starts_on=date(2026, 4, 1))
    runner.catch_up(DutyView)
    seen: list[tuple[str, str]] = []
    after: str | None = None
    with runner.store.recorder(DutyView).read() as tx:
        everything = [(r["pairing_id"], r["name"]) for r in overdue(tx, TODAY)]
        while page := overdue(tx, TODAY, after=after, limit=2):
            seen += [(r["pairing_id"], r["name"]) for r in page]
            after = page[-1]["cursor"]
    assert len(everything) == 6
    assert seen == everything


def test_refresh_moves_a_met_monthly_duty_to_due_then_to_overdue_as_the_months_turn(
        register: CareRegister, runner: ViewRunner) -> None:
    pairing_id = paired(register, starts_on=date(2026, 6, 1))
    contact(register, pairing_id, date(2026, 6, 10))
    assert duties(runner, pairing_id)["monthly_contact"]["status"] == "met"
    refresh(runner, date(2026, 7, 1))
    july = duties(runner, pairing_id)["monthly_contact"]
    refresh(runner, date(2026, 8, 1))
    august = duties(runner, pairing_id)["monthly_contact"]
    assert (july["status"], july["period_label"]) == ("due", "2026-07")
    assert (august["status"], august["overdue_since"]) == ("overdue", "2026-08-01")


def test_a_pairing_is_evaluated_as_of_the_day_its_event_was_recorded_in_china(
        register: CareRegister, runner: ViewRunner, log_clock: LogClock) -> None:
    pairing_id = paired(register, starts_on=date(2026, 6, 1))
    log_clock.at(datetime(2026, 6, 30, 17, 30, tzinfo=UTC))  # 01:30 on 1 July in China
    contact(register, pairing_id, date(2026, 6, 10))
    row = duties(runner, pairing_id)["monthly_contact"]
    assert (row["evaluated_on"], row["status"], row["period_label"]) == (
        "2026-07-01", "due", "2026-07")


def test_a_rebuild_from_zero_gives_the_rows_that_following_the_log_gave(
        register: CareRegister, runner: ViewRunner, log_clock: LogClock) -> None:
    first = paired(register, starts_on=date(2026, 4, 1))
    second = paired(register, starts_on=date(2026, 5, 1), region_code="420822101")
    runner.catch_up(DutyView)
    log_clock.at(date(2026, 6, 20))
    contact(register, first, date(2026, 6, 12))
    runner.catch_up(DutyView)
    log_clock.at(date(2026, 7, 3))
    contact(register, second, date(2026, 5, 10), kind="parent_call")
    register.end_pairing(first, reason="调整结对", actor=STAFF, on=date(2026, 6, 14))
    followed = everything(runner)
    runner.rebuild(DutyView)
    assert everything(runner) == followed


def everything(runner: ViewRunner) -> list[list[Row]]:
    runner.catch_up(DutyView)
    with runner.store.recorder(DutyView).read() as tx:
        return [tx.execute(f"SELECT * FROM {table} ORDER BY 1, 2").all()
                for table in ("duty_pairings", "duty_status", "duty_contacts")]


def test_a_catch_up_far_behind_ends_with_the_rows_of_one_that_followed_every_event(
        register: CareRegister, runner: ViewRunner, log_clock: LogClock) -> None:
    followed = ViewRunner(register, runner.store, [DutyView], batch_size=2)
    pairings = [paired(register, starts_on=date(2026, 3, 10)) for _ in range(3)]
    for day in (3, 9, 17, 25):
        log_clock.at(date(2026, 4, day))
        for pairing_id in pairings[: day % 3 + 1]:
            contact(register, pairing_id, date(2026, 4, day), kind="home_visit")
            followed.catch_up(DutyView, generation=7)  # at the head after every event
    behind = ViewRunner(register, runner.store, [DutyView], batch_size=2)
    behind.catch_up(DutyView, generation=8)  # one catch-up, batches of two, far behind

    def rows(generation: int) -> list[Row]:
        with runner.store.recorder(DutyView, generation).read() as tx:
            return tx.execute("SELECT * FROM duty_status ORDER BY pairing_id, name").all()

    assert rows(8) == rows(7)
    assert {row["pairing_id"] for row in rows(8)} == {str(p) for p in pairings}
    with runner.store.recorder(DutyView, 8).read() as tx:
        assert tx.execute("SELECT count(*) AS n FROM duty_pending").one() == {"n": 0}


def test_a_refresh_in_slices_reaches_every_pairing_a_slice_at_a_time(
        register: CareRegister, runner: ViewRunner) -> None:
    pairings = [paired(register, starts_on=date(2026, 3, 10)) for _ in range(5)]
    runner.catch_up(DutyView)
    later = date(2026, 7, 1)
    assert [runner.refresh(later, limit=2) for _ in range(4)] == [2, 2, 1, 0]
    assert {duties(runner, p)["monthly_contact"]["evaluated_on"] for p in pairings} == {
        later.isoformat()}


def test_a_rebuild_tells_its_progress_up_to_the_head_of_the_log(
        register: CareRegister, runner: ViewRunner) -> None:
    for _ in range(3):
        paired(register, starts_on=date(2026, 4, 1))
    head = register.recorder.max_notification_id()
    told: list[tuple[int, int | None]] = []
    runner.batch_size = 4
    runner.rebuild_together([DutyView], progress=lambda *seen: told.append(seen))
    assert len(told) > 1
    assert told[-1] == (head, head)


def test_a_rebuild_reads_the_log_in_batches_of_its_own_size(
        register: CareRegister, runner: ViewRunner) -> None:
    for _ in range(3):
        paired(register, starts_on=date(2026, 4, 1))
    head = register.recorder.max_notification_id()
    assert head is not None
    told: list[tuple[int, int | None]] = []
    runner.batch_size, runner.rebuild_batch_size = 4, 10
    runner.rebuild_together([DutyView], progress=lambda *seen: told.append(seen))
    assert [done for done, _ in told] == [*range(10, head, 10), head]


@pytest.fixture
def collecting(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the cycle collector ran while each batch was applied to the duty view."""
    seen: list[bool] = []
    apply_all = DutyView.apply_all

    def noting(view: DutyView, events: Sequence[tuple[int, object]], tx: Tx) -> None:
        seen.append(gc.isenabled())
        apply_all(view, events, tx)

    monkeypatch.setattr(DutyView, "apply_all", noting)
    return seen


def test_each_batch_is_applied_with_the_cycle_collector_paused_and_resumed_after(
        register: CareRegister, runner: ViewRunner, collecting: list[bool]) -> None:
    paired(register, starts_on=date(2026, 4, 1))
    assert gc.isenabled()
    runner.catch_up(DutyView)
    assert len(collecting) > 1  # batches of 3
    assert not any(collecting)
    assert gc.isenabled()


def test_views_within_a_rebuild_batch_of_the_log_apply_with_the_collector_running(
        register: CareRegister, runner: ViewRunner, collecting: list[bool]) -> None:
    paired(register, starts_on=date(2026, 4, 1))
    runner.rebuild_batch_size = 1000  # a follower a few batches behind
    runner.catch_up(DutyView)
    assert len(collecting) > 1 and all(collecting)
