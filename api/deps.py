"""Dependencies, declared once: the register, the read side, the caller, If-Match."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from anyio import to_thread
from celery import Celery
from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from aixin.settings import Settings
from api.security import Passwords, Principal, TokenError, Tokens
from domain.access.caller import Caller as AccessCaller
from domain.application import CareRegister, UserView
from domain.errors import NotFound
from domain.users import Role
from domain.vocabulary import ROLE_TITLES, title_of
from projections.runner import ViewRunner

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def _register(request: Request) -> CareRegister:
    return request.app.state.register  # type: ignore[no-any-return]


async def _views(request: Request) -> ViewRunner:
    return request.app.state.views  # type: ignore[no-any-return]


async def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def _tokens(request: Request) -> Tokens:
    return request.app.state.tokens  # type: ignore[no-any-return]


async def _passwords(request: Request) -> Passwords:
    return request.app.state.passwords  # type: ignore[no-any-return]


async def _celery(request: Request) -> Celery:
    return request.app.state.celery  # type: ignore[no-any-return]


Register = Annotated[CareRegister, Depends(_register)]
Views = Annotated[ViewRunner, Depends(_views)]
AppSettings = Annotated[Settings, Depends(_settings)]
TokenIssuer = Annotated[Tokens, Depends(_tokens)]
PasswordHashing = Annotated[Passwords, Depends(_passwords)]
#: The broker's client (it connects on first use).
Broker = Annotated[Celery, Depends(_celery)]

_UNAUTHORIZED = HTTPException(status_code=401, detail="not authenticated: a valid bearer token "
                              "is required", headers={"WWW-Authenticate": "Bearer"})


#: A change of account made by another process (deactivation, new scope, new password)
#: counts here within this time; one made by this process counts at once.
_ACCOUNT_CACHE_SECONDS = 2.0


async def _account(register: CareRegister, accounts: dict[UUID, tuple[float, UserView]],
                   user_id: UUID, *, fresh: bool = False) -> UserView:
    now = time.monotonic()
    cached = accounts.get(user_id)
    if not fresh and cached is not None and now - cached[0] < _ACCOUNT_CACHE_SECONDS:
        return cached[1]
    user = await to_thread.run_sync(register.get_user, user_id)  # reads the store
    remember_account(accounts, user, now)
    return user


def remember_account(accounts: dict[UUID, tuple[float, UserView]], user: UserView,
                     now: float | None = None) -> None:
    """Cache an account as just read, unless a later version of it is cached already (a
    change made by this process counts at once, even against a read that started before)."""
    cached = accounts.get(user.id)
    if cached is not None and cached[1].version > user.version:
        return
    if len(accounts) > 10_000:
        accounts.clear()
    accounts[user.id] = (time.monotonic() if now is None else now, user)


# The dependencies are coroutines: each plain function would be a hop to a worker thread
# and back for every request (only the account's read, when not cached, blocks).
async def _principal(request: Request, register: Register, tokens: TokenIssuer,
                     token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    if not token:
        raise _UNAUTHORIZED
    try:
        claims = tokens.claims(token)
        user = await _account(register, request.app.state.accounts, claims.subject)
        if not tokens.current(claims, user.password_hash):  # issued under other credentials:
            # read again, as a token issued after a change here may meet an older cached copy
            user = await _account(register, request.app.state.accounts, claims.subject,
                                  fresh=True)
    except (TokenError, NotFound):
        raise _UNAUTHORIZED from None
    if not user.active or not tokens.current(claims, user.password_hash):
        raise _UNAUTHORIZED
    return Principal(user.id, user.username, user.scope)


Caller = Annotated[Principal, Depends(_principal)]


#: Each role check made by ``roles`` and the roles it admits (the OpenAPI 403s name them).
ROLE_CHECKS: dict[Callable[..., Awaitable[Principal]], tuple[str, ...]] = {}


def roles(*allowed: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that admits only the given roles (403 for the others)."""

    async def check(caller: Caller) -> Principal:
        if caller.role not in allowed:
            permitted = "、".join(title_of(ROLE_TITLES, role) for role in allowed)
            raise HTTPException(status_code=403, detail=(
                f"{title_of(ROLE_TITLES, caller.role)}（{caller.role}）无权进行此操作，"
                f"只有{permitted}可以（the {caller.role} role cannot do this; "
                f"allowed: {', '.join(allowed)}）"))
        return caller

    ROLE_CHECKS[check] = allowed
    return check


def admitting(rule: Callable[[AccessCaller], bool]) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that admits the roles a rule of the access policy admits (403 for the
    others); ``rule`` is one that asks the role alone, whatever the scope."""
    return roles(*(role.value for role in Role if rule(AccessCaller("", role))))


#: An ``If-Match`` this service understands: ``*``, or an ETag it gave (``"3"``, ``W/"3"``, or
#: the version alone). Anything else is malformed: 422 naming the header, as any bad shape.
IF_MATCH = r'^\s*(\*|(W/)?"?[0-9]{1,18}"?)\s*$'
_VERSION = re.compile(r"[0-9]+")


async def if_match_version(if_match: Annotated[str | None, Header(
        pattern=IF_MATCH, description='The version the change is made to, as the ETag that '
        'was read (`"3"`); if the record has another now, 412 and nothing is recorded.',
        examples=['"3"'])] = None) -> int | None:
    """The version an ``If-Match`` header expects (None: no condition)."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _VERSION.search(if_match)
    assert found is not None  # the header's pattern was checked
    return int(found.group())


IfMatch = Annotated[int | None, Depends(if_match_version)]


def etag(version: int) -> str:
    return f'"{version}"'
