"""A rebuild from zero by folding (``projections.bulk``) gives, for every view and on each
real store, the same tables row for row as following the log event by event, after
corrections, transfers, merges and erasures; the view in service answers whole while a
rebuild runs, and a rebuild killed half-way leaves it in service for the next to replace."""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import aixin.rebuild
from aixin.bootstrap import build_view_store
from aixin.rebuild import rebuild_in_processes
from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Guardian
from domain.personal import ERASED
from projections.bulk import BulkRebuild, Fold, OwnFold, Stretch, decoded
from projections.catalog import ALL_VIEWS, BY_NAME
from projections.duties import DutyView
from projections.foldings import folding_of
from projections.projection import View
from projections.registers.children import ChildrenRegister
from projections.registers.pairings import PairingsRegister
from projections.reports.facts import ReportFacts
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline
from projections.timeline_folding import _InMemoryTimeline
from storage.views import index_name, split_schema
from tests.builders import MOTHER, STAFF, TEACHER, approved_volunteer
from tests.integration.conftest import EACH_STORE
from tests.integration.log_support import Store, all_rows, opened, record_some_care
from tests.integration.test_contacts_recorded_before_children_were_named import (
    with_an_old_contact,
)
from tests.integration.test_stores_agree import KEY, record_every_kind

pytestmark = [pytest.mark.timeout(300)]


@pytest.fixture(params=EACH_STORE)
def store(request: pytest.FixtureRequest) -> str:
    """Each test on SQLite and on PostgreSQL: the store is the point."""
    return str(request.param)


@pytest.fixture
def settings(store: str, make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(store, cipher_key=KEY, postgres_pool_size=3)


@pytest.fixture
def recorded(settings: Settings) -> Iterator[Store]:
    with opened(settings) as (register, runner):
        record_every_kind(register, runner, settings)
        yield register, runner


def generations(store: Store) -> dict[str, int]:
    return {view.name: store[1].store.current_generation(view.name) for view in ALL_VIEWS}


def test_every_view_folded_equals_the_view_followed_event_by_event(recorded: Store) -> None:
    register, runner = recorded
    followed = all_rows(runner)
    before, head = generations(recorded), register.recorder.max_notification_id() or 0
    assert runner.bulk_rebuild

    applied = runner.rebuild_together()

    assert applied == head * len(ALL_VIEWS)
    assert register.recorder.max_notification_id() == head  # the policy recorded nothing again
    assert generations(recorded) == {name: gen + 1 for name, gen in before.items()}
    rebuilt = all_rows(runner)
    assert rebuilt.keys() == followed.keys()
    for table, rows in followed.items():
        assert rebuilt[table] == rows, table
    assert sum(map(len, rebuilt.values())) > 200
    assert set(runner.lag().values()) == {0}
    # and the incremental path, from the folded generation, follows what comes next
    record_some_care(register, children=1)
    runner.catch_up_all()
    after = all_rows(runner)
    runner.bulk_rebuild = False
    runner.rebuild_together()
    assert all_rows(runner) == after


def indexes(runner: ViewRunner, view: type[View]) -> set[str]:
    with runner.store.recorder(view).read() as tx:
        if runner.store.engine == "sqlite":
            rows = tx.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                              " AND sql IS NOT NULL").all()
        else:
            rows = tx.execute("SELECT indexname AS name FROM pg_indexes"
                              " WHERE schemaname = current_schema()").all()
    return {str(row["name"]) for row in rows}


def test_a_folded_view_has_every_index_its_statements_make(recorded: Store) -> None:
    runner = recorded[1]
    runner.rebuild_together()
    for view in ALL_VIEWS:
        made = {index_name(statement) for statement in split_schema(view.schema)[1]}
        assert made <= indexes(runner, view), view.name


