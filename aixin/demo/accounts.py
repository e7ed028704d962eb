"""The demo's accounts (演示账号): one per role, so that a person trying the demo can log in
as each of the programme's people and see what each one sees.

- 系统管理员 ``demo-admin``; 钟祥市妇联 ``demo-county`` (region 420881); a township's federation
  ``demo-township``; the school ``demo-school`` of one of the demo's schools; the caring mother
  ``demo-mother``, one of the demo's volunteers in good standing with active pairings; the
  auditor ``demo-auditor``. The township, the school and the mother are chosen from the store
  (the mother with the most children paired, her township and her pupils' school), so the
  accounts see the same children from their several sides.
- **Passwords printed, development only.** Each password is derived from the username and a
  random secret of 32 bytes kept beside the store, readable by its owner only (mode 0600),
  drawn when the demo first makes its accounts: ``demo-accounts.secret`` in
  ``AIXIN_DATA_DIR`` for SQLite; for PostgreSQL, whose log has no directory of its own, in
  the ``AIXIN_DATA_DIR`` of the machine that ran the demo, one file per database and schema
  (``demo-accounts.<host>-<port>-<database>-<schema>.secret``). So the same store prints the
  same passwords each time they are asked for, nothing in the store's records (which the
  county's and the auditor's accounts read) gives them, and two stores built alike have
  different ones. Without the secret (another machine, the file deleted) the accounts are
  printed as changed: ``aixin users set-password`` resets one. In production no demo account
  is made.
- **Idempotent.** An account already there is left as it is; if its password was changed since,
  it is not printed (``aixin users set-password`` resets it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from aixin.bootstrap import build_register, build_view_store
from aixin.demo.county import COUNTY, COUNTY_CODE, TOWNSHIPS
from aixin.settings import Settings
from api.schemas.users import UserCreate
from api.security import Passwords
from domain.application import CareRegister
from domain.application.users import PasswordRules
from domain.common import SYSTEM
from domain.errors import AccountRule
from domain.users import Role, Scope
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


#: Bytes of the secret the demo's passwords come from.
SECRET_BYTES = 32


def secret_path(settings: Settings) -> Path:
    """Where the store's demo secret is kept: beside the SQLite store, or, for PostgreSQL, in
    the data directory under a name for the database and schema."""
    if settings.store == "sqlite":
        return settings.data_dir / "demo-accounts.secret"
    where = (f"{settings.postgres_host}-{settings.postgres_port}-{settings.postgres_dbname}-"
             f"{settings.postgres_schema or 'public'}")
    return settings.data_dir / f"demo-accounts.{re.sub(r'[^A-Za-z0-9_.-]', '_', where)}.secret"


def store_secret(settings: Settings) -> bytes:
    """The store's demo secret, drawn at random and kept (mode 0600) the first time. Two runs
    at once keep one: each writes its own draft, and the first linked in place stands."""
    path = secret_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(secrets.token_bytes(SECRET_BYTES))
        try:
            with suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise DemoAccountsRefused(f"{path} holds no secret of {SECRET_BYTES} bytes: delete it "
                                  "to draw a new one (the demo's accounts are then printed as "
                                  "changed; aixin users set-password resets one)")
    return secret


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
        return _ensure(register, views, settings)
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


def _ensure(register: CareRegister, views: ViewStore, settings: Settings) -> list[DemoLogin]:
    missing = any(register.find_user(username) is None for username in USERNAMES)
    planned = _plan(register, views) if missing else None  # refused before a secret is drawn
    secret = store_secret(settings)
    passwords = PasswordRules(Passwords(settings.password_hashing), settings.password_min_length)
    logins = []
    for index, username in enumerate(USERNAMES):
        password = demo_password(secret, username)
        user = register.find_user(username)
        if user is None:
            assert planned is not None
            scope = planned[index]
            request = UserCreate.model_validate({
                "username": username, "password": password, "role": scope.role.value,
                "region_code": scope.region_code, "school": scope.school,
                "volunteer_id": scope.volunteer_id})
            with suppress(AccountRule):  # made just now by another run
                register.open_account(
                    username=request.username, password=request.password, role=request.role,
                    region_code=request.region_code, school=request.school,
                    volunteer_id=request.volunteer_id, passwords=passwords, actor=SYSTEM)
            user = register.find_user(username)
            assert user is not None
        known = passwords.hashing.matches(user.password_hash, password)
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
