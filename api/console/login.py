"""Logging in and out of the console (登录/退出)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.console.pages import render
from api.console.session import (
    ConsoleCaller,
    check_csrf,
    clear_session,
    safe_next,
    set_cookies,
)
from api.deps import Register, TokenIssuer
from api.routes import auth

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(caller: ConsoleCaller) -> Response:
    """The console's first page: the children's search (a volunteer: their own page)."""
    if caller.role == "volunteer" and caller.scope.volunteer_id:
        return RedirectResponse(f"/console/volunteers/{caller.scope.volunteer_id}", 303)
    return RedirectResponse("/console/children", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login", response_class=HTMLResponse)
def log_in(request: Request, register: Register, tokens: TokenIssuer,
           username: Annotated[str, Form(max_length=100)],
           password: Annotated[str, Form(max_length=200)],
           csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    """Log in through ``POST /auth/token``'s own function (its checks, throttle and log) and
    keep the token in a cookie."""
    check_csrf(request, csrf)
    form = OAuth2PasswordRequestForm(username=username, password=password)
    try:
        token = auth.issue_token(form=form, register=register, tokens=tokens,
                                 throttle=request.app.state.throttle, request=request)
    except HTTPException as error:
        message = (f"登录失败次数过多，请 {error.headers['Retry-After']} 秒后再试"
                   if error.status_code == 429 and error.headers else
                   "用户名或密码错误，或账号已停用")
        return render(request, "login.html", status_code=error.status_code,
                      next=safe_next(next), error=message, username=username)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookies(request, response, session=token.access_token,
                lifetime=int(tokens.lifetime.total_seconds()))
    return response


@router.post("/logout")
def log_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the session cookie."""
    check_csrf(request, csrf)
    response = RedirectResponse("/console/login", status_code=303)
    clear_session(response)
    return response