def catalog(runner: ViewRunner, view: type[View]) -> set[tuple[str, ...]]:
    """The tables' columns, constraints and indexes of the view's generation in service,
    as PostgreSQL states them (the schema's own name left out)."""
    with runner.store.recorder(view).read() as tx:
        rows = tx.execute(
            "SELECT 'column' AS kind, table_name AS owner,"
            " column_name || ' ' || data_type || ' ' || is_nullable"
            " || ' ' || coalesce(column_default, '') AS what FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
            " UNION ALL SELECT 'constraint', conrelid::regclass::text,"
            " conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = current_schema()::regnamespace"
            " UNION ALL SELECT 'index', tablename, indexname || ' ' ||"
            " replace(indexdef, current_schema() || '.', '') FROM pg_indexes"
            " WHERE schemaname = current_schema()").all()
    return {(str(row["kind"]), str(row["owner"]), str(row["what"])) for row in rows}


def test_a_folded_view_has_the_tables_keys_and_indexes_its_statements_make(
        recorded: Store) -> None:
    """On PostgreSQL the rows are copied into tables without keys, which are made with the
    indexes once the rows are in: the view then has what its statements make, no more."""
    runner = recorded[1]
    if runner.store.engine != "postgres":
        pytest.skip("SQLite's fold database is made by the statements themselves")
    made = {view.name: catalog(runner, view) for view in ALL_VIEWS}
    runner.rebuild_together()
    for view in ALL_VIEWS:
        assert catalog(runner, view) == made[view.name], view.name
        assert any(kind == "constraint" and "PRIMARY KEY" in what
                   for kind, _, what in made[view.name]), view.name


def test_the_view_in_service_answers_whole_while_a_rebuild_folds(recorded: Store) -> None:
    _, runner = recorded
    followed = all_rows(runner)
    before = generations(recorded)
    seen: list[dict[str, int]] = []
    wrong: list[str] = []
    done = threading.Event()

    def read_while_folding(read: int, total: int | None) -> None:
        seen.append(generations(recorded))  # told after each stretch folded, before any swap
        if all_rows(runner) != followed:
            wrong.append(f"after {read} events folded")

    def read_all_along() -> None:  # and through the swaps, from another thread
        while not done.is_set():
            if all_rows(runner) != followed:
                wrong.append("read beside the rebuild")

    reader = threading.Thread(target=read_all_along)
    reader.start()
    runner.rebuild_batch_size = 10
    try:
        runner.rebuild_together(progress=read_while_folding)
    finally:
        done.set()
        reader.join(timeout=60)
    assert len(seen) > 5 and all(found == before for found in seen)
    assert not wrong
    assert generations(recorded) == {name: gen + 1 for name, gen in before.items()}
    assert all_rows(runner) == followed


def _rebuild_then_die(settings: Settings, at: int) -> None:
    """A rebuild in a process of its own, killed (SIGKILL) once ``at`` events are folded."""
    with opened(settings) as (_, runner):
        runner.rebuild_batch_size = 10

        def die(read: int, total: int | None) -> None:
            if read >= at:
                os.kill(os.getpid(), signal.SIGKILL)

        runner.rebuild_together(progress=die)


