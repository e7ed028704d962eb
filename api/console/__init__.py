"""The console (管理控制台): server-rendered pages in Chinese for staff and auditors.

Behind the API's own login and scope rules (see ``session``); its pages are left out of the
JSON API's OpenAPI document. ``install`` mounts it on the application.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from api.console import audit, children, login, reports, volunteers
from api.console.pages import HERE, render
from api.console.session import LoginRequired, Refused, login_redirect


def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return render(request, "error.html", status_code=error.status, message=error.message)


def install(app: FastAPI) -> None:
    """Mount the console's pages at ``/console`` and its CSS and scripts at
    ``/console/static``."""
    router = APIRouter(prefix="/console", include_in_schema=False)
    for module in (login, children, volunteers, reports, audit):
        router.include_router(module.router)
    app.include_router(router)
    app.add_api_route("/console", login.home, include_in_schema=False)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.add_exception_handler(LoginRequired, login_redirect)  # type: ignore[arg-type]
    app.add_exception_handler(Refused, _refused)
