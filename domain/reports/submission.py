"""Who sends a report upward (报送): the reporting unit (报送单位), who prepared it (填报人) and who
checked it (审核人), each with a phone, and the day it was filled in (填报日期), as an office
writes them at the foot of what it sends.

Given with the request; a report requested without them (a scheduled one, or one requested
before they were asked) is sent in the name of the region's federation (钟祥市妇联) on the day
it was requested, with the blanks left for a pen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.common import phone_number
from domain.errors import DateInFuture, InvalidRecord

LONGEST_UNIT = 100
LONGEST_NAME = 50


@dataclass(frozen=True)
class Submission:
    """The foot of a report sent upward (报送单位, 填报人, 审核人, 填报日期); empty texts are
    blanks (the unit's blank is the region's federation)."""

    reporting_unit: str = ""
    preparer: str = ""
    preparer_phone: str = ""
    reviewer: str = ""
    reviewer_phone: str = ""
    prepared_on: date | None = None

    def checked(self, today: date) -> Submission:
        """The submission with its texts trimmed; a phone that is no phone, a text too long or
        a day after ``today`` is refused naming its field."""
        texts = {name: (getattr(self, name) or "").strip() for name in (
            "reporting_unit", "preparer", "preparer_phone", "reviewer", "reviewer_phone")}
        if len(texts["reporting_unit"]) > LONGEST_UNIT:
            raise InvalidRecord("reporting_unit", f"报送单位不超过 {LONGEST_UNIT} 个字（at most "
                                f"{LONGEST_UNIT} characters）")
        for name in ("preparer", "reviewer"):
            if len(texts[name]) > LONGEST_NAME:
                raise InvalidRecord(name, f"姓名不超过 {LONGEST_NAME} 个字（at most "
                                    f"{LONGEST_NAME} characters）")
        for name in ("preparer_phone", "reviewer_phone"):
            if texts[name]:
                phone_number(name, texts[name])
        if self.prepared_on is not None and self.prepared_on > today:
            raise DateInFuture("prepared_on", self.prepared_on, today)
        return Submission(**texts, prepared_on=self.prepared_on)

    def unit_or(self, federation: str) -> str:
        """The reporting unit, or ``federation`` (the region's 妇联) when none was given."""
        return self.reporting_unit or federation


def federation_of(region_name: str) -> str:
    """The region's women's federation (钟祥市 → 钟祥市妇联): who reports by default."""
    return f"{region_name}妇联" if region_name else ""
