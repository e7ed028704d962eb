"""The quarter (季度) a report covers: 1 = January to March, ... 4 = October to December."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter of a year (季度); its figures are counted on its last day (季度末)."""

    year: int
    number: int

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

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day (季度末), the day state figures are counted on."""
        following = (date(self.year + 1, 1, 1) if self.number == 4
                     else date(self.year, 3 * self.number + 1, 1))
        return following - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end
