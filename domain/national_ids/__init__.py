"""One national ID number, one child on the register (身份证号码唯一)."""

from domain.national_ids.claim import (
    ChildAlreadyRegistered,
    NationalIdClaim,
    blind_index,
    normalised,
)

__all__ = ["ChildAlreadyRegistered", "NationalIdClaim", "blind_index", "normalised"]
