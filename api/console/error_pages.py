"""The console's error pages (出错页面): a malformed query, path or form value, a form that
cannot be read, or an address the console does not have, answered as a page in Chinese at the
status the API gives (422, 400, 404, 405), not as the API's JSON. The API under ``/api/``
answers as before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from api.console.pages import render
from api.console.session import SESSION, safe_next
from api.deps import _principal
from api.security import Principal
from api.shape_messages import MESSAGES

PREFIX = "/console"

#: The fields of the console's addresses and forms, as a person knows them.
FIELD_TITLES: Mapping[str, str] = {
    "from": "起始日期", "to": "截止日期", "as_of": "查看日期", "on": "日期",
    "occurred_on": "发生日期", "after": "翻页位置", "known": "依据", "report_id": "报表编号",
    "other_id": "比较的报表编号", "child_id": "儿童编号", "volunteer_id": "爱心妈妈编号",
    "pairing_id": "结对编号", "concern_id": "情况报告编号", "name": "名称",
    "region_code": "行政区划代码", "township": "乡镇", "school": "学校", "year": "年份",
    "quarter": "季度", "status": "状态", "category": "关爱类别", "left_behind": "是否留守",
    "overdue": "逾期", "csrf": "表单校验码", "username": "用户名", "password": "密码",
}

#: The service's own checks of a value, by ``type``, in Chinese (the framework's are in
#: :data:`api.shape_messages.MESSAGES`).
_OWN_CHECKS: Mapping[str, str] = {
    "date_format": "须为日期，如 2026-03-31", "date_parsing": "须为日期，如 2026-03-31",
    "date_type": "须为日期，如 2026-03-31", "date_from_iso": "须为日历上有的日期，如 2026-03-31",
    "date_too_early": "日期过早", "text_character": "含有不可见或控制字符",
    "uuid_parsing": "编号格式不对", "uuid_type": "编号格式不对",
}

_STATUS_HEADINGS = {400: "无法读取提交的内容", 404: "未找到页面", 405: "不能这样访问此页面",
                    422: "无法打开此页面"}
_STATUS_MESSAGES = {400: "提交的表单无法读取，请回到页面重新填写后提交。",
                    404: "没有这个页面，请检查地址，或从菜单进入。",
                    405: "此页面不接受这种请求，请从页面上的链接或按钮进入。"}


def in_console(request: Request) -> bool:
    path = request.url.path
    return path == PREFIX or path.startswith(f"{PREFIX}/")


def fault_words(fault: Mapping[str, Any]) -> str:
    """One field's fault in Chinese: the field by its title, and what is wrong with it."""
    loc = [part for part in fault.get("loc", ()) if part not in ("query", "path", "body")]
    field = str(loc[0]) if loc else ""
    title = FIELD_TITLES.get(field, "一项填写的内容")
    kind = str(fault.get("type", ""))
    what = _OWN_CHECKS.get(kind) or MESSAGES.get(kind, "格式不符")
    try:
        what = what.format(**(fault.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        what = what.split("{", 1)[0].rstrip("：: ") or "格式不符"
    return f"{title}：{what}"


def malformed_message(faults: Iterable[Mapping[str, Any]]) -> str:
    """``请检查：起始日期：须为日期，如 2026-03-31；报表编号：编号格式不对``."""
    return "请检查：" + "；".join(dict.fromkeys(fault_words(f) for f in faults))


Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def install(app: FastAPI) -> None:
    """Answer the console's malformed requests and unknown addresses with pages; every other
    request's errors go to the handlers installed before (the API's JSON)."""
    malformed = app.exception_handlers.get(RequestValidationError)
    http = app.exception_handlers.get(HTTPException)

    async def _malformed(request: Request, error: Exception) -> Response:
        if in_console(request) and isinstance(error, RequestValidationError):
            return render(request, "error.html", await _caller_if_any(request),
                          status_code=422, heading=_STATUS_HEADINGS[422],
                          message=malformed_message(error.errors()), back=back_to(request))
        return await _delegate(malformed, request, error)

    async def _http(request: Request, error: Exception) -> Response:
        if in_console(request) and isinstance(error, HTTPException) \
                and error.status_code in _STATUS_MESSAGES:
            page = render(request, "error.html", await _caller_if_any(request),
                          status_code=error.status_code,
                          heading=_STATUS_HEADINGS[error.status_code],
                          message=_STATUS_MESSAGES[error.status_code], back=back_to(request))
            page.headers.update(error.headers or {})  # a 405's Allow
            return page
        return await _delegate(http, request, error)

    app.add_exception_handler(RequestValidationError, _malformed)
    app.add_exception_handler(HTTPException, _http)


async def _caller_if_any(request: Request) -> Principal | None:
    """The account of the session cookie, so that an error page keeps the caller's menu
    (None when there is no valid session: the page then has no menu)."""
    token = request.cookies.get(SESSION)
    state = request.app.state
    if not token or getattr(state, "register", None) is None:
        return None
    try:
        return await _principal(request, state.register, state.tokens, token)
    except HTTPException:
        return None


def back_to(request: Request) -> str:
    """Where the page's link back leads: the console page the browser came from, else the
    address asked without its query (the page itself with nothing wrong typed), else the
    console's first page."""
    came_from = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if came_from.startswith(origin):
        path = came_from[len(origin):]
        if path != str(request.url.path) and safe_next(path) == path:
            return path
    if request.method == "GET" and request.url.query:
        return safe_next(request.url.path)
    return PREFIX


async def _delegate(handler: Handler | None, request: Request, error: Exception) -> Response:
    if handler is None:
        raise error
    answer = handler(request, error)
    return await answer if isinstance(answer, Awaitable) else answer
