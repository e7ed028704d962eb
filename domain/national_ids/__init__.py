"""One national ID number, one child on the register (身份证号码唯一)."""

from domain.national_ids.claim import (
    ChildAlreadyRegistered,
    NationalIdClaim,
    blind_index,
    normalised,
)
from domain.national_ids.number import check_character, checked_id_number

__all__ = ["ChildAlreadyRegistered", "NationalIdClaim", "blind_index", "check_character",
           "checked_id_number", "normalised"]
