"""Benchmark: recording contacts through the HTTP API on PostgreSQL, 1, 8 and 16 clients.

Prints requests/s and p50/p99 latency for each client count, next to the ceiling measured
in the same run: the bare eventsourcing library appending the same ContactRecorded events
to the same kind of aggregates on the same PostgreSQL (its writer lock serialises appends;
each save its own transaction).

    .venv/bin/python bench/contacts_http.py [--seconds 10] [--web-workers 2] [--client wrk]
        [--group-commit off,0,2]

The API is measured once per ``--group-commit`` setting, in the same run: ``off`` (each
request's save its own transaction, ``AIXIN_GROUP_COMMIT_MAX=0``), or a window in
milliseconds (group commit on, ``AIXIN_GROUP_COMMIT_WINDOW_MS``: 0 takes what arrived while
the previous group was committed).

Uses the PostgreSQL named by AIXIN_TEST_POSTGRES_* (default 127.0.0.1:5432, db test) in a
throwaway schema, runs `aixin serve` (API, ``--web-workers`` processes) and `aixin projector`
as real processes. The clients are `wrk` (a C load generator; `apt-get install wrk`), so the
load generator takes little of the machine's two cores, or Python threads with httpx
(``--client python``). Each request records a contact on one of 2,000 pairings, chosen at
random, so concurrent requests rarely contend for the same pairing; one that does is recorded
on the pairing's latest version (the register reads it again). Any response other than 2xx
is counted as an error. The pairings are 2,000 children, each with her own name, birth date
and phones, four to a caring mother; each run of clients starts once `aixin projector` has
applied every event recorded so far to every view, so that no run shares the machine with the
projector catching up on another's events.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aixin.bootstrap import build_register, build_runner
from aixin.demo.names import full_name, mobile
from aixin.settings import Settings
from bench.cpu import CORES, CpuMeter, postgres_kind
from bench.rebuild import own_phones
from domain.duties.rules import STANDARD_CONTACT_KINDS
from tests.builders import MOTHER, REVIEWERS, STAFF, child_record, volunteer_form
from tests.conftest import postgres_params
from tests.e2e.server import AIXIN, free_port

#: Requests per second at 8 and 16 clients, as a share of the library's at as many writers.
TARGET_RATIO = {8: 1.0, 16: 1.0}
TARGET_P99_AT_16_MS = 50.0


def settings_for(schema: str) -> Settings:
    """The library's ceiling: every save its own transaction (no group commit)."""
    p = postgres_params()
    return Settings(store="postgres", postgres_host=p["host"], postgres_port=int(p["port"]),
                    postgres_user=p["user"], postgres_dbname=p["dbname"],
                    postgres_schema=schema, postgres_pool_size=20,  # type: ignore[arg-type]
                    group_commit_max=0)


def pairings(register, count: int) -> list[uuid.UUID]:
    """``count`` pairings of a child and a caring mother, each child with a name, birth date and
    phones of her own (a register of one child written ``count`` times would be a register of
    likely duplicates, each compared with every other), four children to a volunteer."""
    rng = random.Random(20261206)
    made: list[uuid.UUID] = []
    volunteer = None
    for index in range(count):
        if index % 4 == 0:
            volunteer = register.apply_to_volunteer(
                volunteer_form(name=full_name(rng, "woman"), phone=mobile(rng)), actor=STAFF,
                applied_on=date(2026, 1, 5))
            for level in ("unit", "county", "city", "province"):
                register.review_volunteer(volunteer, level=level, decision="approve",
                                          opinion="", on=date(2026, 2, 1),
                                          actor=REVIEWERS[level])
        child = register.register_child(actor=STAFF, **child_record(
            name=full_name(rng, "girl"), **own_phones(index),
            birth_date=date(2011, 1, 1) + timedelta(days=rng.randrange(3650))))
        made.append(register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                          principle="nearby", starts_on=date(2026, 3, 10),
                                          actor=STAFF))
    return made


