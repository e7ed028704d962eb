"""The projector dies mid-batch (SIGKILL, or its connections dropped) and the registers
still end identical to a rebuild from zero: nothing applied twice, nothing skipped.

"Mid-batch" is made certain, not hoped for: the test holds ``LOCK TABLE`` on
``reg_child_pairings`` so that the children's register blocks, inside its batch's
transaction, on the first pairing of the log, after it has already written the children
registered earlier in that batch (a pairing writes ``reg_child_pairings`` first). Only then
is the process killed, or its connections terminated. Random-time kills and drops follow
while it catches up.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from aixin.bootstrap import build_register, build_view_store
from domain.application import CareRegister
from domain.children import Guardian, Parent
from projections.catalog import ALL_VIEWS
from projections.registers.children import ChildrenRegister
from projections.runner import ViewRunner
from storage.views import ViewStore
from tests.builders import MOTHER, REVIEWERS, STAFF, TEACHER, TODAY, child_record, volunteer_form
from tests.conftest import postgres_params
from tests.integration.log_support import all_rows

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

AIXIN = Path(sys.executable).parent / "aixin"
BATCH_SIZE = 50
CONTACT_KINDS = ("phone", "home_visit", "material_aid", "letter", "school_visit", "talk",
                 "parent_call", "tutoring", "birthday", "guardian_contact")
CATEGORIES = ("poor_family", "single_parent", "both_parents_away", "study_difficulty",
              "disabled", "psychological_difficulty")
STATUSES = ("away", "home", "incapable", "deceased")


# -- the log: a small county, recorded through the register's use cases -------------------------


@dataclass
class County:
    """What was recorded, to check the registers are not trivially empty."""

    children: list[Any] = field(default_factory=list)
    volunteers: list[Any] = field(default_factory=list)
    pairings: list[tuple[Any, date, list[Any]]] = field(default_factory=list)
    contacts: int = 0
    first_pairing_at: int = 0  # log position of the first PairingFormed


def record_a_county(register: CareRegister, rng: random.Random, operations: int) -> County:
    """Volunteers reviewed level by level, children, pairings of every shape, then
    ``operations`` contacts, corrections and concerns; at the end exits and ended pairings.
    """
    county = County()
    approved = []
    for index in range(40):
        volunteer = register.apply_to_volunteer(
            volunteer_form(name=f"志愿者{index}", region_code=rng.choice(
                ["420821", "420822", "420881"])), actor=STAFF, applied_on=date(2025, 5, 6))
        outcome = index % 10
        levels = ("unit", "county", "city", "province")[:4 if outcome < 8 else outcome - 7]
        for step, level in enumerate(levels):
            rejected = outcome == 8 and step == len(levels) - 1
            register.review_volunteer(volunteer, level=level, opinion="同意",
                                      decision="reject" if rejected else "approve",
                                      on=date(2025, 5, 10 + step), actor=REVIEWERS[level])
        county.volunteers.append(volunteer)
        if outcome < 8:
            approved.append(volunteer)
    for index in range(150):
        registered = date(2025, 6, 1) + timedelta(days=rng.randrange(90))
        county.children.append(register.register_child(actor=STAFF, **child_record(
            name=f"孩子{index}", sex=rng.choice(["female", "male"]),
            birth_date=date(2010, 1, 1) + timedelta(days=rng.randrange(365 * 10)),
            region_code=rng.choice(["420821101", "420821102", "420822201", "420881001"]),
            school=rng.choice(["石牌镇中心小学", "胡集镇中学", "长寿镇小学"]),
            parents=tuple(Parent(role=role, status=rng.choice(STATUSES[:2]))
                          for role in ("father", "mother")),
            categories=tuple(rng.sample(CATEGORIES, rng.randrange(3))),
            registered_on=registered)))
    county.first_pairing_at = (register.recorder.max_notification_id() or 0) + 1
    pairable = county.children[:140]  # the last ten are never paired, and leave
    for index in range(120):
        shape = index % 10
        children = rng.sample(pairable, 2 if shape == 0 else 1)
        helpers = rng.sample(approved, 2 if shape == 1 else 1)
        starts = date(2025, 9, 1) + timedelta(days=rng.randrange(120))
        pairing = register.form_pairing(child_ids=children, volunteer_ids=helpers,
                                        principle=rng.choice(["nearby", "kin", "need"]),
                                        starts_on=starts, actor=STAFF)
        county.pairings.append((pairing, starts, children))
    concerns: list[tuple[Any, str]] = []
    for _ in range(operations):
        draw = rng.random()
        child = rng.choice(pairable)
        on = date(2025, 9, 1) + timedelta(days=rng.randrange((TODAY - date(2025, 9, 1)).days))
        if draw < 0.86:
            pairing, starts, paired = rng.choice(county.pairings)
            kind = rng.choice(CONTACT_KINDS)
            register.record_contact(
                pairing, kind=kind, notes="", actor=MOTHER,
                child_ids=rng.sample(paired, rng.randrange(1, len(paired) + 1)),
                occurred_on=starts + timedelta(days=rng.randrange((TODAY - starts).days + 1)),
                items=rng.randrange(1, 5) if kind == "material_aid" else 0,
                duration_minutes=rng.choice([None, 15, 60]))
            county.contacts += 1
        elif draw < 0.90:
            register.change_parent(child, Parent(role=rng.choice(["father", "mother"]),
                                                 status=rng.choice(STATUSES)),
                                   actor=TEACHER, on=on, reason="补录")
        elif draw < 0.92:
            register.change_categories(child, rng.sample(CATEGORIES, rng.randrange(3)),
                                       actor=STAFF, on=on)
        elif draw < 0.94:
            register.change_guardian(child, Guardian(name="张桂兰", relation="祖母"),
                                     actor=TEACHER, on=on)
        elif draw < 0.97:
            concerns.append((child, register.report_concern(
                child, kind=rng.choice(["absence", "illness"]), description="缺课",
                actor=TEACHER, occurred_on=on)))
        elif draw < 0.99 and concerns:
            concern_child, concern = concerns.pop(rng.randrange(len(concerns)))
            register.resolve_concern(concern_child, concern, action="已处理", actor=TEACHER)
        else:
            volunteer = rng.choice(approved)
            register.commend_volunteer(volunteer, reason="表现突出", actor=STAFF, on=on)
            if rng.random() < 0.5:
                register.suspend_volunteer(volunteer, reason="外出", actor=STAFF, on=TODAY)
                register.reinstate_volunteer(volunteer, reason="返乡", actor=STAFF, on=TODAY)
    for pairing, _, _ in county.pairings[:10]:
        register.end_pairing(pairing, reason="调整", actor=STAFF, on=TODAY)
    for child in county.children[140:]:
        register.exit_child(child, reason="迁出", actor=STAFF, on=TODAY)
    return county


# -- the real projector process -----------------------------------------------------------------


@dataclass
class Projector:
    """Starts ``aixin projector`` on the test's schema; its connections carry ``app_name``."""

    schema: str
    logs: Path
    app_name: str = field(default_factory=lambda: f"aixin-projector-{uuid.uuid4().hex[:8]}")
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        params = postgres_params()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIXIN_")}
        env.update(
            AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
            AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
            AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=self.schema,
            AIXIN_DATA_DIR=str(self.logs / "var"), AIXIN_POSTGRES_POOL_SIZE="1",
            AIXIN_PROJECTIONS_BATCH_SIZE=str(BATCH_SIZE), AIXIN_PROJECTIONS_POLL_INTERVAL="0.1",
            PGAPPNAME=self.app_name)  # libpq names every connection the process opens
        return env

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.logs / f"projector-{len(self.started)}.log").open("wb")
        process = subprocess.Popen([str(AIXIN), "projector"], env=self.env(), stdout=log,
                                   stderr=subprocess.STDOUT)
        log.close()
        self.started.append(process)
        return process

    def once(self) -> str:
        done = subprocess.run([str(AIXIN), "projector", "--once"], env=self.env(),
                              capture_output=True, timeout=120, check=False)
        output = (done.stdout + done.stderr).decode()
        assert done.returncode == 0, output
        return output

    def assert_running(self) -> None:
        process = self.started[-1]
        assert process.poll() is None, (
            f"the projector exited ({process.returncode}):\n{self.output()[-3000:]}")

    def output(self) -> str:
        return "".join(path.read_text(errors="replace")
                       for path in sorted(self.logs.glob("projector-*.log")))

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.fixture
def projector(postgres_schema: str, tmp_path: Path) -> Iterator[Projector]:
    running = Projector(postgres_schema, tmp_path)
    yield running
    running.kill_all()


