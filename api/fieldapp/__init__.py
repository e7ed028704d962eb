"""The field app (`/app`): the caring mothers' and teachers' own screen, on a phone, offline."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from api.fieldapp.pages import STATIC, AppStatic, router


def install(app: FastAPI) -> None:
    """Mount the field app at ``/app``: its page, service worker and manifest, and its
    scripts, styles, icons and vendored libraries at ``/app/static``, compressed for a slow
    mobile network."""
    app.include_router(router)
    app.mount("/app/static", GZipMiddleware(AppStatic(directory=STATIC), minimum_size=1000),
              name="app-static")