def caught_up(settings: Settings, timeout: float = 600.0) -> float:
    """Wait until the projector has applied every event in the log to every view (bounded):
    a projector still catching up shares the machine with the requests measured. Returns
    the seconds waited."""
    register = build_register(settings)
    runner = build_runner(settings, register)
    started = time.monotonic()
    try:
        while max(runner.lag().values()) > 0:
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"the projector is behind after {timeout:.0f} s: "
                                   f"{runner.lag()}")
            time.sleep(0.5)
    finally:
        register.close()
    return time.monotonic() - started


LIBRARY = "this bench (the library's writers)"
API = "API processes (aixin serve)"
PROJECTOR = "projector"


def kind_of(pid: int, command: str) -> str | None:
    """Each process of the run by what it does (see ``bench.cpu``)."""
    if pid == os.getpid():
        return LIBRARY
    if "aixin serve" in command or "multiprocessing.spawn" in command:
        return API
    if "aixin projector" in command:
        return PROJECTOR
    return None


def library_rate(register, ids: list[uuid.UUID], threads: int,
                 seconds: float) -> tuple[float, float, float]:
    """The ceiling: the bare library saving ContactRecorded events, ``threads`` at once;
    saves per second, and the p50 and p99 of one save in milliseconds."""
    kinds = frozenset(STANDARD_CONTACT_KINDS)
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop = time.monotonic() + seconds

    def work(index: int) -> None:
        pairing = register.repository.get(ids[index])
        while time.monotonic() < stop:
            started = time.perf_counter()
            pairing.record_contact(kind="phone", occurred_on=date(2026, 4, 2), notes="通话",
                                   today=date(2026, 11, 23), actor=MOTHER, known_kinds=kinds)
            register.save(pairing)
            latencies[index].append(time.perf_counter() - started)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    every = sorted(x for per in latencies for x in per)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
    return len(every) / seconds, statistics.median(every) * 1000, p99 * 1000


def http_run(url: str, token: str, ids: list[str], clients: int,
             seconds: float) -> tuple[float, float, float, int]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def work(index: int) -> None:
        with httpx.Client(base_url=f"{url}/api/v1", timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = client.post(f"/pairings/{ids[index]}/contacts", json={
                    "kind": "phone", "occurred_on": "2026-04-02", "notes": "电话"})
                latencies[index].append(time.perf_counter() - started)
                errors[index] += response.status_code != 201

    workers = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    every = sorted(x for per in latencies for x in per)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
    return len(every) / seconds, statistics.median(every) * 1000, p99 * 1000, sum(errors)


WRK_SCRIPT = """
local ids = {%s}
local body = '{"kind": "phone", "occurred_on": "2026-04-02", "notes": "电话"}'
function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end
function init(args)
  math.randomseed(seed)
end
function request()
  local id = ids[math.random(#ids)]
  return wrk.format("POST", "/api/v1/pairings/" .. id .. "/contacts", nil, body)
end
"""


def wrk_run(url: str, token: str, ids: list[str], clients: int,
            seconds: float) -> tuple[float, float, float, int]:
    """requests/s, p50 ms, p99 ms and non-2xx responses, as wrk measures them."""
    script = Path(os.environ.get("TMPDIR", "/tmp")) / f"aixin-bench-{uuid.uuid4().hex[:8]}.lua"
    script.write_text(WRK_SCRIPT % ",".join(f'"{i}"' for i in ids), encoding="utf-8")
    try:
        done = subprocess.run(
            ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds:.0f}s", "--latency",
             "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
             "-s", str(script), url], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    finally:
        script.unlink()
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, p50, p99, int(bad.group(1)) if bad else 0


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[:-len(unit)]) * factor
    raise ValueError(text)


def _modes(text: str) -> list[str]:
    modes = [part.strip() for part in text.split(",") if part.strip()]
    for mode in modes:
        if mode != "off" and not 0 <= float(mode) <= 20:
            raise argparse.ArgumentTypeError(f"not off nor a window of 0-20 ms: {mode}")
    return modes


