"""The field app (`/app`): the caring mothers' and teachers' own screen, on a phone, offline."""

from __future__ import annotations

from fastapi import FastAPI

from api.fieldapp.pages import STATIC, AppStatic, router


def install(app: FastAPI) -> None:
    """Mount the field app at ``/app``: its page, service worker and manifest, and its
    scripts, styles, icons and vendored libraries at ``/app/static``."""
    app.include_router(router)
    app.mount("/app/static", AppStatic(directory=STATIC), name="app-static")
