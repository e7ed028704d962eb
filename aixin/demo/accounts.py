"""The demo's accounts (演示账号): one per role, so that a person trying the demo can log in
as each of the programme's people and see what each one sees.

- 系统管理员 ``demo-admin``; 钟祥市妇联 ``demo-county`` (region 420881); a township's federation
  ``demo-township``; the school ``demo-school`` of one of the demo's schools; the caring mother
  ``demo-mother``, one of the demo's volunteers in good standing with active pairings; the
  auditor ``demo-auditor``. The township, the school and the mother are chosen from the store
  (the mother with the most children paired, her township and her pupils' school), so the
  accounts see the same children from their several sides.
- **Passwords printed, development only.** Each password is derived from the store itself (the
  id of its first volunteer, random to each demo build) and the username, so it is the same
  each time it is asked for and printed again without being kept anywhere, yet differs from one
  demo store to another. In production no demo account is made.
- **Idempotent.** An account already there is left as it is; if its password was changed since,
  it is not printed (``aixin users set-password`` resets it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.utils import get_topic

from aixin.bootstrap import build_register, build_view_store
from aixin.demo.county import COUNTY, COUNTY_CODE, TOWNSHIPS
from aixin.settings import Settings
from api.accounts import open_account
from api.schemas.users import UserCreate
from api.security import Passwords
from domain.application import CareRegister
from domain.common import SYSTEM
from domain.errors import AccountRule
from domain.users import Role, Scope
from domain.volunteers import Volunteer
from projections.registers.pairings import PairingsRegister
from storage.views import ViewStore

#: The roles in Chinese, as the accounts are listed.
ROLE_NAMES = {Role.ADMIN: "系统管理员", Role.FEDERATION: "妇联", Role.SCHOOL: "学校",
              Role.VOLUNTEER: "爱心妈妈", Role.AUDITOR: "督导审计"}
_TOWNSHIP_NAMES = dict(TOWNSHIPS)
#: The demo's usernames, in the order of :func:`_plan`'s scopes.
USERNAMES = ("demo-admin", "demo-county", "demo-township", "demo-school", "demo-mother",
             "demo-auditor")


class DemoAccountsRefused(Exception):
    """The demo's accounts cannot be made here; nothing was recorded."""


@dataclass(frozen=True)
class DemoLogin:
    """One demo account as printed: who it is, what it sees, and its password (``None``:
    changed since it was made, so not known)."""

    username: str
    role: str
    sees: str
    password: str | None


@dataclass(frozen=True)
class _Mother:
    volunteer_id: UUID
    township: str  # 9 digits
    school: str


