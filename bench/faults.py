"""Faults mid-burst on the production stack: acknowledged, present, duplicated, lost.

    .venv/bin/python bench/faults.py [--writes 200] [--clients 8] [--fault-after 50]

Runs two ``aixin serve`` processes and an ``aixin projector`` on a throwaway schema of the
PostgreSQL named by AIXIN_TEST_POSTGRES_* (default 127.0.0.1:5432, db test), and for each
fault sends a burst of keyed registrations from several clients, every unanswered request
sent again with its key until answered (``tests/e2e/burst.py``). Faults, each once the
burst is ``--fault-after`` writes in: none (the baseline), SIGKILL of an API process (then
started again), SIGKILL of the projector (then started again), and ``pg_terminate_backend``
of every connection of the stack. Prints, per fault, the four counts and the seconds the
burst took; what is expected of each is acknowledged = present, 0 duplicated, 0 lost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import postgres_params
from tests.e2e.burst import Counts, Stack, burst, production_stack


def _restart(name: str) -> Callable[[Stack], None]:
    def fault(stack: Stack) -> None:
        stack.kill(name)
        stack.start(name)
    return fault


FAULTS: dict[str, Callable[[Stack], None]] = {
    "none": lambda stack: None,
    "SIGKILL of an API process": _restart("api0"),
    "SIGKILL of the projector": _restart("projector"),
    "pg_terminate_backend of every connection": lambda stack: _drop(stack),
}


def _drop(stack: Stack) -> None:
    print(f"  (terminated {stack.terminate_connections()} connections)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fault-after", type=int, default=50)
    args = parser.parse_args()
    params = postgres_params()
    connect = {"host": params["host"], "port": int(params["port"]), "user": params["user"],
               "dbname": params["dbname"], "autocommit": True}
    print(f"{args.writes} keyed writes from {args.clients} clients, the fault after "
          f"{args.fault_after} acknowledged; expected: acknowledged = present, "
          "0 duplicated, 0 lost")
    for name, fault in FAULTS.items():
        schema = f"bench_faults_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**connect) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            with tempfile.TemporaryDirectory() as folder, \
                    production_stack(Path(folder), schema) as stack:
                started = time.monotonic()
                counts: Counts = burst(stack, writes=args.writes, clients=args.clients,
                                       fault_after=args.fault_after, fault=fault)
                took = time.monotonic() - started
        finally:
            with psycopg.connect(**connect) as conn:
                for (found,) in conn.execute(
                        "SELECT schema_name FROM information_schema.schemata"
                        " WHERE schema_name = %s OR schema_name LIKE %s",
                        (schema, schema + "\\_%")).fetchall():
                    conn.execute(f'DROP SCHEMA "{found}" CASCADE')
        verdict = "as expected" if (counts.acknowledged == counts.present == args.writes
                                    and not counts.duplicated and not counts.lost) else "NOT MET"
        print(f"{name:42s} {counts}  in {took:.1f} s  {verdict}", flush=True)


if __name__ == "__main__":
    main()
