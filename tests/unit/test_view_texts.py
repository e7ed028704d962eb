"""How the views write an event's instants: UTC text, so that text order is time order."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime, timedelta, timezone

from projections.events import utc_text

CHINA = timezone(timedelta(hours=8))


def test_an_instant_is_written_in_utc_with_microseconds() -> None:
    assert utc_text(datetime(2026, 3, 1, 8, 0, tzinfo=CHINA)) == "2026-03-01T00:00:00.000000+00:00"


def test_each_instant_in_turn_is_written_as_itself_though_the_last_is_kept() -> None:
    first = datetime(2026, 3, 1, 0, 0, 0, 1, tzinfo=UTC)
    second = datetime(2026, 3, 1, 0, 0, 0, 2, tzinfo=UTC)

    written = [utc_text(moment) for moment in (first, first, second, first)]

    assert written == ["2026-03-01T00:00:00.000001+00:00", "2026-03-01T00:00:00.000001+00:00",
                       "2026-03-01T00:00:00.000002+00:00", "2026-03-01T00:00:00.000001+00:00"]


def test_threads_writing_instants_together_each_get_their_own() -> None:
    moments = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=n) for n in range(50)]
    wrong: list[str] = []

    def write() -> None:
        for _ in range(200):
            for moment in moments:
                if utc_text(moment) != moment.isoformat(timespec="microseconds"):
                    wrong.append(moment.isoformat())

    threads = [threading.Thread(target=write) for _ in range(4)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns as often as they can
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)

    assert wrong == []
