"""Following the log: wake on PostgreSQL notifications, and poll whatever happens.

The library's subscription can stall silently when its listening connection drops, so
the follower never relies on notifications alone: it catches up at least every
``poll_interval`` seconds, and a notification only wakes it sooner. On SQLite, which
cannot be subscribed to, it simply polls.

A notification wakes it ``gather`` seconds later (0.1 by default), with every notification
that came meanwhile: under a steady stream of writes each pass applies a batch rather than
an event or two, each pass costing every view a transaction of its own. A write made in
this process (``runner.waker``, read-your-writes) still wakes it at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from typing import Any

from projections.runner import ViewRunner

log = logging.getLogger(__name__)

#: Longest pause after failures: a database back from a restart is followed again soon.
MAX_BACKOFF = 5.0
#: Records of a date-dependent view refreshed per pass (one short transaction each).
REFRESH_SLICE = 200


class Follower:
    """Keeps every view caught up until stopped; survives dropped connections."""

    def __init__(self, runner: ViewRunner, *, poll_interval: float = 0.5,
                 gather: float = 0.1, on_tick: Callable[[], None] | None = None) -> None:
        self.runner = runner
        self.poll_interval = poll_interval
        self.gather = gather
        self.on_tick = on_tick
        self._stop = threading.Event()
        self._woken = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self.errors = 0
        self._refreshed_on: date | None = None

    def start(self) -> Follower:
        """Follow in background threads (the embedded service)."""
        self._thread = threading.Thread(target=self.run, name="aixin-follower", daemon=True)
        self._thread.start()
        self.runner.waker = self._woken.set  # a local write wakes us at once
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.runner.waker = None
        self._stop.set()
        self._woken.set()
        for thread in (self._thread, self._listener):
            if thread is not None:
                thread.join(timeout)

    def run(self) -> None:
        """Follow in this thread until stopped (the projector process)."""
        if _listens(self.runner.app):
            self._listener = threading.Thread(target=self._listen, name="aixin-listen",
                                              daemon=True)
            self._listener.start()
        backoff = self.poll_interval
        reshaped = False
        while not self._stop.is_set():
            try:
                if not reshaped:  # views of an older shape are rebuilt before they are followed
                    self.runner.reshape()
                    reshaped = True
                self.runner.catch_up_all()
                self._refresh_when_the_day_turns()
                if self.on_tick is not None:
                    self.on_tick()
                backoff = self.poll_interval
            except Exception:  # a dropped connection must not end following
                self.errors += 1
                log.exception("projection catch-up failed; retrying in %.1fs", backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            self._woken.wait(backoff)
            self._woken.clear()

    def _refresh_when_the_day_turns(self) -> None:
        """Duty status depends on the date: refresh it once each new day (China time), a
        slice per pass, so new events are applied between slices and never wait long."""
        today_of = getattr(self.runner.app, "today", None)
        if today_of is None:
            return
        today = today_of()
        if today != self._refreshed_on:
            if self.runner.refresh(today, limit=REFRESH_SLICE) < REFRESH_SLICE:
                self._refreshed_on = today
            else:
                self._woken.set()  # more to refresh: the next pass comes at once

    def _listen(self) -> None:
        """LISTEN on the log's channel and wake the follower; reconnect when dropped."""
        recorder: Any = self.runner.app.recorder
        while not self._stop.is_set():
            try:
                with recorder.datastore.get_connection() as conn:
                    conn.execute(f'LISTEN "{recorder.channel_name}"')
                    while not self._stop.is_set():
                        # Each generator is run to its end: it holds the connection's lock.
                        if not list(conn.notifies(timeout=1.0, stop_after=1)):
                            continue
                        self._stop.wait(self.gather)  # let a burst gather
                        list(conn.notifies(timeout=0.0))  # those that came meanwhile
                        self._woken.set()
            except Exception:  # polling goes on; listen again shortly
                log.warning("lost the notification channel; polling until it is back")
                with suppress(Exception):
                    self._stop.wait(self.poll_interval * 4)


def _listens(app: Any) -> bool:
    return hasattr(app.recorder, "channel_name")