@pytest.fixture
def county_log(make_settings: Callable[..., Any]) -> Iterator[tuple[CareRegister, ViewRunner]]:
    """The register with its views' tables created, and a runner on the same views."""
    settings = make_settings("postgres", postgres_pool_size=1)
    register = build_register(settings, clock=lambda: TODAY)
    views = build_view_store(settings)  # where the projector keeps them; one connection each
    runner = ViewRunner(register, ViewStore("postgres", postgres=replace(views.postgres,
                                                                         pool_size=1)),
                        ALL_VIEWS, batch_size=BATCH_SIZE)
    for view in ALL_VIEWS:
        runner.store.recorder(view)  # the tables exist before anything is locked
    yield register, runner
    runner.store.close()
    register.close()


@pytest.fixture
def db() -> Iterator[psycopg.Connection[Any]]:
    """The test's own connection, to watch and to disturb the projector's."""
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        yield conn


# -- helpers ------------------------------------------------------------------------------------


def eventually(condition: Callable[[], Any], *, within: float, what: str,
               projector: Projector | None = None) -> Any:
    """Poll ``condition`` until it returns something truthy, at most ``within`` seconds
    (and only while the projector, if given, is running)."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if result:
            return result
        if projector is not None:
            projector.assert_running()
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within} s for {what}"
                                 + (f"; its log:\n{projector.output()[-3000:]}" if projector
                                    else ""))
        time.sleep(0.02)


def table(runner: ViewRunner, view: type, name: str) -> str:
    return f'"{runner.store.recorder(view).datastore.schema}".{name}'


@contextmanager
def locked(db_params: dict[str, str], relation: str) -> Iterator[psycopg.Connection[Any]]:
    """Hold ACCESS EXCLUSIVE on ``relation`` until the block ends."""
    with psycopg.connect(**db_params) as conn:
        conn.execute(f"LOCK TABLE {relation} IN ACCESS EXCLUSIVE MODE")
        try:
            yield conn
        finally:
            conn.rollback()


def blocked_by(db: psycopg.Connection[Any], holder: psycopg.Connection[Any]) -> list[Any]:
    return db.execute("SELECT pid, application_name FROM pg_stat_activity"
                      " WHERE %s = ANY(pg_blocking_pids(pid))",
                      (holder.info.backend_pid,)).fetchall()


def has_written(db: psycopg.Connection[Any], pid: int, relation: str) -> bool:
    """Whether backend ``pid`` holds the lock an INSERT or UPDATE of ``relation`` takes."""
    return bool(db.execute(
        "SELECT count(*) FROM pg_locks WHERE pid = %s AND relation = to_regclass(%s)"
        " AND mode = 'RowExclusiveLock' AND granted", (pid, relation)).fetchone()[0])


def block_children_mid_batch(db: psycopg.Connection[Any], runner: ViewRunner,
                             holder: psycopg.Connection[Any], projector: Projector) -> int:
    """Wait until the projector's children batch is blocked after writing rows; its pid."""
    [(pid, name)] = eventually(lambda: blocked_by(db, holder), within=60, projector=projector,
                               what="the projector to block on the locked table")
    assert name == projector.app_name
    assert has_written(db, pid, table(runner, ChildrenRegister, "reg_children")), (
        "the blocked batch has already written children in its transaction")
    return int(pid)


