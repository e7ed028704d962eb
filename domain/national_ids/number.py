"""The shape of a resident ID number (居民身份证号码, GB 11643): 18 characters, the first 17
digits (the place, the birth date, a sequence) and a check character, a digit or ``X``,
computed from them (ISO 7064 MOD 11-2)."""

from __future__ import annotations

import re

from domain.errors import InvalidRecord
from domain.national_ids.claim import normalised

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def check_character(digits: str) -> str:
    """The check character (校验码) of a number's first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def checked_id_number(field: str, value: str) -> str:
    """A child's national ID number as typed, normalised (:func:`normalised`), or "" for
    none; InvalidRecord naming ``field`` when it is not 18 characters, 17 digits and a check
    character, or when the check character does not agree with the digits (a number typed
    or copied wrong)."""
    number = normalised(value or "")
    if not number:
        return ""
    if not _SHAPE.fullmatch(number):
        raise InvalidRecord(field, "身份证号码须为18位：前17位为数字，末位为数字或X"
                            f"（{field}: a resident ID number is 18 characters, 17 digits and "
                            "a check character, a digit or X）")
    if check_character(number[:17]) != number[17]:
        raise InvalidRecord(field, "身份证号码的校验码（末位）与前17位不符，请核对号码是否"
                            f"录错（{field}: the check character does not agree with the "
                            "digits; the number was typed or copied wrong）")
    return number
