"""The FastAPI application, built by a factory: nothing is wired at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from aixin.bootstrap import build_register, build_runner
from aixin.settings import Settings
from api.health import router as health_router
from projections.follower import Follower


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for the given settings (default: from the environment)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.register = build_register(settings)
        app.state.views = build_runner(settings, app.state.register)
        follower = None
        if settings.follows_in_process:  # the embedded default keeps its own projections
            follower = Follower(app.state.views,
                                poll_interval=settings.projections_poll_interval).start()
        try:
            yield
        finally:
            if follower is not None:
                follower.stop()
            app.state.views.store.close()
            app.state.register.close()

    app = FastAPI(
        title="Aixin 爱心", version="0.1.0", lifespan=lifespan,
        description="Records for the care of rural left-behind children (留守儿童关爱帮扶).")
    app.include_router(health_router)
    return app
