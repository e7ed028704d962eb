"""The FastAPI application, built by a factory: nothing is wired at import time."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.requests import Request

from aixin.bootstrap import (
    build_idempotency_store,
    build_register,
    build_report_store,
    build_runner,
)
from aixin.settings import Settings
from api import console, errors, fieldapp
from api.allow import AllowEveryMethod
from api.compression import CompressedAnswers
from api.deps import Caller
from api.health import router as health_router
from api.middleware import LimitsAndIdempotency, SecurityHeaders, WriteRateLimit
from api.routes import (
    access,
    activities,
    audit,
    auth,
    children,
    concerns,
    duplicates,
    duty_sets,
    dynamic,
    erasure,
    exports,
    imports,
    me,
    pairings,
    places,
    reminders,
    reports,
    schools,
    volunteers,
    worklists,
)
from api.security import Passwords, Tokens
from domain.common import SYSTEM
from domain.errors import AccountRule, StaleVersion
from domain.users import Scope
from projections.follower import Follower
from storage.throttle import LoginThrottle
from workers.app import create_celery

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for the given settings (default: from the environment)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.passwords = Passwords(settings.password_hashing)
        app.state.register = build_register(settings)
        app.state.views = build_runner(settings, app.state.register)
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        if secret is None:
            log.warning("AIXIN_SECRET_KEY is not set: tokens last until this process stops")
        app.state.tokens = Tokens(secret or secrets.token_urlsafe(32))
        app.state.idempotency = build_idempotency_store(settings)
        app.state.throttle = LoginThrottle(  # failed logins, beside the idempotency keys
            app.state.idempotency.datastore, max_failures=settings.login_max_failures,
            max_per_address=settings.login_max_failures_per_address,
            window=settings.login_window)
        app.state.reports = build_report_store(settings)  # produced reports and files
        app.state.accounts = {}  # a short-lived cache of the callers' accounts
        # The broker's client: it connects on first use (POST /reminders/scan), so the
        # service starts, and records, whether or not the broker is up.
        app.state.celery = create_celery(settings)
        _bootstrap_admin(app, settings)
        follower = None
        if settings.follows_in_process:  # the embedded default keeps its own projections
            app.state.views.open_views()
            follower = Follower(app.state.views,
                                poll_interval=settings.projections_poll_interval,
                                gather=settings.projections_gather).start()
        try:
            yield
        finally:
            if follower is not None:
                follower.stop()
            app.state.celery.close()
            app.state.views.store.close()
            app.state.idempotency.close()
            app.state.reports.close()
            app.state.register.close()

    production = settings.environment == "production"
    app = FastAPI(
        title="Aixin 爱心", version="0.1.0", lifespan=lifespan,
        description="Records for the care of rural left-behind children (留守儿童关爱帮扶).",
        # In production the API's map is not public: no /docs, no /redoc, and /openapi.json
        # for signed-in callers only (below).
        docs_url=None if production else "/docs",
        redoc_url=None if production else "/redoc",
        openapi_url=None if production else "/openapi.json")
    errors.install(app)
    app.add_middleware(LimitsAndIdempotency, state=app.state)
    app.add_middleware(WriteRateLimit, state=app.state, per_minute=settings.write_rate_limit)
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    app.add_middleware(AllowEveryMethod, application=app)
    app.add_middleware(CompressedAnswers)  # outermost: what is kept and replayed is uncompressed
    api = APIRouter(prefix="/api/v1")
    for module in (auth, volunteers, children, activities, concerns, erasure, access,
                   pairings, duty_sets, reminders, audit, reports, me, places, exports,
                   worklists, schools, dynamic, duplicates, imports):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health_router)
    app.include_router(health_router, prefix="/api/v1", include_in_schema=False)
    console.install(app)  # the browser console at /console (tagged `console` in the document)
    fieldapp.install(app)  # the field app at /app, for volunteers and teachers on a phone
    app.add_route("/", _to_the_console, methods=["GET", "HEAD"], include_in_schema=False)
    if production:
        _openapi_for_callers(app)
    return app


async def _to_the_console(request: Request) -> RedirectResponse:
    """``/``: whoever opens the service's address is led to the console (to its login page
    when not logged in). A plain route, not an operation of the API: not in its document."""
    return RedirectResponse("/console", status_code=303)


def _openapi_for_callers(app: FastAPI) -> None:
    """``/openapi.json`` with a bearer token only (401 without one)."""

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(caller: Caller) -> JSONResponse:
        return JSONResponse(app.openapi())


def _bootstrap_admin(app: FastAPI, settings: Settings) -> None:
    """With AIXIN_ADMIN_PASSWORD set and no account yet, create ``admin``."""
    if settings.admin_password is None or app.state.register.any_user_exists():
        return
    try:
        app.state.register.create_user(
            username="admin",
            password_hash=app.state.passwords.hash(settings.admin_password.get_secret_value()),
            scope=Scope(role="admin"), actor=SYSTEM)  # type: ignore[arg-type]
    except (AccountRule, StaleVersion):  # another API process starting just now made it
        return
    log.info("created the admin account from AIXIN_ADMIN_PASSWORD")