def demo_password(secret: bytes, username: str) -> str:
    """The demo account's password: 12 letters and digits in groups of four, from the store's
    secret and the username."""
    digest = hmac.new(secret, username.encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode().lower()[:12]
    return "-".join(text[i:i + 4] for i in range(0, 12, 4))


def store_secret(register: CareRegister) -> bytes:
    """What the demo's passwords are derived from: the id of the first volunteer (a random
    identity, drawn anew by each build of the demo)."""
    first = register.recorder.select_notifications(start=None, limit=1,
                                                    topics=[get_topic(Volunteer.Applied)])
    if not first:
        raise DemoAccountsRefused("the store holds no volunteer: the demo's accounts go with "
                                  "the demo county (aixin demo)")
    return UUID(str(first[0].originator_id)).bytes


def demo_accounts(settings: Settings) -> list[DemoLogin]:
    """Make the demo's accounts that are not there yet (one per role) and return them all,
    each with its password. Refused in production, and on a store without the demo county."""
    if settings.environment == "production":
        raise DemoAccountsRefused("demo accounts with printed passwords are for development "
                                  "only, not production (AIXIN_ENVIRONMENT=production): "
                                  "create accounts with `aixin users create`")
    register = build_register(settings)
    views = build_view_store(settings)
    try:
        return _ensure(register, views, Passwords(settings.password_hashing), settings)
    finally:
        views.close()
        register.close()


def has_demo_accounts(settings: Settings) -> bool:
    """Whether the store holds any of the demo's accounts."""
    register = build_register(settings)
    try:
        return any(register.find_user(username) for username in USERNAMES)
    finally:
        register.close()


def _ensure(register: CareRegister, views: ViewStore, passwords: Passwords,
            settings: Settings) -> list[DemoLogin]:
    secret = store_secret(register)
    planned: list[Scope] | None = None
    logins = []
    for index, username in enumerate(USERNAMES):
        password = demo_password(secret, username)
        user = register.find_user(username)
        if user is None:
            planned = planned or _plan(register, views)
            scope = planned[index]
            request = UserCreate.model_validate({
                "username": username, "password": password, "role": scope.role.value,
                "region_code": scope.region_code, "school": scope.school,
                "volunteer_id": scope.volunteer_id})
            with suppress(AccountRule):  # made just now by another run
                open_account(register, passwords, settings, request, actor=SYSTEM)
            user = register.find_user(username)
            assert user is not None
        known = passwords.matches(user.password_hash, password)
        logins.append(DemoLogin(username, ROLE_NAMES[user.scope.role],
                                _sees(register, user.scope), password if known else None))
    return logins


def _plan(register: CareRegister, views: ViewStore) -> list[Scope]:
    mother = _mother(register, views)
    return [Scope(Role.ADMIN), Scope(Role.FEDERATION, region_code=COUNTY_CODE),
            Scope(Role.FEDERATION, region_code=mother.township),
            Scope(Role.SCHOOL, region_code=mother.township, school=mother.school),
            Scope(Role.VOLUNTEER, volunteer_id=mother.volunteer_id), Scope(Role.AUDITOR)]


_PAIRED = ("SELECT v.member_id AS volunteer_id, c.member_id AS child_id, p.region_code,"
           " p.school FROM reg_pairings r"
           " JOIN reg_pairing_members v ON v.pairing_id = r.pairing_id AND v.member = ?"
           " JOIN reg_pairing_members c ON c.pairing_id = r.pairing_id AND c.member = ?"
           " JOIN reg_pairing_places p ON p.child_id = c.member_id"
           " WHERE r.status = ?")


def _mother(register: CareRegister, views: ViewStore) -> _Mother:
    """The caring mother in good standing with the most children in active pairings in the
    demo county (ties: the smaller id), her children's most frequent township and school."""
    with views.recorder(PairingsRegister).read() as tx:
        rows = tx.execute(_PAIRED, ("volunteer", "child", "active")).all()
    children: dict[str, set[str]] = {}
    places: dict[str, Counter[tuple[str, str]]] = {}
    for row in rows:
        if str(row["region_code"]).startswith(COUNTY_CODE):
            children.setdefault(row["volunteer_id"], set()).add(row["child_id"])
            places.setdefault(row["volunteer_id"], Counter())[
                (str(row["region_code"])[:9], str(row["school"]))] += 1
    for volunteer_id in sorted(children, key=lambda v: (-len(children[v]), v)):
        if register.get_volunteer(UUID(volunteer_id)).status == "approved":
            (township, school), _ = places[volunteer_id].most_common(1)[0]
            return _Mother(UUID(volunteer_id), township, school)
    raise DemoAccountsRefused(f"no caring mother in good standing has a pairing in {COUNTY} "
                              f"({COUNTY_CODE}): this store does not hold the demo county")


def _sees(register: CareRegister, scope: Scope) -> str:
    """What the account sees, in Chinese."""
    if scope.role is Role.ADMIN:
        return "全部记录与账号"
    if scope.role is Role.AUDITOR:
        return "全部记录（只读）"
    if scope.role is Role.FEDERATION:
        code = scope.region_code or ""
        name = COUNTY if code == COUNTY_CODE else _TOWNSHIP_NAMES.get(code, code)
        return f"{name}（{code}）的儿童与志愿者"
    if scope.role is Role.SCHOOL:
        return f"{scope.school}的学生"
    if scope.volunteer_id is None:
        return ""
    name = register.get_volunteer(scope.volunteer_id).form.name
    return f"{name}结对帮扶的儿童"
