"""Who asks (使用者), and where a record sits: what the access policy decides over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.common import Actor
from domain.users import Role, Scope


@dataclass(frozen=True)
class Caller:
    """Who asks: an account, the role it acts in and the scope it works within."""

    user_id: str
    role: Role
    region_code: str | None = None
    school: str | None = None
    volunteer_id: UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))

    @classmethod
    def of(cls, user_id: object, scope: Scope) -> Caller:
        """The caller an account with ``scope`` is."""
        return cls(str(user_id), scope.role, scope.region_code, scope.school, scope.volunteer_id)

    @property
    def actor(self) -> Actor:
        """The caller as the one who records a fact (记录人)."""
        return Actor(id=self.user_id, role=self.role.value)


class Placed(Protocol):
    """Where a child's record sits: its division code and its school."""

    @property
    def region_code(self) -> str: ...

    @property
    def school(self) -> str: ...
