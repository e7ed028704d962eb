"""The period a report counts (统计期): a quarter that has ended is counted to its last day
(季度末); one that has not ended when the report is known is counted up to that day, in the
programme's time (季度未结束), and says so."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.instants import shown_instant
from domain.reports import Quarter, said_to_day


def test_a_quarter_known_after_it_ended_is_counted_to_its_last_day() -> None:
    period = Quarter.as_known_at(2026, 3, datetime(2026, 10, 2, 1, tzinfo=UTC))
    assert (period.start, period.end, period.ended) == (date(2026, 7, 1), date(2026, 9, 30), True)


def test_a_quarter_not_ended_is_counted_up_to_the_day_it_is_known() -> None:
    period = Quarter.as_known_at(2026, 4, datetime(2026, 12, 5, 9, tzinfo=UTC))
    assert (period.start, period.end, period.ended) == (date(2026, 10, 1), date(2026, 12, 5),
                                                        False)


def test_the_day_known_is_the_programmes_day_not_utcs() -> None:
    # 2026-12-05 20:00 UTC is 2026-12-06 04:00 in Beijing
    assert Quarter.as_known_at(2026, 4, datetime(2026, 12, 5, 20, tzinfo=UTC)).end == date(
        2026, 12, 6)


def test_the_quarters_last_day_is_known_even_when_counted_short() -> None:
    period = Quarter.as_known_at(2026, 4, datetime(2026, 12, 5, 9, tzinfo=UTC))
    assert period.last_day == date(2026, 12, 31)


def test_a_day_after_the_day_known_is_not_in_the_period() -> None:
    period = Quarter.as_known_at(2026, 4, datetime(2026, 12, 5, 9, tzinfo=UTC))
    assert (date(2026, 12, 5) in period, date(2026, 12, 6) in period) == (True, False)


def test_the_quarters_last_day_known_on_the_day_itself_is_counted_as_not_ended() -> None:
    # known during 31 December: that day's records may still come
    period = Quarter.as_known_at(2026, 4, datetime(2026, 12, 31, 3, tzinfo=UTC))
    assert (period.end, period.ended) == (date(2026, 12, 31), False)


def test_a_figure_of_a_quarter_not_ended_is_titled_by_the_day_counted_to() -> None:
    assert (said_to_day("季度末在结对（对）", "2026-12-05"),
            said_to_day("季度末在结对（对）", None)) == ("截至2026-12-05在结对（对）",
                                                       "季度末在结对（对）")


def test_an_instant_is_shown_in_the_programmes_zone_labelled_by_the_zone() -> None:
    instant = "2026-03-31T20:00:00+00:00"
    assert shown_instant(instant, "Asia/Shanghai") == "2026-04-01 04:00（北京时间）"
    assert shown_instant(instant, "Europe/London") == "2026-03-31 21:00（Europe/London）"
