"""The one place that wires real adapters to the use cases."""

from __future__ import annotations

from aixin.settings import Settings
from domain.application import CareRegister, Clock


def build_register(settings: Settings, *, clock: Clock | None = None) -> CareRegister:
    """The register on the configured store (SQLite file by default, PostgreSQL if set)."""
    if settings.store == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return CareRegister(env=settings.event_store_env(), programme=settings.programme(),
                        clock=clock)
