"""The quarter (季度) a report covers: 1 = January to March, ... 4 = October to December; and
the days it counts (统计期): to its last day (季度末) once it has ended, else up to the day the
report is known (季度未结束)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.programme import Programme


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter of a year (季度); its figures are counted on its last day (季度末),
    or, for a quarter that had not ended by the day ``through``, up to that day."""

    year: int
    number: int
    #: The last day counted when the quarter had not ended (the day the report is known);
    #: None: the whole quarter.
    through: date | None = None

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"a quarter is 1, 2, 3 or 4, not {self.number!r}")
        if not 1900 <= self.year <= 9999:
            raise ValueError(f"year {self.year!r} is out of range")

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def before(cls, day: date) -> Quarter:
        """The quarter that ended last before ``day``'s quarter began: the one reported at
        the turn of the quarter (季度报送)."""
        this = cls.of(day)
        return cls(day.year - 1, 4) if this.number == 1 else cls(day.year, this.number - 1)

    @classmethod
    def as_known_at(cls, year: int, number: int, known_at: datetime,
                    zone: str = Programme.timezone) -> Quarter:
        """The quarter as a report known at ``known_at`` counts it: to its last day if it had
        ended by ``known_at``'s day in the programme's time, else up to that day."""
        moment = known_at if known_at.tzinfo is not None else known_at.replace(tzinfo=UTC)
        day = moment.astimezone(ZoneInfo(zone)).date()
        whole = cls(year, number)
        return whole if day > whole.last_day else cls(year, number, through=day)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """The quarter's last day (季度末)."""
        following = (date(self.year + 1, 1, 1) if self.number == 4
                     else date(self.year, 3 * self.number + 1, 1))
        return following - timedelta(days=1)

    @property
    def end(self) -> date:
        """The last day counted, the day state figures are counted on: the quarter's last day
        (季度末), or the day the report is known for a quarter not ended (the day before the
        quarter, if it had not begun)."""
        if self.through is None:
            return self.last_day
        return max(min(self.through, self.last_day), self.start - timedelta(days=1))

    @property
    def ended(self) -> bool:
        """Whether the quarter had ended when counted (季度已结束), or is counted short."""
        return self.through is None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def said_to_day(text: str, through: str | None) -> str:
    """A figure's title or a sentence as a report of a quarter not ended says it: every
    季度末 (the quarter's last day) is the day counted to (``截至2026-12-05``); unchanged when
    ``through`` is None (the quarter had ended)."""
    return text if through is None else text.replace("季度末", f"截至{through}")