def applied(runner: ViewRunner) -> int:
    return sum(runner.position(view) for view in ALL_VIEWS)


def after_progress(runner: ViewRunner, projector: Projector, rng: random.Random) -> None:
    """Return at a random moment once the projector has committed something new."""
    before = applied(runner)
    eventually(lambda: applied(runner) > before, within=60, projector=projector,
               what="the projector to progress")
    time.sleep(rng.uniform(0.0, 0.3))


def caught_up_while_the_county_writes(register: CareRegister, runner: ViewRunner,
                                      county: County, *, within: float) -> None:
    """Wait for every view to catch up while the county goes on recording a contact every
    quarter second (forty at most); each write notifies the projector, as in service.
    """
    deadline = time.monotonic() + within
    open_pairings = iter(county.pairings[10:50])  # the first ten were ended
    next_write = 0.0
    while set(runner.lag().values()) != {0}:
        now = time.monotonic()
        assert now < deadline, f"waited {within} s for the projector to catch up"
        if now >= next_write and (pairing := next(open_pairings, None)):
            register.record_contact(pairing[0], kind="phone", notes="", actor=MOTHER,
                                    child_ids=pairing[2][:1])
            county.contacts += 1
            next_write = now + 0.25
        time.sleep(0.02)




def assert_identical_to_a_rebuild_from_zero(runner: ViewRunner, county: County) -> None:
    assert set(runner.lag().values()) == {0}, runner.lag()
    kept = all_rows(runner)
    contacts = sum(dict(row)["contacts"] for row in kept["reg_pairings"])
    assert (len(kept["reg_children"]), len(kept["reg_volunteers"]),
            len(kept["reg_pairings"]), contacts) == (
        len(county.children), len(county.volunteers), len(county.pairings), county.contacts)
    for view in ALL_VIEWS:
        runner.rebuild(view)
    rebuilt = all_rows(runner)
    differences = {name: (len(kept[name]), len(rebuilt[name]),
                          [row for row in kept[name] if row not in rebuilt[name]][:2])
                   for name in kept if kept[name] != rebuilt[name]}
    assert differences == {}, "(rows kept, rows rebuilt, first rows that differ)"
    assert set(runner.lag().values()) == {0}


