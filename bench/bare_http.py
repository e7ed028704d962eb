"""Benchmark: the floor of an HTTP request on this machine, a FastAPI route that does nothing.

The same server as `aixin serve` (uvicorn, its event loop and HTTP parser as installed) and
the same load generator as `bench/contacts_http.py` (`wrk`, 16 connections), posting the same
JSON body to a route that validates it and answers 201 with a small JSON document, without
middleware, caller, database or log. Prints requests/s, p50/p99 and the CPU a request
(`bench/cpu.py`), with one and two server processes: what any route of the API costs before
it does its work.

    .venv/bin/python bench/bare_http.py [--seconds 10] [--clients 16]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.contacts_http import wrk_run
from bench.cpu import CpuMeter
from tests.conftest import postgres_params
from tests.e2e.server import free_port


class Contact(BaseModel):
    kind: str
    occurred_on: str
    notes: str


def create_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/pairings/{pairing_id}/contacts", status_code=201)
    def record(pairing_id: str, contact: Contact) -> dict[str, object]:
        return {"id": pairing_id, "kind": contact.kind, "version": 2}

    return app


def kind_of(pid: int, command: str) -> str | None:
    if "uvicorn" in command or "multiprocessing.spawn" in command:
        return "uvicorn with the bare route"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    for workers in (1, 2):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "bench.bare_http:create_app",
             "--port", str(port), "--workers", str(workers), "--no-access-log",
             "--log-level", "warning"], cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{url}/docs", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            ids = [f"p{index}" for index in range(100)]
            with CpuMeter(kind_of, postgres_params()) as meter:
                rate, p50, p99, errors = wrk_run(url, "none", ids, args.clients, args.seconds)
            print(f"{workers} uvicorn process(es), {args.clients} clients: {rate:,.0f} req/s, "
                  f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}")
            print("\n".join(meter.lines(rate * args.seconds, "request")))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
