"""Caring mothers and other volunteers (爱心妈妈), approved level by level."""

from domain.volunteers.aggregate import Review, Volunteer, VolunteerStatus
from domain.volunteers.form import APPROVAL_LEVELS, Decision, ReviewLevel, VolunteerForm
from domain.volunteers.signing import (
    LEVEL_TITLES,
    WHO_GIVES,
    OneLevelPerSigner,
    PaperFormSigner,
)

__all__ = [
    "APPROVAL_LEVELS",
    "LEVEL_TITLES",
    "WHO_GIVES",
    "Decision",
    "OneLevelPerSigner",
    "PaperFormSigner",
    "Review",
    "ReviewLevel",
    "Volunteer",
    "VolunteerForm",
    "VolunteerStatus",
]