# -- the tests ----------------------------------------------------------------------------------


def test_a_projector_killed_mid_batch_resumes_to_the_registers_of_a_rebuild(
        county_log: tuple[CareRegister, ViewRunner], projector: Projector,
        db: psycopg.Connection[Any]) -> None:
    register, runner = county_log
    rng = random.Random()
    county = record_a_county(register, random.Random(3), operations=2200)
    child_pairings = table(runner, ChildrenRegister, "reg_child_pairings")

    with locked(postgres_params(), child_pairings) as holder:
        process = projector.start()
        pid = block_children_mid_batch(db, runner, holder, projector)
        committed = runner.position(ChildrenRegister)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    eventually(lambda: not db.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                      (pid,)).fetchall(),
               within=10, what="the killed projector's backend to end")
    assert 0 < committed < county.first_pairing_at <= committed + BATCH_SIZE
    assert runner.position(ChildrenRegister) == committed
    assert db.execute(f"SELECT count(*) FROM {child_pairings}").fetchone()[0] == 0

    for _ in range(3):
        process = projector.start()
        after_progress(runner, projector, rng)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert max(runner.lag().values()) > 0, "the last kill came while it was catching up"
    projector.once()

    assert_identical_to_a_rebuild_from_zero(runner, county)


def test_a_projector_whose_connections_drop_recovers_by_itself(
        county_log: tuple[CareRegister, ViewRunner], projector: Projector,
        db: psycopg.Connection[Any]) -> None:
    register, runner = county_log
    rng = random.Random()
    county = record_a_county(register, random.Random(5), operations=2000)
    terminate = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                 " WHERE application_name = %s")

    process = projector.start()
    with locked(postgres_params(), table(runner, ChildrenRegister, "reg_child_pairings")) \
            as holder:
        block_children_mid_batch(db, runner, holder, projector)
        committed = runner.position(ChildrenRegister)
        assert db.execute(terminate, (projector.app_name,)).fetchall()
    for _ in range(3):
        after_progress(runner, projector, rng)
        assert db.execute(terminate, (projector.app_name,)).fetchall()
    caught_up_while_the_county_writes(register, runner, county, within=60)

    assert process.poll() is None, projector.output()
    assert runner.position(ChildrenRegister) > committed
    assert "projection catch-up failed" in projector.output()
    process.send_signal(signal.SIGTERM)
    process.wait(10)
    assert_identical_to_a_rebuild_from_zero(runner, county)
