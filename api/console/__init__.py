"""The console (管理控制台): server-rendered pages in Chinese for staff and auditors.

Behind the API's own login and scope rules (see ``session``). Its pages are in the OpenAPI
document beside the API's operations, tagged ``console``, with what they really answer: pages
(``text/html``), redirects (303) and, for a malformed parameter or form value, a page in
Chinese naming the field (422, ``error_pages``). ``install`` mounts it on the application.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request, routing
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from api import shapes
from api.console import (
    audit,
    children,
    concerns,
    dashboard,
    duplicates,
    enrolment,
    error_pages,
    exports,
    imports,
    login,
    pairings,
    reports,
    volunteers,
    work,
)
from api.console.pages import HERE, page, redirect, render
from api.console.session import SESSION, LoginRequired, Refused, _caller, login_redirect
from api.errors import _calls, _has_parameters
from api.middleware import MAX_BODY

PREFIX = "/console"
TAG = {"name": "console", "description": "The console's pages (管理控制台): HTML for staff "
       "and auditors in a browser, behind a session cookie set by `POST /console/login`."}
#: The session cookie, as the OpenAPI document names it.
SCHEME = "consoleSession"


def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return render(request, "error.html", status_code=error.status, message=error.message)


def install(app: FastAPI) -> None:
    """Mount the console's pages at ``/console`` and its CSS and scripts at
    ``/console/static``, and describe the pages in the OpenAPI document."""
    router = APIRouter(prefix=PREFIX, tags=[TAG["name"]])
    for module in (login, dashboard, children, volunteers, pairings, concerns, work, reports,
                   audit, duplicates, exports, imports, enrolment):
        router.include_router(module.router)
    app.include_router(router)
    app.add_api_route(PREFIX, login.home, status_code=303, response_class=RedirectResponse,
                      responses=login.HOME_ANSWERS, tags=[TAG["name"]])
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.add_exception_handler(LoginRequired, login_redirect)  # type: ignore[arg-type]
    app.add_exception_handler(Refused, _refused)
    error_pages.install(app)  # a malformed value or an unknown address: a page, not JSON
    app.openapi = _documented(app)  # type: ignore[method-assign]


# -- the pages in the OpenAPI document -----------------------------------------------------

_LOGIN = ("No session, or it has expired: to the login page (`/console/login?next=…`), "
          "then back here.")
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def _documented(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` that adds to each console page what every page answers alike."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        document = generate()
        if fresh:
            _describe(app, document)
        return document

    return openapi


def _describe(app: FastAPI, document: dict[str, Any]) -> None:
    document.setdefault("tags", []).append(TAG)
    document.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = {
        "type": "apiKey", "in": "cookie", "name": SESSION,
        "description": "The console's session, set by `POST /console/login` (HttpOnly, "
                       "SameSite=Strict, under `/console` only)."}
    pages = list(_pages(app))
    for path, route in pages:
        for method in sorted(route.methods or ()):
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is not None:
                _describe_page(operation, route, method)
    shapes.state(document, pages)  # query strings are checked as the API's are


def _describe_page(operation: dict[str, Any], route: APIRoute, method: str) -> None:
    """The page (200), a session (or a redirect to the login page), a record in the path
    (404), the parameters and form fields (422, a page naming the field), a form's body (400,
    413)."""
    responses = operation.setdefault("responses", {})
    shown = responses.get("200", {})
    if "text/html" in shown.get("content", {}) and shown["description"] == "Successful Response":
        shown["description"] = "The page."
    dependant = route.dependant
    if _caller in set(_calls(dependant)):
        operation["security"] = [{SCHEME: []}]
        if "303" in responses:
            responses["303"]["description"] += f" {_LOGIN}"
        else:
            responses["303"] = redirect(_LOGIN)
    if dependant.path_params:
        responses.setdefault("404", page(
            "No such record, or it lies outside your scope (the two are not told apart): "
            "a page saying so."))
    if _has_parameters(dependant):
        malformed = responses.get("422")
        if malformed is None or malformed.get("description") == "Validation Error":
            responses["422"] = page("A parameter or a form field is malformed: a page in "
                                    "Chinese naming it.")
        else:
            malformed["description"] += (" A malformed parameter or form field: a page in "
                                         "Chinese naming it.")
            malformed["content"] = page("")["content"]
    if method == "POST":
        responses.setdefault("400", page("The form cannot be parsed: a page saying so."))
        responses.setdefault("413", {"description": f"The request body is over {MAX_BODY} "
                                     "bytes.", "content": dict(_ERROR)})


def _pages(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(path, route) of every console page; FastAPI from 0.12x keeps included routers apart
    and walks them with ``iter_route_contexts``."""
    for context in getattr(routing, "iter_route_contexts", iter)(app.routes):
        route = getattr(context, "original_route", context)
        path = str(getattr(context, "path_format", None) or getattr(route, "path_format", ""))
        if isinstance(route, APIRoute) and (path == PREFIX or path.startswith(f"{PREFIX}/")):
            yield path, route
