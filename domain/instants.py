"""How an instant is shown to a person (时间的写法): in the programme's time, to the minute,
labelled by its zone (``2026-11-17 14:05（北京时间）``), one way on every page and in every file.
The record keeps instants in UTC; this is only their reading."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.programme import Programme

#: The names people know a zone by (Asia/Shanghai: 北京时间); another zone is called by its name.
ZONE_LABELS = {"Asia/Shanghai": "北京时间"}


def zone_label(zone: str) -> str:
    """What a time in ``zone`` is labelled with: 北京时间 for China's, else the zone's name."""
    return ZONE_LABELS.get(zone, zone)


def shown_instant(instant: datetime | str | None, zone: str = Programme.timezone) -> str:
    """``instant`` (a datetime, or ISO 8601 text; without an offset it is UTC) in ``zone``, the
    programme's: ``2026-11-17 14:05（北京时间）``; ``—`` for none."""
    if instant is None or instant == "":
        return "—"
    moment = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}（{zone_label(zone)}）"