def serve_env(schema: str, port: int, mode: str,
              gather: float | None = None) -> dict[str, str]:
    params = postgres_params()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIXIN_")}
    env.update(AIXIN_STORE="postgres", AIXIN_POSTGRES_HOST=params["host"],
               AIXIN_POSTGRES_PORT=params["port"], AIXIN_POSTGRES_USER=params["user"],
               AIXIN_POSTGRES_DBNAME=params["dbname"], AIXIN_POSTGRES_SCHEMA=schema,
               AIXIN_POSTGRES_POOL_SIZE="12", AIXIN_PORT=str(port),
               AIXIN_ADMIN_PASSWORD="bench-password",
               AIXIN_SECRET_KEY="bench-signing-key-0123456789-0123456789",
               AIXIN_WRITE_RATE_LIMIT="0",  # the bench writes far faster than a person
               AIXIN_GROUP_COMMIT_MAX="0" if mode == "off" else "32",
               AIXIN_GROUP_COMMIT_WINDOW_MS="0" if mode == "off" else mode)
    if gather is not None:
        env["AIXIN_PROJECTIONS_GATHER"] = str(gather)
    return env


def start_serve(schema: str, web_workers: int,
                mode: str) -> tuple[subprocess.Popen[bytes], str]:
    """`aixin serve` with ``web_workers`` API processes, and its URL; answering once it
    returns."""
    port = free_port()
    env = serve_env(schema, port, mode)
    env["AIXIN_WEB_WORKERS"] = str(web_workers)
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"{schema}-serve.log", "ab")  # noqa: SIM115
    process = subprocess.Popen([str(AIXIN), "serve", "--no-worker"], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    return process, url


def events_per_commit(table: str, after: int) -> tuple[int, float]:
    """The log's last position, and the events after ``after`` per transaction that
    inserted them (the ``xmin`` of their rows): how many appends a commit carried."""
    with psycopg.connect(**postgres_params()) as conn:
        row = conn.execute(f"SELECT max(notification_id), count(*),"
                           f" count(DISTINCT xmin::text) FROM {table}"
                           f" WHERE notification_id > %s", (after,)).fetchone()
    assert row is not None
    return int(row[0] or after), (row[1] / row[2]) if row[2] else 0.0


def budget(ceiling: float, library: CpuMeter, library_saves: float, api: CpuMeter,
           requests: float) -> list[str]:
    """What the machine's cores leave for the API's own work at the library's rate: each
    core-second shared among the requests of one second, less what is spent whatever the
    API does (the library's own save, its process and PostgreSQL's, measured in the
    library's run; the projector and its PostgreSQL, measured in this run). When nothing is
    left, no API on these cores reaches the library's rate while the projector runs beside
    it."""
    cores_ms = CORES * 1000 / ceiling
    save = library.ms_each(library_saves, LIBRARY, postgres_kind("aixin"))
    projector = api.ms_each(requests, PROJECTOR, postgres_kind("aixin-projector"))
    left = cores_ms - save - projector
    spent = api.ms_each(requests, API, postgres_kind("aixin-api"))
    return [f"        the cores at the library's rate ({ceiling:.0f}/s): {cores_ms:.2f} ms a "
            f"request; the bare save {save:.2f} and the projector {projector:.2f} leave "
            f"{left:.2f} ms for HTTP, the caller's checks and the reads (the API and its "
            f"PostgreSQL spent {spent:.2f} ms a request here, the save included)"]


def measure(url: str, args: argparse.Namespace, mode: str, ids: list[str],
            ceilings: dict[int, float], table: str, settings: Settings,
            library_cpu: dict[int, CpuMeter]) -> None:
    token = httpx.post(f"{url}/api/v1/auth/token", data={
        "username": "admin", "password": "bench-password"}).json()["access_token"]
    grouped = "off" if mode == "off" else f"on, window {float(mode):g} ms"
    print(f"API: {args.web_workers} process(es) of `aixin serve`, group commit {grouped}; "
          f"clients: {args.client}")
    run = wrk_run if args.client == "wrk" else http_run
    print(f"{'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
          f"{'ratio to ceiling':>17} {'events/commit':>13}")
    last, _ = events_per_commit(table, 0)
    for clients in (1, 8, 16):
        caught_up(settings)  # each run starts with the views up to date
        with CpuMeter(kind_of, postgres_params()) as meter:
            rate, p50, p99, errors = run(url, token, ids, clients, args.seconds)
        last, per_commit = events_per_commit(table, last)
        ceiling = ceilings[clients]  # the library with as many writers as clients
        print(f"{clients:>7} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {errors:>6} "
              f"{rate / ceiling:>17.2f} {per_commit:>13.1f}")
        print("\n".join(meter.lines(rate * args.seconds, "request")))
        if clients in TARGET_RATIO:
            print("\n".join(budget(ceiling, library_cpu[clients], ceiling * args.seconds,
                                   meter, rate * args.seconds)))
            verdict = "met" if rate / ceiling >= TARGET_RATIO[clients] else "NOT met"
            print(f"        target at {clients} clients: ≥ {TARGET_RATIO[clients]:.0%} of the "
                  f"library's rate at {clients} writers — {verdict}")
        if clients == 16:
            verdict = "met" if p99 < TARGET_P99_AT_16_MS else "NOT met"
            print(f"        target at 16 clients: p99 < {TARGET_P99_AT_16_MS:.0f} ms "
                  f"— {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--web-workers", type=int, default=2, help="API processes")
    parser.add_argument("--client", choices=("wrk", "python"),
                        default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--group-commit", default="off,0,2", type=_modes,
                        help="API runs: off, or group commit's window in ms (0: none)")
    parser.add_argument("--gather", type=float, default=None,
                        help="the projector's AIXIN_PROJECTIONS_GATHER, seconds (default: "
                             "the setting's default)")
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    params = postgres_params()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    processes: list[subprocess.Popen[bytes]] = []
    try:
        settings = settings_for(schema)
        register = build_register(settings)
        ids = pairings(register, 2000)
        table = f'"{schema}"."{register.recorder.events_table_name}"'
        library: dict[int, tuple[float, float, float]] = {}
        library_cpu: dict[int, CpuMeter] = {}
        for n in (1, 8, 16):
            with CpuMeter(kind_of, params) as library_cpu[n]:
                library[n] = library_rate(register, ids[-n:], n, args.seconds)
        ceilings = {n: rate for n, (rate, _, _) in library.items()}
        register.close()
        print("library ceiling (same appends, same PostgreSQL, no HTTP), per save:")
        for writers, (rate, p50, p99) in library.items():
            print(f"  {writers:>2} writer threads: {rate:>5.0f}/s, p50 {p50:5.1f} ms, "
                  f"p99 {p99:5.1f} ms")
            print("\n".join(library_cpu[writers].lines(rate * args.seconds, "save")))
        print(f"  (p99 of the bare library at 16 writers next to the 16-client target "
              f"of {TARGET_P99_AT_16_MS:.0f} ms: {library[16][2]:.1f} ms)")
        processes.append(subprocess.Popen(
            [str(AIXIN), "projector"], env=serve_env(schema, free_port(), "off", args.gather),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        print(f"projector: caught up with the setup's events in {caught_up(settings):.0f} s")
        for mode in args.group_commit:
            serve, url = start_serve(schema, args.web_workers, mode)
            processes.append(serve)
            try:
                measure(url, args, mode, [str(i) for i in ids[:-16]], ceilings, table,
                        settings, library_cpu)
            finally:
                serve.terminate()
                serve.wait(timeout=30)
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        with psycopg.connect(**params, autocommit=True) as conn:
            for (name,) in conn.execute("SELECT schema_name FROM information_schema.schemata "
                                        "WHERE schema_name LIKE %s", (schema + "%",)).fetchall():
                conn.execute(f'DROP SCHEMA "{name}" CASCADE')


if __name__ == "__main__":
    main()
