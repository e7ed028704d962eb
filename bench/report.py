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

With ``--celery``, the report is then produced end to end by the real tasks
(``aixin.reports.generate``, a chord of ``aixin.reports.part`` over groups of townships,
``--parts`` parts at most and ``--per-task`` townships at least, then ``aixin.reports.combine``
rendering and storing the files) in 1, then 2 ``aixin worker`` processes on Redis
(``AIXIN_TEST_REDIS_URL``, default redis://127.0.0.1:6379/0): wall time from queuing to
``done``, and each worker's peak memory (the highest ``VmHWM`` among its processes: the pool
child does the work); the stored figures are checked against the whole.

    .venv/bin/python bench/report.py [N] [--group 1] [--keep] [--schema NAME]
                                     [--celery [--per-task 25] [--parts 16]]

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
from cpu import CORES, CpuMeter
from rebuild import TODAY, drop_schemas, generate, settings_for

REGION, YEAR, QUARTER = "4208", 2026, 1
#: The Celery chord on two workers, as a multiple of its speed on one.
TARGET_SPEEDUP = 1.6


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


def process_group_peak_mib(pgid: int) -> float:
    """The highest peak resident memory (VmHWM) among the live processes of a group."""
    peak = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return peak


def kind_of(pid: int, command: str) -> str | None:
    """Each process of a chord's run by what it does (see ``bench.cpu``)."""
    if "aixin worker" in command or "celery" in command:
        return "Celery worker processes"
    if "redis-server" in command:
        return "Redis"
    return None


#: How often a chord's run asks whether its report is done: the wall time it measures is up to
#: this much late, for one worker and two alike.
POLL = 0.05


def celery_run(schema: str, workers: int, per_task: int, known_at: datetime,
               whole: bytes, logs: Path,
               parts: int = 16) -> tuple[float, list[float], int, CpuMeter]:
    """The report produced by the real Celery tasks in ``workers`` worker processes on Redis:
    (wall seconds from queuing to done, each worker's peak MiB, parts, the CPU it took)."""
    import os
    import signal
    import subprocess

    import redis

    from aixin.bootstrap import build_report_store
    from domain.common import SYSTEM
    from tests.workers.conftest import AIXIN, redis_url, settings_env

    prefix = f"aixin-bench-{uuid.uuid4().hex[:8]}:"
    settings = settings_for(schema).model_copy(update={
        "redis_url": redis_url(), "redis_key_prefix": prefix,
        "report_townships_per_task": per_task, "report_parts": parts, "data_dir": logs})
    started = []
    try:
        for number in range(workers):
            log = (logs / f"worker-{workers}-{number}.log").open("wb")
            started.append(subprocess.Popen(
                [str(AIXIN), "worker", "--concurrency=1", "--queues=reports"],
                env=settings_env(settings), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
            log.close()
        for number in range(workers):
            path = logs / f"worker-{workers}-{number}.log"
            while " ready." not in path.read_text(errors="replace"):
                assert started[number].poll() is None, path.read_text()[-2000:]
                time.sleep(0.2)
        register = build_register(settings)
        results = build_report_store(settings)
        try:
            report_id = register.request_report(region_code=REGION, year=YEAR, quarter=QUARTER,
                                                known_at=known_at, actor=SYSTEM)
            from workers.app import create_celery

            celery = create_celery(settings)
            with CpuMeter(kind_of, postgres_params()) as meter:
                begun = time.perf_counter()
                celery.send_task("aixin.reports.generate", args=(str(report_id),))
                while (report := register.get_report(report_id)).status.value in ("queued",
                                                                                  "running"):
                    time.sleep(POLL)
                wall = time.perf_counter() - begun
            assert report.status.value == "done", report.failure
            assert results.figures(report_id) == whole, "the chord's figures differ"
            peaks = [process_group_peak_mib(process.pid) for process in started]
            parts = sum(path.read_text(errors="replace").count("Task aixin.reports.part[")
                        for path in logs.glob(f"worker-{workers}-*.log")) // 2
            celery.close()
        finally:
            results.close()
            register.close()
        return wall, peaks, parts, meter
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(60)
        client = redis.Redis.from_url(redis_url())
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("events", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--group", type=int, default=1, help="townships per task")
    parser.add_argument("--keep", action="store_true", help="keep the generated schema")
    parser.add_argument("--schema", help="reuse a schema generated and kept before")
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the report's facts view from zero first (timed)")
    parser.add_argument("--celery", action="store_true",
                        help="also run the real Celery chord in 1 and 2 worker processes")
    parser.add_argument("--per-task", type=int, default=25,
                        help="townships per part task of the Celery chord, at least")
    parser.add_argument("--parts", type=int, default=16,
                        help="part tasks of the Celery chord, at most (AIXIN_REPORT_PARTS)")
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
        if args.celery:
            from projections.places.register import PlacesRegister
            from projections.registers.reports import ReportsRegister

            # As a deployment's projector would, keep the views the tasks read up to date: the
            # reports' register, and the places' (``combine`` names the places): a chord that
            # found them behind would catch them up over the whole log itself.
            followed = (ReportsRegister, PlacesRegister)
            ViewRunner(register, build_view_store(settings), followed,
                       batch_size=2000).catch_up_together(followed)
            print(f"\nthe real tasks (generate, {len(codes):,} townships in parts of "
                  f"{args.per_task} at least, {args.parts} parts at most, combine with files), "
                  "workers on Redis:")
            walls: dict[int, float] = {}
            with tempfile.TemporaryDirectory() as folder:
                for count in (1, 2):
                    wall, peak_mibs, parts, meter = celery_run(
                        schema, count, args.per_task, known_at, to_json(whole), Path(folder),
                        args.parts)
                    walls[count] = wall
                    print(f"  {count} worker{'s' if count > 1 else ' '}: {wall:6.1f} s wall "
                          f"({parts} parts), peak memory per worker "
                          + ", ".join(f"{peak:.0f}" for peak in peak_mibs) + " MiB")
                    print("\n".join(meter.lines(1, "report")))
                    if count == 1:
                        # However the work is shared, W workers cannot use more than the
                        # machine's cores: one worker's run, busy B cores of C, gains at most C/B.
                        print(f"    at most {CORES / max(meter.busy, 0.01):.2f}x faster on "
                              f"{CORES} cores than this run, which kept {meter.busy:.2f} busy")
            verdict = "met" if walls[1] / walls[2] >= TARGET_SPEEDUP else "NOT met"
            print(f"  2 workers {walls[1] / walls[2]:.2f}x as fast as 1; target "
                  f"≥ {TARGET_SPEEDUP}x — {verdict}")
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
