"""/auth/token and /users: who may come in, and in what role."""

from __future__ import annotations

import hashlib
import logging
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import (
    AppSettings,
    Caller,
    PasswordHashing,
    Register,
    TokenIssuer,
    admitting,
    etag,
    remember_account,
)
from api.schemas.users import (
    Deactivation,
    PasswordChange,
    ScopeChange,
    Token,
    UserCreate,
    UserPublic,
)
from api.security import Principal
from domain.access.policy import may_administer, may_audit
from domain.application import UserView
from domain.application.users import PasswordRules
from domain.errors import WrongPassword
from domain.users import Scope
from storage.throttle import LoginThrottle, Throttled

log = logging.getLogger(__name__)

router = APIRouter(tags=["auth"])


async def _throttle(request: Request) -> LoginThrottle:
    return request.app.state.throttle  # type: ignore[no-any-return]


Throttle = Annotated[LoginThrottle, Depends(_throttle)]
_THROTTLED = {429: {"description": "Too many failed logins for this username or from this "
                    "address: refused, even with the right password, for `Retry-After` "
                    "seconds.", "headers": {"Retry-After": {
                        "description": "Seconds to wait.", "schema": {"type": "integer"}}}}}


def public(user: UserView) -> UserPublic:
    return UserPublic(id=user.id, version=user.version, username=user.username,
                      role=user.scope.role.value, region_code=user.scope.region_code,
                      school=user.scope.school, volunteer_id=user.scope.volunteer_id,
                      active=user.active)


@router.post("/auth/token", response_model=Token, responses=_THROTTLED)  # type: ignore[arg-type]
def issue_token(form: Annotated[OAuth2PasswordRequestForm, Depends()], register: Register,
                tokens: TokenIssuer, throttle: Throttle, passwords: PasswordHashing,
                request: Request) -> Token:
    """Exchange a username and password for a bearer token (OAuth2 password flow); repeated
    failures lock the username and the address for a while (429)."""
    address = request.client.host if request.client else "unknown"
    ids = {"username_digest": _digest(form.username), "address_digest": _digest(address)}
    try:  # counted as a failure before the password is checked, in one step with the count
        attempt = throttle.attempt(form.username, address)
    except Throttled as throttled:
        wait = throttled.retry_after
        log.warning("login refused: too many failures", extra={"event": "login_throttled",
                                                               **ids, "retry_after": wait})
        raise HTTPException(status_code=429, headers={"Retry-After": str(wait)},
                            detail=f"too many failed logins for this account or address; "
                            f"try again in {wait} seconds") from None
    user = register.find_user(form.username)
    valid = (passwords.matches(user.password_hash, form.password) if user
             else passwords.matches_nobody(form.password))
    if user is None or not valid or not user.active:  # the attempt stays counted
        log.warning("login refused: wrong username or password", extra={
            "event": "login_failed", "user_id": str(user.id) if user else None, **ids})
        raise HTTPException(status_code=401, detail="wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    throttle.succeeded(attempt)
    log.info("login", extra={"event": "login", "user_id": str(user.id)})
    return Token(access_token=tokens.issue(user.id, user.username, user.password_hash))


def _digest(value: str) -> str:
    """A short digest to correlate log lines about one username or address, not the value."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:16]


@router.post("/users", status_code=201, response_model=UserPublic)
def create_user(body: UserCreate, caller: Annotated[Principal, Depends(admitting(may_administer))],
                register: Register, settings: AppSettings, passwords: PasswordHashing,
                response: Response) -> UserPublic:
    """Create an account (admin only); its role decides its scope. In production a password
    has at least 12 characters."""
    user_id = register.open_account(
        username=body.username, password=body.password, role=body.role,
        region_code=body.region_code, school=body.school, volunteer_id=body.volunteer_id,
        passwords=PasswordRules(passwords, settings.password_min_length), actor=caller.actor)
    user = register.get_user(user_id)
    response.headers["ETag"] = etag(user.version)
    return public(user)


@router.get("/users/me", response_model=UserPublic)
def who_am_i(caller: Caller, register: Register) -> UserPublic:
    """The account the token belongs to."""
    return public(register.get_user(caller.user_id))


@router.get("/users/{user_id}", response_model=UserPublic)
def read_user(user_id: UUID, caller: Annotated[Principal, Depends(admitting(may_audit))],
              register: Register) -> UserPublic:
    """An account (admin and auditors)."""
    return public(register.get_user(user_id))


Admin = Annotated[Principal, Depends(admitting(may_administer))]


@router.post("/users/{user_id}/scope", response_model=UserPublic)
def change_scope(user_id: UUID, body: ScopeChange, caller: Admin, register: Register,
                 request: Request, response: Response) -> UserPublic:
    """Give an account another role or scope (admin only); the change is on record."""
    scope = Scope(role=body.role, region_code=body.region_code,  # type: ignore[arg-type]
                  school=body.school, volunteer_id=body.volunteer_id)
    register.change_scope(user_id, scope, actor=caller.actor)
    user = _changed(request, register, user_id)
    response.headers["ETag"] = etag(user.version)
    return public(user)


@router.post("/users/{user_id}/deactivation", response_model=UserPublic)
def deactivate(user_id: UUID, body: Deactivation, caller: Admin, register: Register,
               request: Request, response: Response) -> UserPublic:
    """Deactivate an account (admin only); its tokens stop working."""
    register.deactivate_user(user_id, reason=body.reason, actor=caller.actor)
    user = _changed(request, register, user_id)
    response.headers["ETag"] = etag(user.version)
    return public(user)


@router.post("/users/me/password", response_model=UserPublic)
def change_password(body: PasswordChange, caller: Caller, register: Register,
                    settings: AppSettings, passwords: PasswordHashing,
                    request: Request) -> UserPublic:
    """Change your own password; the current one is asked for again. Every token issued
    before, this request's included, stops working: log in again with the new password."""
    try:
        register.change_own_password(
            caller.user_id, current_password=body.current_password,
            new_password=body.new_password,
            passwords=PasswordRules(passwords, settings.password_min_length), actor=caller.actor)
    except WrongPassword as wrong:
        raise HTTPException(status_code=403, detail=wrong.message) from None
    return public(_changed(request, register, caller.user_id))


def _changed(request: Request, register: Register, user_id: UUID) -> UserView:
    """The account just changed, read again and cached so that this process's next request
    sees the change (its tokens refused, its new scope) at once."""
    user = register.get_user(user_id)
    remember_account(request.app.state.accounts, user)
    return user
