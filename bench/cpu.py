"""Where a benchmark run's CPU went: each kind of process's share of the machine's cores,
read from Linux's /proc before and after the run.

The machine's busy time (``/proc/stat``) says whether the run was held back by its cores;
each process's user and system time (``/proc/<pid>/stat``) says which kind of process used
them. PostgreSQL's server processes are told apart by the ``application_name`` of their
connection (``pg_stat_activity``: ``aixin-api:<schema>``, ``aixin-projector:<schema>``...);
its own processes (the WAL writer, the checkpointer...) are counted together.

    with CpuMeter(kinds) as meter:
        run()
    print(meter.table(per=requests, unit="request"))
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1

#: A process's kind from its pid and command line (PostgreSQL's server processes are told
#: apart by the meter itself); None: not counted by kind.
Classify = Callable[[int, str], "str | None"]


def _processes() -> Iterator[tuple[int, int, str]]:
    """Every process: pid, user + system ticks, command line."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            ticks = int(fields[11]) + int(fields[12])  # utime, stime
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace").strip()
            yield int(entry.name), ticks, command


def _busy_ticks() -> tuple[int, int]:
    """The machine's busy and total ticks since boot, over every core (``/proc/stat``)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def _ended_children() -> float:
    """CPU seconds of this process's children that ended and were waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def connection_names(params: dict[str, Any]) -> dict[int, str]:
    """The application name of each PostgreSQL server process now connected."""
    with psycopg.connect(**params, autocommit=True) as conn:
        return {int(pid): name or "" for pid, name in conn.execute(
            "SELECT pid, application_name FROM pg_stat_activity WHERE backend_type ="
            " 'client backend'").fetchall()}


class CpuMeter:
    """The cores each kind of process used between ``__enter__`` and ``__exit__``."""

    def __init__(self, classify: Classify, params: dict[str, Any]) -> None:
        self.classify = classify
        self.params = params
        self.seconds = 0.0
        self.cores: dict[str, float] = {}
        self.busy = 0.0

    def __enter__(self) -> CpuMeter:
        self._names = connection_names(self.params)
        self._before = {pid: (ticks, command) for pid, ticks, command in _processes()}
        self._busy = _busy_ticks()
        self._children = _ended_children()
        self._started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self._started
        busy, total = _busy_ticks()
        after = list(_processes())
        names = {**self._names, **connection_names(self.params)}
        self.busy = CORES * (busy - self._busy[0]) / max(1, total - self._busy[1])
        used: dict[str, float] = {}
        for pid, ticks, command in after:
            before = self._before.get(pid, (0, command))[0]
            spent = (ticks - before) / TICKS
            if spent <= 0:
                continue
            kind = (postgres_kind(names.get(pid)) if _is_postgres(command)
                    else self.classify(pid, command))
            if kind is not None:
                used[kind] = used.get(kind, 0.0) + spent / self.seconds
        ended = _ended_children() - self._children  # wrk, a command run to its end
        if ended > 0:
            used["this bench's ended child processes (wrk)"] = ended / self.seconds
        self.cores = dict(sorted(used.items(), key=lambda item: -item[1]))

    def ms_each(self, per: float, *kinds: str) -> float:
        """CPU milliseconds per unit (``per`` of them done in the run) of ``kinds``, each
        named as in :meth:`lines`."""
        cores = sum(self.cores.get(kind, 0.0) for kind in kinds)
        return cores * self.seconds * 1000 / per if per else 0.0

    def lines(self, per: float, unit: str) -> list[str]:
        """The cores each kind used, and its CPU milliseconds per ``unit`` (``per`` of them
        done in the run); then the machine's busy cores, of how many."""
        def each(cores: float) -> str:
            ms = cores * self.seconds * 1000 / per if per else 0.0
            return f"{ms / 1000:7.2f} s" if ms >= 1000 else f"{ms:7.2f} ms"

        rows = [f"    {kind:<36} {cores:5.2f} cores  {each(cores)} a {unit}"
                for kind, cores in self.cores.items()]
        counted = sum(self.cores.values())
        rows.append(f"    {'counted above':<36} {counted:5.2f} cores  {each(counted)} a {unit}")
        rows.append(f"    {'the machine busy (all processes)':<36} {self.busy:5.2f} cores"
                    f" of {CORES}")
        return rows


def _is_postgres(command: str) -> bool:
    return command.startswith("postgres") or "/bin/postgres" in command


def postgres_kind(name: str | None) -> str:
    """A PostgreSQL server process's kind by the role in its connection's name (None: one of
    PostgreSQL's own, or a connection closed before the run ended)."""
    if name is None:
        return "PostgreSQL's own (WAL, checkpoints)"
    role = name.split(":", 1)[0] or "other"
    return f"PostgreSQL for {role}"
