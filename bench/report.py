"""Benchmark: the quarterly report (季度报送) of the projections benchmark's county.

Generates the county's log of N events on PostgreSQL (``bench/rebuild.py``'s generator, default
1,000,000 events: 20,000 children, 8,000 volunteers, two years of contacts), brings the report's
facts view (``ReportFacts``) up to date, then computes the report of 2026 Q1 for the whole region
(prefix 4208: every division code the generator draws, about 1,800 townships of 11 children each)
as the report task would, each way timed for its wall time and each worker's peak memory:

- ``whole``: one computation over the whole region (no fan-out);
- ``fan-out, 1 worker``: one task per township (``--group`` townships per task), all in one
  worker process, then ``combine``;
- ``fan-out, 2 workers``: the same tasks shared between two worker processes (as a Celery chord
  on two workers), then ``combine`` in the parent.

Each worker is a fresh process (``spawn``) with its own connection, as a Celery worker is; its
peak memory is its own maximum resident set. The combined figures are checked to be exactly the
whole computation's, byte for byte. Rendering the .xlsx and .docx is timed last.

    .venv/bin/python bench/report.py [N] [--group 1] [--keep] [--schema NAME]

``--keep`` leaves the generated schema in place and prints its name; ``--schema`` reuses one
(generation takes a while at a million events), ``--rebuild`` rebuilds its facts view first.
Uses the PostgreSQL named by AIXIN_TEST_POSTGRES_* (default 127.0.0.1:5432, database test).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aixin.bootstrap import build_register, build_view_store
from projections.reports import ReportFacts, combine, compute_figures, to_json, townships
from projections.runner import ViewRunner
from tests.conftest import postgres_params

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rebuild import TODAY, drop_schemas, generate, settings_for

REGION, YEAR, QUARTER = "4208", 2026, 1


def peak_mib() -> float:
    """This process's peak resident memory in MiB: ``VmHWM``, which, unlike ``ru_maxrss``,
    does not carry over the parent's peak into a process spawned by fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def work(schema: str, known_at: str, groups: list[list[str]] | None) -> dict[str, Any]:
    """One worker process: compute each group's part (or the whole region if None)."""
    started = time.perf_counter()
    views = build_view_store(settings_for(schema))
    try:
        moment = datetime.fromisoformat(known_at)
        with views.recorder(ReportFacts).read() as tx:
            if groups is None:
                parts = [compute_figures(tx, REGION, YEAR, QUARTER, moment)]
            else:
                parts = [compute_figures(tx, REGION, YEAR, QUARTER, moment, township=group)
                         for group in groups]
    finally:
        views.close()
    return {"parts": parts, "seconds": time.perf_counter() - started, "peak": peak_mib()}


def run(pool_size: int, schema: str, known_at: str,
        groups: list[list[str]] | None) -> tuple[float, list[dict[str, Any]]]:
    """Wall time of the whole run, and each worker's result."""
    context = multiprocessing.get_context("spawn")
    shares: list[list[list[str]] | None]
    shares = [None] if groups is None else [groups[i::pool_size] for i in range(pool_size)]
    started = time.perf_counter()
    with context.Pool(len(shares)) as pool:
        results = pool.starmap(work, [(schema, known_at, share) for share in shares])
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("events", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--group", type=int, default=1, help="townships per task")
    parser.add_argument("--keep", action="store_true", help="keep the generated schema")
    parser.add_argument("--schema", help="reuse a schema generated and kept before")
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the report's facts view from zero first (timed)")
    args = parser.parse_args()

    schema = args.schema or f"bench_report_{uuid.uuid4().hex[:8]}"
    settings = settings_for(schema)
    register = None
    try:
        if args.schema is None:
            with psycopg.connect(**postgres_params(), autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
        register = build_register(settings, clock=lambda: TODAY)
        if args.schema is None:
            started = time.perf_counter()
            generate(register, args.events, random.Random(1))
            print(f"log: {register.recorder.max_notification_id():,} events generated in "
                  f"{time.perf_counter() - started:.0f} s, schema {schema}")
        views = build_view_store(settings)
        runner = ViewRunner(register, views, (ReportFacts,), batch_size=2000)
        started = time.perf_counter()
        applied = (runner.rebuild(ReportFacts) if args.rebuild
                   else runner.catch_up(ReportFacts))
        print(f"report facts view: {applied:,} events applied in "
              f"{time.perf_counter() - started:.1f} s (position {runner.position(ReportFacts):,})")
        known_at = datetime.now(UTC)
        with views.recorder(ReportFacts).read() as tx:
            codes = townships(tx, REGION, known_at)
            facts = tx.execute("SELECT COUNT(*) AS n FROM rf_facts").scalar()
        views.close()
        groups = [codes[i:i + args.group] for i in range(0, len(codes), args.group)]
        print(f"region {REGION}, {YEAR} Q{QUARTER}: {len(codes):,} townships, {len(groups):,} "
              f"tasks of {args.group}, {facts:,} facts\n")

        print(f"{'computation':<24}{'wall':>9}{'per worker':>22}{'peak memory per worker':>30}")
        wall, (result,) = run(1, schema, known_at.isoformat(), None)
        whole = result["parts"][0]
        print(f"{'whole, 1 process':<24}{wall:>8.1f}s{result['seconds']:>21.1f}s"
              f"{result['peak']:>26.0f} MiB")
        for workers in (1, 2):
            wall, results = run(workers, schema, known_at.isoformat(), groups)
            started = time.perf_counter()
            combined = combine([part for r in results for part in r["parts"]])
            combining = time.perf_counter() - started
            same = to_json(combined) == to_json(whole)
            label = f"fan-out, {workers} worker{'s' if workers > 1 else ''}"
            seconds = ", ".join(f"{r['seconds']:.1f}" for r in results)
            peaks = ", ".join(f"{r['peak']:.0f}" for r in results)
            print(f"{label:<24}{wall:>8.1f}s{seconds:>21}s{peaks:>26} MiB"
                  f"   combine {combining:.2f} s, identical to whole: {same}")
            assert same, "combined township parts differ from the whole computation"

        from workers.reports.files import write_files

        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            written = write_files(whole, Path(folder))
            sizes = ", ".join(f"{name} {path.stat().st_size // 1024} KiB"
                              for name, path in written.items())
        print(f"\nfiles: {sizes} in {time.perf_counter() - started:.1f} s")
        totals = whole["totals"]
        print(f"totals: left behind {totals['left_behind']:,}, coverage "
              f"{totals['pairing_coverage']}, contacts {totals['contacts']:,}, duty compliance "
              f"{totals['duty_compliance']}, overdue {totals['duties_overdue']:,}")
    finally:
        if register is not None:
            register.close()
        if args.keep or args.schema:
            print(f"schema kept: {schema}")
        else:
            drop_schemas(schema)


if __name__ == "__main__":
    main()
