"""The volunteer registration form (爱心妈妈登记表) and the approval levels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from domain.common import division_code, required_text
from domain.errors import InvalidRecord
from domain.personal import ERASED

_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class ReviewLevel(StrEnum):
    """Who gives an opinion, in order: 所在单位 → 县妇联 → 市州妇联 → 省妇联."""

    UNIT = "unit"
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"


APPROVAL_LEVELS: tuple[ReviewLevel, ...] = tuple(ReviewLevel)


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class VolunteerForm:
    """What the applicant fills in (登记表).

    ``email`` is optional and was added after the first records: events stored without it
    load with ``""``. Reminders go by e-mail to it and by the SMS gateway to ``phone``.
    """

    #: Personal (个人信息): sealed with the data key, read as erased once it is destroyed.
    personal_fields: ClassVar[frozenset[str]] = frozenset(
        {"name", "phone", "address", "email", "experience"})

    name: str
    region_code: str
    phone: str
    unit: str = ""
    address: str = ""
    birth_date: date | None = None
    postal_code: str = ""
    political_status: str = ""
    position: str = ""
    education: str = ""
    experience: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", required_text("name", self.name))
        object.__setattr__(self, "phone", required_text("phone", self.phone))
        division_code("region_code", self.region_code)
        email = (self.email or "").strip()
        if email and email != ERASED and not _EMAIL.match(email):
            raise InvalidRecord("email", "不是有效的电子邮箱地址（is not an e-mail address）")
        object.__setattr__(self, "email", email)
