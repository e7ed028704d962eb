"""The console's login (登录): a form, the API's own tokens kept in an HttpOnly cookie.

The token is the one ``POST /auth/token`` issues (the console calls that route's function, so the
same login throttle and log apply), checked by the API's own ``_principal``, so an
account deactivated or re-scoped counts in the console exactly as in the API. It travels in a
cookie that scripts cannot read (HttpOnly) and other sites cannot send (SameSite=Strict), under
``/console`` only. Every form POST also carries a CSRF token that must equal the one in a second
cookie (double submit), so a forged form from elsewhere is refused even where SameSite is not
honoured.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Register, TokenIssuer, _principal
from api.security import Principal

SESSION = "aixin_session"
CSRF = "aixin_csrf"
PREFIX = "/console"


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page, then back."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


class Refused(Exception):
    """A console request refused (403: role, CSRF): shown as a page, not as JSON."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def login_redirect(request: Request, error: LoginRequired) -> Response:
    return RedirectResponse(f"{PREFIX}/login?next={quote(error.back_to)}", status_code=303)


async def _caller(request: Request, register: Register, tokens: TokenIssuer) -> Principal:
    token = request.cookies.get(SESSION)
    back_to = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not token:
        raise LoginRequired(back_to)
    try:
        return await _principal(request, register, tokens, token)
    except HTTPException:
        raise LoginRequired(back_to) from None


#: The console's caller: the account of the session cookie, or off to the login page.
ConsoleCaller = Annotated[Principal, Depends(_caller)]


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a console page, never another site (``/console``
    itself: the caller's first page, as :func:`api.console.login.home` chooses it)."""
    if target == PREFIX:
        return target
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return PREFIX


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (kept on ``request.state`` for the cookie to be set)."""
    token = request.cookies.get(CSRF) or getattr(request.state, "csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
    request.state.csrf = token
    return str(token)


def check_csrf(request: Request, submitted: str) -> None:
    """A form POST must carry the token of the browser's CSRF cookie (403 otherwise)."""
    cookie = request.cookies.get(CSRF, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), submitted.encode()):
        raise Refused(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def set_cookies(request: Request, response: Response, *, session: str | None = None,
                lifetime: int = 8 * 3600) -> None:
    """Set the CSRF cookie if the page made one, and the session cookie if given."""
    secure = request.url.scheme == "https"
    made = getattr(request.state, "csrf", None)
    if made and made != request.cookies.get(CSRF):
        response.set_cookie(CSRF, made, httponly=True, samesite="strict", secure=secure,
                            path=PREFIX)
    if session is not None:
        response.set_cookie(SESSION, session, max_age=lifetime, httponly=True,
                            samesite="strict", secure=secure, path=PREFIX)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION, path=PREFIX, httponly=True, samesite="strict")
