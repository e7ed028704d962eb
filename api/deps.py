"""Dependencies, declared once: the register, the read side, the caller, If-Match."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from aixin.settings import Settings
from api.security import Principal, TokenError, Tokens
from domain.application import CareRegister
from domain.errors import NotFound
from projections.runner import ViewRunner

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _register(request: Request) -> CareRegister:
    return request.app.state.register  # type: ignore[no-any-return]


def _views(request: Request) -> ViewRunner:
    return request.app.state.views  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _tokens(request: Request) -> Tokens:
    return request.app.state.tokens  # type: ignore[no-any-return]


Register = Annotated[CareRegister, Depends(_register)]
Views = Annotated[ViewRunner, Depends(_views)]
AppSettings = Annotated[Settings, Depends(_settings)]
TokenIssuer = Annotated[Tokens, Depends(_tokens)]

_UNAUTHORIZED = HTTPException(status_code=401, detail="not authenticated: a valid bearer token "
                              "is required", headers={"WWW-Authenticate": "Bearer"})


def _principal(register: Register, tokens: TokenIssuer,
               token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    if not token:
        raise _UNAUTHORIZED
    try:
        user = register.get_user(tokens.subject(token))
    except (TokenError, NotFound):
        raise _UNAUTHORIZED from None
    if not user.active:
        raise _UNAUTHORIZED
    return Principal(user.id, user.username, user.scope)


Caller = Annotated[Principal, Depends(_principal)]


def roles(*allowed: str) -> Callable[[Principal], Principal]:
    """A dependency that admits only the given roles (403 for the others)."""

    def check(caller: Caller) -> Principal:
        if caller.role not in allowed:
            raise HTTPException(status_code=403,
                                detail=f"the {caller.role} role cannot do this; "
                                f"allowed: {', '.join(allowed)}")
        return caller

    return check


_ETAG = re.compile(r'^(W/)?"?(\d+)"?$')


def _if_match(if_match: Annotated[str | None, Header()] = None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.match(if_match.strip())
    if not found:
        raise HTTPException(status_code=412, detail="If-Match must be an ETag given by this "
                            'service, such as "3"')
    return int(found.group(2))


IfMatch = Annotated[int | None, Depends(_if_match)]


def etag(version: int) -> str:
    return f'"{version}"'