def test_a_rebuild_killed_half_way_leaves_the_view_in_service_and_the_next_succeeds(
        recorded: Store, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    register, runner = recorded
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the killed one's folds are left
    followed = all_rows(runner)
    before = generations(recorded)
    head = register.recorder.max_notification_id() or 0
    context: Any = multiprocessing.get_context("spawn")
    killed = context.Process(target=_rebuild_then_die, args=(settings, head // 2))
    killed.start()
    killed.join(timeout=120)
    assert killed.exitcode == -signal.SIGKILL

    assert generations(recorded) == before
    assert all_rows(runner) == followed
    if settings.store == "sqlite":  # what it left half-written is there, not in service
        assert list((settings.data_dir / "views").glob("*.fold"))
    else:
        assert list(tmp_path.glob("aixin-fold-*"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this process's folds there too

    runner.rebuild_together()

    assert generations(recorded) == {name: gen + 1 for name, gen in before.items()}
    assert all_rows(runner) == followed
    left = (settings.data_dir / "views").glob("*.fold*") if settings.store == "sqlite" \
        else tmp_path.glob("aixin-fold-*")
    assert not list(left)


def test_views_folded_in_three_processes_a_stretch_at_a_time_equal_those_followed(
        recorded: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    register, runner = recorded
    followed = all_rows(runner)
    before = generations(recorded)
    made = ({view.name: catalog(runner, view) for view in ALL_VIEWS}
            if runner.store.engine == "postgres" else {})
    head = register.recorder.max_notification_id() or 0
    monkeypatch.setattr(aixin.rebuild, "SEGMENT", 40)  # several stretches, each forked anew
    told: list[tuple[int, int | None]] = []

    applied = rebuild_in_processes(
        settings.model_copy(update={"projections_rebuild_batch_size": 10}), ALL_VIEWS, 3,
        progress=lambda *seen: told.append(seen))

    assert applied == head * len(ALL_VIEWS)
    assert register.recorder.max_notification_id() == head  # the policy recorded nothing again
    assert len(told) > head // 10 - 1 and told[-1][0] == head
    assert generations(recorded) == {name: gen + 1 for name, gen in before.items()}
    assert all_rows(runner) == followed
    assert set(runner.lag().values()) == {0}
    assert not list((settings.data_dir / "views").glob("*.fold*"))  # nor the folds' states
    for name, catalogued in made.items():  # keys set aside by each process, made once
        assert catalog(runner, BY_NAME[name]) == catalogued, name


AWKWARD_TEXTS = ("tab\there", "line\nbreak", "back\\slash", "\\N", "回车\r", "", "null")


class Awkward(View):
    """A view of every column type the views use, with values that COPY must escape."""

    name = "awkward"
    tables = ("awk_rows",)
    schema = ("CREATE TABLE IF NOT EXISTS awk_rows (position BIGINT PRIMARY KEY, label TEXT,"
              " ratio DOUBLE PRECISION, flag BOOLEAN, blob BYTEA, note TEXT, whole INTEGER)",
              "CREATE INDEX IF NOT EXISTS awk_rows_label ON awk_rows (label)")

    def apply(self, event: object, tx: Any) -> None:
        at = tx.position
        tx.execute("INSERT INTO awk_rows (position, label, ratio, flag, blob, note, whole)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (at, AWKWARD_TEXTS[at % len(AWKWARD_TEXTS)], at / 3 if at % 2 else None,
                    at % 2 == 0, bytes([at % 256, 0, 92, 10, 9]) if at % 5 else None,
                    None if at % 3 else "\\", -at * 1_000_003))


def test_values_of_every_column_type_are_copied_as_the_incremental_path_writes_them(
        settings: Settings) -> None:
    with opened(settings) as (register, _):
        record_some_care(register, children=4)
        store = build_view_store(settings)
        runner = ViewRunner(register, store, (Awkward,), batch_size=7)
        try:
            runner.catch_up_all()
            followed = all_rows(runner, (Awkward,))
            assert len(followed["awk_rows"]) == register.recorder.max_notification_id()
            runner.rebuild_together()
            assert store.current_generation(Awkward.name) == 2
            assert all_rows(runner, (Awkward,)) == followed
        finally:
            store.close()


def test_a_folding_child_killed_leaves_every_view_in_service_and_the_next_rebuild_succeeds(
        recorded: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    register, runner = recorded
    followed = all_rows(runner)
    before = generations(recorded)
    head = register.recorder.max_notification_id() or 0
    parent = os.getpid()

    def killed_in_the_second_of_three(applying: Callable[..., int]) -> Callable[..., int]:
        def apply(self: Fold | OwnFold, app: Any, stretch: Any, *rest: Any) -> int:
            if os.getpid() != parent and self.view.name == "timeline" \
                    and head // 3 + 20 < stretch[0][0].id < 2 * head // 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return applying(self, app, stretch, *rest)
        return apply

    settings = settings.model_copy(update={"projections_rebuild_batch_size": 10})
    monkeypatch.setattr(aixin.rebuild, "SEGMENT", head // 3 + 10)  # three stretches
    with monkeypatch.context() as killing:  # forked children too
        for kind in (Fold, OwnFold):  # by its handlers or by a folding of its own
            killing.setattr(kind, "apply", killed_in_the_second_of_three(kind.apply))
        with pytest.raises(RuntimeError, match=r"rebuilding .*timeline.* failed: ended with"
                                               r" exit code -9"):
            rebuild_in_processes(settings, ALL_VIEWS, 2)
    assert generations(recorded) == before
    assert all_rows(runner) == followed

    assert rebuild_in_processes(settings, ALL_VIEWS, 2) == head * len(ALL_VIEWS)
    assert generations(recorded) == {name: gen + 1 for name, gen in before.items()}
    assert all_rows(runner) == followed


def generation_exists(runner: ViewRunner, name: str, generation: int) -> bool:
    store = runner.store
    if store.engine == "sqlite":
        return store._sqlite_path(name, generation).exists()
    with store._pointer_store().transaction(commit=False) as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s",
                       (store._schema(name, generation),))
        return cursor.fetchone() is not None


def test_a_child_killed_in_the_last_segment_leaves_every_view_as_it_was_others_made_whole(
        recorded: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    register, runner = recorded
    followed = all_rows(runner)
    before = generations(recorded)
    head = register.recorder.max_notification_id() or 0
    parent = os.getpid()
    installing = BulkRebuild.install

    def install(self: BulkRebuild, fold: Fold | OwnFold) -> None:
        if os.getpid() != parent and fold.view.name == "timeline":
            other = tmp_path / "made-whole.report_facts"  # in the other share
            deadline = time.monotonic() + 60
            while not other.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if not other.exists():
                raise RuntimeError("report_facts was not made whole within 60 s")
            os.kill(os.getpid(), signal.SIGKILL)
        installing(self, fold)
        (tmp_path / f"made-whole.{fold.view.name}").touch()

    settings = settings.model_copy(update={"projections_rebuild_batch_size": 10})
    monkeypatch.setattr(aixin.rebuild, "SEGMENT", head // 3 + 10)
    with monkeypatch.context() as killing:  # forked children too
        killing.setattr(BulkRebuild, "install", install)
        with pytest.raises(RuntimeError, match=r"rebuilding timeline failed: ended with"
                                               r" exit code -9"):
            rebuild_in_processes(settings, ALL_VIEWS, 2)
        made_whole = [path.suffix[1:] for path in tmp_path.glob("made-whole.*")]
    assert "report_facts" in made_whole  # the other share's costliest view, made whole...
    assert generations(recorded) == before  # ... but not put in service alone...
    assert not generation_exists(runner, "report_facts", before["report_facts"] + 1)  # nor kept
    assert all_rows(runner) == followed

    assert rebuild_in_processes(settings, ALL_VIEWS, 2) == head * len(ALL_VIEWS)
    assert generations(recorded) == {name: gen + 1 for name, gen in before.items()}
    assert all_rows(runner) == followed


def test_a_generation_left_by_a_rebuild_that_died_before_dropping_it_goes_with_the_next(
        recorded: Store) -> None:
    _, runner = recorded
    runner.rebuild_together()
    in_service = runner.store.current_generation(PairingsRegister.name)
    runner.store.recorder(PairingsRegister, in_service - 1)  # as if never dropped
    assert generation_exists(runner, PairingsRegister.name, in_service - 1)

    runner.rebuild_together()

    assert not generation_exists(runner, PairingsRegister.name, in_service - 1)
    assert runner.store.current_generation(PairingsRegister.name) == in_service + 1


def test_a_rebuild_before_any_view_was_opened_builds_every_view(settings: Settings) -> None:
    with opened(settings) as (register, runner):
        record_some_care(register, children=2)
        head = register.recorder.max_notification_id() or 0

        assert runner.rebuild_together() == head * len(ALL_VIEWS)

        assert set(runner.lag().values()) == {0}
        assert all_rows(runner, ALL_VIEWS[:1])["reg_children"]


class MadeRows:
    """The rows a folding made so far, read back as a fold reads back what it wrote."""

    def __init__(self, made: dict[str, list[dict[str, Any]]]) -> None:
        self.made = made

    def rows(self, table: str, columns: Sequence[str],
             by: str) -> Generator[tuple[Any, ...], None, None]:
        for row in sorted(self.made[table], key=lambda row: row[by]):
            yield tuple(row[column] for column in columns)


def folded_as_read(register: CareRegister, view: type[View],
                   read: list[Stretch]) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of ``view`` made by its own folding from the stretches ``read`` (decoded
    earlier) and what the log holds after them, in :func:`all_rows`' order."""
    folding = folding_of(view, register)
    assert folding is not None
    made: dict[str, list[dict[str, Any]]] = {name: [] for name in view.tables}
    for stored, events in [*read, *decoded(register, start=read[-1][0][-1].id)]:
        for table, (columns, rows) in [*folding.fold(stored, events).items()]:
            made[table] += [dict(zip(columns, row, strict=True)) for row in rows]
    for table, (columns, rows) in folding.finish(MadeRows(made)).items():
        made[table] += [dict(zip(columns, row, strict=True)) for row in rows]
    return {name: sorted((tuple(sorted(row.items())) for row in rows), key=repr)
            for name, rows in made.items()}


def test_the_timeline_folded_erases_the_reasons_following_the_log_erases(
        settings: Settings) -> None:
    """A pairing's end and an activity's cancellation, each with a reason in words, on the
    timeline of a child erased later and on another child's, and a change of the child's
    own with a reason: folding the events as the runner read them (before the erasure made
    their texts unreadable), the timeline's folding erases the reasons that following the
    log erases."""
    with opened(settings) as (register, runner):
        first, second = record_some_care(register, children=2)
        both = register.form_pairing(child_ids=[first, second],
                                     volunteer_ids=[approved_volunteer(register)],
                                     principle="nearby", starts_on=date(2026, 4, 1),
                                     actor=STAFF)
        register.end_pairing(both, reason="王小花0的家长要求", actor=STAFF, on=date(2026, 5, 1))
        activity = register.record_activity(kind="festival", title="端午节集体活动",
                                            child_ids=[first, second], organiser="石牌镇妇联",
                                            actor=STAFF, occurred_on=date(2026, 5, 30))
        register.cancel_activity(activity, reason="王小花0未到场", actor=STAFF)
        register.change_categories(first, ["both_parents_away", "poor_family"], actor=STAFF,
                                   on=date(2026, 5, 2), reason="王小花0家庭困难")
        read = list(decoded(register))
        register.erase_personal_data(first, reason="监护人撤回同意", actor=STAFF,
                                     on=date(2026, 6, 5))
        runner.catch_up_all()
        followed = all_rows(runner, (ChildTimeline,))
        folded = folded_as_read(register, ChildTimeline, read)

    erased = {(dict(row)["child_id"], dict(row)["aggregate_id"]) for row in
              followed["tl_entries"]
              if ERASED in dict(row)["details"] and dict(row)["event_type"] != "ChildErased"}
    assert erased == {(str(child), str(aggregate)) for child in (first, second)
                      for aggregate in (both, activity)} | {(str(first), str(first))}
    assert folded == followed


def test_the_registers_facts_and_duties_folded_follow_moves_late_entries_and_erasures(
        store: str, make_settings: Callable[..., Settings]) -> None:
    """A contact stored before contacts named their children, a transfer and one entered
    late dated before it, a guardian changed where the child now lives, a pairing ended and
    a child exited with reasons, then the child erased: the report facts', the duties', the
    pairings' and the children's foldings, given the events as the runner read them, make
    the tables that following the log makes.
    (The log is not encrypted: the old contact is written into it as stored then.)"""
    with opened(make_settings(store)) as (register, runner):
        girl, boy, pairing_id = with_an_old_contact(register)
        register.transfer_child(girl, region_code="420822100201", reason="随祖父母迁出",
                                actor=STAFF, on=date(2026, 6, 10))
        register.transfer_child(girl, region_code="420821102203", reason="补录",
                                actor=STAFF, on=date(2026, 5, 1))
        register.change_guardian(girl, Guardian(name="王秀芝", relation="姑姑", age=45,
                                                health="良好"),
                                 actor=STAFF, on=date(2026, 6, 11), reason="祖母年迈")
        register.change_categories(girl, ["both_parents_away", "poor_family"], actor=STAFF,
                                   on=date(2026, 6, 9), reason="家庭困难")
        register.change_categories(girl, ["both_parents_away"], actor=STAFF,
                                   on=date(2026, 5, 2), reason="补录")
        register.end_pairing(pairing_id, reason="王小花的家长要求", actor=STAFF,
                             on=date(2026, 6, 12))
        register.exit_child(girl, reason="王小花随父母迁出", actor=STAFF, on=date(2026, 6, 13))
        read = list(decoded(register))
        register.erase_personal_data(girl, reason="监护人撤回同意", actor=STAFF,
                                     on=date(2026, 6, 14))
        runner.catch_up_all()
        followed = all_rows(runner, (ReportFacts,))
        folded = folded_as_read(register, ReportFacts, read)
        duties_followed = all_rows(runner, (DutyView,))
        duties_folded = folded_as_read(register, DutyView, read)
        pairings_followed = all_rows(runner, (PairingsRegister,))
        pairings_folded = folded_as_read(register, PairingsRegister, read)
        children_followed = all_rows(runner, (ChildrenRegister,))
        children_folded = folded_as_read(register, ChildrenRegister, read)

    assert {dict(row)["child_id"]: dict(row)["region_code"]
            for row in followed["rf_child_places"]} == {str(girl): "420822100201",
                                                        str(boy): "420821101"}
    assert [dict(row)["exit_reason"] for row in followed["rf_children"]
            if dict(row)["child_id"] == str(girl)] == [ERASED]
    assert [dict(row)["end_reason"] for row in followed["rf_pairings"]] == [ERASED]
    assert len(followed["rf_reached"]) == 2  # the old contact reached both children
    assert folded == followed
    assert [(dict(row)["kind"], dict(row)["moved_on"]) for row in
            duties_followed["duty_child_moves"]] == [("region_code", "2026-06-10")]
    assert [dict(row)["ended_on"] for row in duties_followed["duty_pairings"]] == [
        "2026-06-12"]
    assert duties_followed["duty_status"]
    assert duties_folded == duties_followed
    assert [(dict(row)["status"], dict(row)["end_reason"], dict(row)["contacts"])
            for row in pairings_followed["reg_pairings"]] == [("ended", ERASED, 1)]
    assert {dict(row)["child_id"]: dict(row)["region_code"]
            for row in pairings_followed["reg_pairing_places"]}[str(girl)] == "420822100201"
    assert pairings_folded == pairings_followed
    girls = [dict(row) for row in children_followed["reg_children"]
             if dict(row)["child_id"] == str(girl)]
    assert [(row["name"], row["exit_reason"], row["region_code"], row["active_pairings"])
            for row in girls] == [(ERASED, ERASED, "420822100201", 0)]
    assert [row["categories_on"] for row in girls] == ["2026-06-09"]
    assert str(girl) not in {dict(row)["child_id"] for row in children_followed["reg_child_names"]}
    assert children_folded == children_followed


def test_a_view_that_cannot_fold_the_log_fails_the_rebuild_and_stays_in_service(
        recorded: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """An event the timeline's folding cannot fold: the rebuild says which view and where,
    every view in service stays as it was, and nothing of the folds is left behind."""
    runner = recorded[1]
    followed, before = all_rows(runner), generations(recorded)

    def refuse(self: Any, e: Any, tx: Any) -> None:
        raise ValueError("a stored event of an unknown shape")

    monkeypatch.setattr(_InMemoryTimeline, "_exited", refuse, raising=False)
    with pytest.raises(RuntimeError, match=r"the view timeline could not fold the log between"
                                           r" positions \d+ and \d+ \(ValueError"):
        runner.rebuild_together()

    assert generations(recorded) == before
    assert all_rows(runner) == followed
    if settings.store == "sqlite":
        assert not list((settings.data_dir / "views").glob("*.fold.state"))


def test_a_duties_evaluation_failing_half_way_leaves_the_duties_in_service_and_no_copy_running(
        recorded: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The duties' evaluation at the end of a fold fails half-way through the contacts it
    reads back: no COPY is left running on PostgreSQL, the duties in service stay as they
    were (every view in service answers whole), and the next rebuild puts every view in
    service."""
    runner = recorded[1]
    followed, before = all_rows(runner), generations(recorded)
    evaluated = DutyView._evaluated
    calls = []

    def fail_on_the_second(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 2:
            raise ValueError("a duty that cannot be evaluated")
        return evaluated(*args)

    monkeypatch.setattr(DutyView, "_evaluated", staticmethod(fail_on_the_second))
    with pytest.raises(ValueError, match="a duty that cannot be evaluated"):
        runner.rebuild_together()

    if settings.store == "postgres":
        with runner.store.recorder(DutyView).read() as tx:
            copying = tx.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE"
                                 " starts_with(query, 'COPY (SELECT') AND state <> 'idle'"
                                 " AND pid <> pg_backend_pid()").one()
        assert copying is not None and copying["n"] == 0
    assert generations(recorded)["duties"] == before["duties"]
    assert all_rows(runner) == followed
    monkeypatch.setattr(DutyView, "_evaluated", staticmethod(evaluated))
    runner.rebuild_together()
    assert all_rows(runner) == followed


def test_a_follower_started_afresh_places_a_pairing_formed_after_its_child_moved(
        settings: Settings) -> None:
    """A follower whose memory starts empty (a restart) and a child's move, then a pairing
    formed with it and a contact: the contact's fact is placed where the child now is, as
    the fold places it."""
    with opened(settings) as (register, runner):
        [child] = record_some_care(register, children=1)
        runner.catch_up_all()
    with opened(settings) as (register, runner):  # the follower starts again, memory empty
        register.change_school(child, school="胡集镇初级中学", class_name="七年级一班",
                               actor=TEACHER, on=date(2026, 6, 10), reason="升学")
        pairing = register.form_pairing(child_ids=[child],
                                        volunteer_ids=[approved_volunteer(register)],
                                        principle="nearby", starts_on=date(2026, 6, 11),
                                        actor=STAFF)
        register.record_contact(pairing, kind="phone", notes="", actor=MOTHER,
                                occurred_on=date(2026, 6, 12), duration_minutes=10)
        runner.catch_up_all()
        with runner.store.recorder(ReportFacts).read() as tx:
            placed = tx.execute("SELECT region_code, township, school FROM rf_facts"
                                " WHERE subject_id = ? AND event = 'ContactRecorded'",
                                (str(pairing),)).all()
        followed = all_rows(runner, (ReportFacts,))
        runner.rebuild_together((ReportFacts,))
        rebuilt = all_rows(runner, (ReportFacts,))

    assert placed == [{"region_code": "420821101", "township": "420821101",
                       "school": "胡集镇初级中学"}]
    assert rebuilt == followed
