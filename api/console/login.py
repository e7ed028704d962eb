"""Logging in and out of the console (登录/退出)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.console.pages import page, redirect, render
from api.console.session import (
    ConsoleCaller,
    check_csrf,
    clear_session,
    safe_next,
    set_cookies,
)
from api.deps import Register, TokenIssuer
from api.routes import auth
from api.scope import caller_of
from domain.access.policy import may_keep_records, own_volunteer

router = APIRouter()

#: How the console's first page (``/console`` and ``/console/``) answers: a redirect.
HOME_ANSWERS: dict[int | str, dict[str, Any]] = {303: redirect(
    "To the children's search (a volunteer: to their own page).")}


@router.get("/", status_code=303, response_class=RedirectResponse, responses=HOME_ANSWERS)
def home(caller: ConsoleCaller) -> Response:
    """The console's first page: the dashboard for those who keep the registers (admin,
    federation, school), a volunteer's own page, the children's search for the others."""
    who = caller_of(caller)
    own = own_volunteer(who)
    if own is not None:
        return RedirectResponse(f"/console/volunteers/{own}", 303)
    if may_keep_records(who):
        return RedirectResponse("/console/dashboard", status_code=303)
    return RedirectResponse("/console/children", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Logged in: the session cookie is set; to `next` (a console page)."),
    401: page("Wrong username or password, or the account is deactivated: the form again."),
    403: page("The form's CSRF token is not the browser's: a page saying so."),
    429: page("Too many failed logins for this username or address: the form again, "
              "saying when to try.")})
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
                                 throttle=request.app.state.throttle,
                                 passwords=request.app.state.passwords, request=request)
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


@router.post("/logout", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Logged out: the session cookie is cleared; to the login page."),
    403: page("The form's CSRF token is not the browser's: a page saying so.")})
def log_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the session cookie."""
    check_csrf(request, csrf)
    response = RedirectResponse("/console/login", status_code=303)
    clear_session(response)
    return response
