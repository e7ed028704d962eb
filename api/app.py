"""The FastAPI application, built by a factory: nothing is wired at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from aixin.bootstrap import build_register
from aixin.settings import Settings
from api.health import router as health_router


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for the given settings (default: from the environment)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.register = build_register(settings)
        try:
            yield
        finally:
            app.state.register.close()

    app = FastAPI(
        title="Aixin 爱心", version="0.1.0", lifespan=lifespan,
        description="Records for the care of rural left-behind children (留守儿童关爱帮扶).")
    app.include_router(health_router)
    return app
