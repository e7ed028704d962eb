"""The child's record (留守儿童档案) and the rule that says who is left behind."""

from domain.children.aggregate import Child
from domain.children.eligibility import is_left_behind
from domain.children.record import (
    CATEGORIES,
    Concern,
    Consent,
    Guardian,
    Parent,
    ParentRole,
    ParentStatus,
    Profile,
    Sex,
)

__all__ = [
    "CATEGORIES",
    "Child",
    "Concern",
    "Consent",
    "Guardian",
    "Parent",
    "ParentRole",
    "ParentStatus",
    "Profile",
    "Sex",
    "is_left_behind",
]
