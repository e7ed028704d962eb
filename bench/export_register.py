"""Benchmark: exporting a county's children's register (花名册) as a streamed .xlsx.

Generates a register of N children (default 20,000; a few hundred volunteers, half the
children paired), saved a few hundred aggregates at a time straight on the store, on the
embedded SQLite store and on PostgreSQL (a throwaway schema), and measures on each, in the
same run:

- the ceiling: reading the register's rows alone, a page of 500 at a time, names opened,
  no workbook written and nothing recorded;
- the workbook alone: the same rows written as the export writes them, no read recorded;
- the export: what ``GET /exports/children.xlsx`` does, the workbook written and one read
  recorded per child (a page of reads in one transaction);

each in seconds, and the peak memory of a second, traced pass (tracemalloc: Python's own
allocations, the register's size held against it).

    .venv/bin/python bench/export_register.py [N] [--stores sqlite,postgres]

Uses the PostgreSQL named by AIXIN_TEST_POSTGRES_* (default 127.0.0.1:5432, db test).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aixin.bootstrap import build_register, build_view_store
from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Child
from domain.common import Actor
from domain.pairings import Pairing
from domain.volunteers import Volunteer
from projections.exports.children import CHILDREN, child_rows, records_as_of
from projections.exports.registers import PAGE
from projections.exports.sheet import write_register
from projections.places.names import place_names
from projections.places.register import PlacesRegister
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.registers.pairings import PairingsRegister
from projections.registers.volunteers import VolunteersRegister
from projections.runner import ViewRunner
from tests.builders import REVIEWERS, STAFF, child_record, volunteer_form
from tests.conftest import postgres_params

TODAY = date(2026, 6, 15)
START = TODAY - timedelta(days=400)
EXPORTER = Actor(id="bench-exporter", role="federation")
VIEWS = (ChildrenRegister, PairingsRegister, VolunteersRegister, PlacesRegister)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def generate(register: CareRegister, children: int, rng: random.Random) -> None:
    """``children`` children in a county's townships and villages, one volunteer per 50,
    every other child paired; saved 300 aggregates at a time."""
    programme = register.programme
    volunteers = []
    for index in range(max(1, children // 50)):
        volunteer = Volunteer.apply(form=volunteer_form(name=f"志愿者{index}"),
                                    approval_levels=programme.approval_levels,
                                    applied_on=START, today=TODAY, actor=STAFF)
        for step, level in enumerate(programme.approval_levels):
            volunteer.review(level=level.value, decision="approve", opinion="同意",
                             on=START + timedelta(days=step + 1), today=TODAY,
                             actor=REVIEWERS[level])
        volunteers.append(volunteer)
    kids = [Child.register(today=TODAY, actor=STAFF, **child_record(
        name=f"孩子{index}", registered_on=START + timedelta(days=rng.randrange(20)),
        birth_date=date(2011, 1, 1) + timedelta(days=rng.randrange(3650)),
        region_code=f"420881{rng.randrange(100, 120)}{rng.randrange(200, 230)}"))
        for index in range(children)]
    for batch in chunks([*volunteers, *kids], 300):
        register.save(*batch)
    pairings = [Pairing.form(children=[child], volunteers=[rng.choice(volunteers)],
                             principle="nearby", agreement_signed_on=START + timedelta(30),
                             starts_on=START + timedelta(30), duty_sets=programme.duty_sets,
                             today=TODAY, actor=STAFF) for child in kids[::2]]
    for batch in chunks(pairings, 500):
        register.save(*batch)


def read_only(runner: ViewRunner) -> int:
    """The ceiling: the register's rows read a page at a time, nothing written."""
    count, after = 0, None
    while True:
        with runner.store.recorder(ChildrenRegister).read() as tx:
            rows = list_children(tx, ChildFilter(region_code="420881"), TODAY,
                                 texts=runner.texts, after=after, limit=PAGE)
        count += len(rows)
        if len(rows) < PAGE:
            return count
        after = rows[-1]["child_id"]


def workbook(runner: ViewRunner, folder: Path, record: bool) -> int:
    """The export's work: the rows written to a streamed workbook, and (``record``) one read
    recorded per child, a page in one transaction."""
    register = runner.app

    def seen(child_ids: list[str]) -> None:
        if record:
            register.record_reads([uuid.UUID(c) for c in child_ids], what="export_children",
                                  actor=EXPORTER)

    rows = child_rows(runner, ChildFilter(region_code="420881"), TODAY, place_names(runner),
                      records_as_of(register, TODAY), seen)
    return write_register(folder / f"export-{uuid.uuid4().hex[:6]}.xlsx", CHILDREN, rows,
                          subtitle="钟祥市")


def measured(action: Callable[[], int]) -> tuple[int, float, float]:
    """Rows, seconds (untraced) and peak traced memory in MiB (a second, traced pass)."""
    started = time.perf_counter()
    rows = action()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, seconds, peak / 2**20


def bench(store: str, settings: Settings, children: int, folder: Path) -> None:
    register = build_register(settings, clock=lambda: TODAY)
    runner = ViewRunner(register, build_view_store(settings), VIEWS)
    try:
        started = time.perf_counter()
        generate(register, children, random.Random(1))
        generated = time.perf_counter() - started
        runner.open_views()
        runner.catch_up_all()
        print(f"{store}: {children:,} children generated in {generated:.1f} s, registers "
              f"caught up in {time.perf_counter() - started - generated:.1f} s")
        lines = (("ceiling   read the register's rows only", lambda: read_only(runner)),
                 ("workbook  rows written to .xlsx, no reads", lambda: workbook(
                     runner, folder, record=False)),
                 ("export    rows written + one read per child", lambda: workbook(
                     runner, folder, record=True)))
        for title, action in lines:
            rows, seconds, peak = measured(action)
            print(f"  {title:<45} {rows:>7,} rows {seconds:>6.2f} s "
                  f"({rows / seconds:>8,.0f} rows/s)  peak {peak:6.1f} MiB")
        size = max(path.stat().st_size for path in folder.glob("export-*.xlsx"))
        print(f"  workbook size {size / 2**20:.1f} MiB")
    finally:
        runner.store.close()
        register.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("children", nargs="?", type=int, default=20_000)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    stores = args.stores.split(",")
    with tempfile.TemporaryDirectory(prefix="aixin-bench-export-") as scratch:
        folder = Path(scratch)
        if "sqlite" in stores:
            bench("sqlite", Settings(data_dir=folder / "var"), args.children,  # type: ignore[arg-type]
                  folder)
        if "postgres" in stores:
            schema = f"bench_export_{uuid.uuid4().hex[:8]}"
            params = postgres_params()
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            try:
                bench("postgres", Settings(
                    store="postgres", postgres_host=params["host"],
                    postgres_port=int(params["port"]), postgres_user=params["user"],
                    postgres_dbname=params["dbname"], postgres_schema=schema,
                    postgres_pool_size=2), args.children, folder)  # type: ignore[arg-type]
            finally:
                drop_schemas(schema)


def drop_schemas(schema: str) -> None:
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        rows = conn.execute("SELECT schema_name FROM information_schema.schemata"
                            " WHERE schema_name = %s OR schema_name LIKE %s",
                            (schema, schema + "\\_%")).fetchall()
        for (name,) in rows:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


if __name__ == "__main__":
    main()
