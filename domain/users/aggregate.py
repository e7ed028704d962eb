"""A user account: created, role or scope changed, password changed, deactivated.

Every change is an event, so "who could do what, when" can be answered later.
Passwords arrive here already hashed; the domain never sees one in clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor, member_of, required_text
from domain.errors import AccountRule, InvalidRecord

_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
_REGION_PREFIX = re.compile(r"^\d{2,12}$")
_DIVISION_CODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


class Role(StrEnum):
    ADMIN = "admin"
    FEDERATION = "federation"  # 妇联 (and other member units) at a level
    SCHOOL = "school"  # 学校 / 班主任
    VOLUNTEER = "volunteer"  # 爱心妈妈
    AUDITOR = "auditor"  # 督导组, 审计


@dataclass(frozen=True)
class Scope:
    """What a user may see: a division-code prefix, a school, or one volunteer's pairings."""

    role: Role
    region_code: str | None = None
    school: str | None = None
    volunteer_id: UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", member_of(Role, "role", self.role))
        if self.role is Role.FEDERATION and not _REGION_PREFIX.match(self.region_code or ""):
            raise InvalidRecord("region_code", "妇联账号的辖区是 2 到 12 位的行政区划代码前缀"
                                "（federation staff work within a division-code prefix of 2 "
                                "to 12 digits）")
        if self.role is Role.SCHOOL and not (self.school or "").strip():
            raise InvalidRecord("school", "学校账号须写明所属学校（a school user belongs to a "
                                "school）")
        if self.role is Role.VOLUNTEER and self.volunteer_id is None:
            raise InvalidRecord("volunteer_id", "志愿者账号须对应一位已登记的志愿者（a volunteer "
                                "user is one registered volunteer）")

    def assignable(self) -> Scope:
        """This scope, if it may be given to an account now.

        A school user is its school where it is: ``region_code`` is the division code of the
        school's county, township or village (6, 9 or 12 digits), since school names repeat
        from county to county (every township has its 中心小学). Scopes recorded before this
        rule still load; with no region they see no pupils until an admin gives one.
        """
        if self.role is Role.SCHOOL and not _DIVISION_CODE.match(self.region_code or ""):
            raise InvalidRecord("region_code", "学校账号须写明学校所在地：县、乡镇或村的行政区划"
                                "代码（6、9 或 12 位），因为各地学校常常同名（a school user "
                                "names where its school is: the division code of its county, "
                                "township or village (6, 9 or 12 digits), since school names "
                                "repeat from place to place）")
        return self


def user_id_for(username: str) -> UUID:
    """One id per username (case-insensitive), so a username can only be taken once."""
    return uuid5(NAMESPACE_URL, f"aixin:user:{username.strip().lower()}")


class User(Aggregate):
    """An account (账号) of a person who uses Aixin."""

    class Registered(Aggregate.Created):
        """An account (账号) was opened with its scope."""

        username: str
        password_hash: str
        scope: Scope
        actor: Actor

    @event(Registered)
    def __init__(self, *, username: str, password_hash: str, scope: Scope,
                 actor: Actor) -> None:
        self.username, self.password_hash, self.scope = username, password_hash, scope
        self.active = True

    @staticmethod
    def create_id(username: str, **_: object) -> UUID:
        return user_id_for(username)

    @classmethod
    def create(cls, *, username: str, password_hash: str, scope: Scope,
               actor: Actor) -> User:
        if not _USERNAME.match(username or ""):
            raise InvalidRecord("username", "用户名由 3 到 64 个字母、数字或 . _ @ - 组成"
                                "（3 to 64 letters, digits or . _ @ -）")
        required_text("password", password_hash)
        return cls(username=username.strip().lower(), password_hash=password_hash,
                   scope=scope.assignable(), actor=actor)

    def change_scope(self, scope: Scope, *, actor: Actor) -> None:
        self._require_active()
        self._scope_changed(scope=scope.assignable(), actor=actor)

    class ScopeChanged(Aggregate.Event):
        """What the account may see and do changed."""

        scope: Scope
        actor: Actor

    @event(ScopeChanged)
    def _scope_changed(self, scope: Scope, actor: Actor) -> None:
        self.scope = scope

    def change_password(self, password_hash: str, *, actor: Actor) -> None:
        self._require_active()
        self._password_changed(password_hash=password_hash, actor=actor)

    class PasswordChanged(Aggregate.Event):
        """The account's password (hashed) changed."""

        password_hash: str
        actor: Actor

    @event(PasswordChanged)
    def _password_changed(self, password_hash: str, actor: Actor) -> None:
        self.password_hash = password_hash

    def deactivate(self, *, reason: str, actor: Actor) -> None:
        self._require_active()
        self._deactivated(reason=required_text("reason", reason), actor=actor)

    class Deactivated(Aggregate.Event):
        """The account was closed (停用); it changes no more."""

        reason: str
        actor: Actor

    @event(Deactivated)
    def _deactivated(self, reason: str, actor: Actor) -> None:
        self.active = False

    def _require_active(self) -> None:
        if not self.active:
            raise AccountRule("账号已停用，不能再更改（a deactivated account takes no changes）")
