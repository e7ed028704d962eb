"""Benchmark: importing a children's register (花名册) of N rows from an .xlsx file.

For each store (SQLite, PostgreSQL in a throwaway schema), all in the same run:

- the import: ``CareRegister.import_register`` over the streamed sheet (batches of 200
  records per transaction), rows/s and peak memory (the largest resident set of the process
  that did it: each measurement runs in a process of its own), then the same file again;
- the baseline: the same children registered one by one through ``register_child`` (the
  first ``--single`` rows, on a fresh store);
- the ceiling: the store's batch save rate, the same aggregates (child and national-ID claim)
  built in memory and saved 200 rows a time with ``app.save(*aggregates)``, on a fresh store.

    .venv/bin/python bench/import_register.py [N] [--single 2000] [--stores sqlite,postgres]

Uses the PostgreSQL named by AIXIN_TEST_POSTGRES_* (default 127.0.0.1:5432, db test).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Child
from domain.common import Actor
from domain.imports import Layout
from domain.imports.rows import child_record
from tests.conftest import postgres_params
from tests.imports_support import CHILD_HEADER, TOWNSHIP, child_row, workbook
from workers.imports.sheets import sheet_rows

CLERK = Actor(id="bench", role="admin")
BATCH = 200


def _everywhere(code: str, school: str) -> bool:
    return True


def _county(code: str) -> bool:
    return True


@contextmanager
def fresh(store: str, folder: Path) -> Iterator[CareRegister]:
    """A register on an empty store (a new SQLite file, or a new PostgreSQL schema)."""
    if store == "sqlite":
        path = Path(tempfile.mkdtemp(dir=folder))
        register = build_register(Settings(store="sqlite", data_dir=path))  # type: ignore[call-arg]
        yield register
        register.close()
        return
    p = postgres_params()
    schema = f"bench_import_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**p, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    register = build_register(Settings(
        store="postgres", postgres_host=p["host"], postgres_port=int(p["port"]),
        postgres_user=p["user"], postgres_dbname=p["dbname"], postgres_schema=schema,
        postgres_pool_size=2))  # type: ignore[arg-type]
    try:
        yield register
    finally:
        register.close()
        with psycopg.connect(**p, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds, the process's peak resident memory so far (MiB) and the result of
    ``work()``."""
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result


def records(rows: int) -> list[dict[str, Any]]:
    layout = Layout.of("children", CHILD_HEADER)
    return [child_record(layout, layout.cells(child_row(n))) for n in range(1, rows + 1)]


def measure(part: str, store: str, sheet: Path, rows: int, single: int, folder: Path) -> None:
    """One measurement, in this process: ``import``, ``single`` or ``ceiling``."""
    if part == "import":
        with fresh(store, folder) as register:
            register.name_places([TOWNSHIP], actor=CLERK)

            def imported() -> Any:
                with sheet_rows(sheet) as lines:
                    return register.import_register("children", lines, actor=CLERK,
                                                    admits=_everywhere, division_known=_county)
            seconds, peak, outcome = timed(imported)
            assert outcome.accepted == rows, (outcome.accepted, outcome.errors[:3])
            again, _, repeat = timed(imported)
            assert repeat.unchanged == rows
        print(f"{store:9s} import           {rows / seconds:9.0f} rows/s  {seconds:7.1f} s  "
              f"peak {peak:6.1f} MiB")
        print(f"{store:9s} import again     {rows / again:9.0f} rows/s  {again:7.1f} s  "
              "(every row unchanged, nothing recorded)")
    elif part == "single":
        given = records(single)
        with fresh(store, folder) as register:
            def one_by_one() -> None:
                for record in given:
                    register.register_child(actor=CLERK, **record)
            seconds, peak, _ = timed(one_by_one)
        print(f"{store:9s} one by one       {single / seconds:9.0f} rows/s  {seconds:7.1f} s  "
              f"peak {peak:6.1f} MiB  (first {single} rows, register_child)")
    else:
        given = records(rows)
        with fresh(store, folder) as register:
            today = register.today()

            def ceiling() -> None:
                for start in range(0, rows, BATCH):
                    batch: list[Any] = []
                    for record in given[start:start + BATCH]:
                        child = Child.register(today=today, actor=CLERK, **{
                            **record, "registered_on": today})
                        index = register.national_id_index(record["id_number"])
                        assert index is not None
                        batch += [child, register._new_claim(index, child.id, on=today,
                                                             actor=CLERK)]
                    register.save(*batch)
            seconds, peak, _ = timed(ceiling)
        print(f"{store:9s} ceiling (save)   {rows / seconds:9.0f} rows/s  {seconds:7.1f} s  "
              f"peak {peak:6.1f} MiB  (the rows built in memory first, {BATCH} rows per "
              "transaction)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--part", help=argparse.SUPPRESS)  # one measurement: store:part:sheet
    options = parser.parse_args()
    single = min(options.single, options.rows)
    if options.part:
        store, part, sheet = options.part.split(":", 2)
        with tempfile.TemporaryDirectory(prefix="aixin-bench-import-") as folder:
            measure(part, store, Path(sheet), options.rows, single, Path(folder))
        return
    with tempfile.TemporaryDirectory(prefix="aixin-bench-import-") as folder:
        sheet = workbook(Path(folder) / "register.xlsx", CHILD_HEADER,
                         [child_row(n) for n in range(1, options.rows + 1)])
        print(f"register: {options.rows} rows, {sheet.stat().st_size / 2**20:.1f} MiB .xlsx",
              flush=True)
        for store in options.stores.split(","):
            for part in ("import", "single", "ceiling"):
                subprocess.run([sys.executable, __file__, str(options.rows), "--single",
                                str(single), "--part", f"{store}:{part}:{sheet}"], check=True)


if __name__ == "__main__":
    main()
