"""What every ``aixin`` command shares: settings read and checked once, and the process named."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from aixin.settings import Settings


def load_settings() -> Settings:
    """The settings from the environment, validated; an invalid one ends the command (exit 2)."""
    from pydantic import ValidationError

    from aixin.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        typer.echo(f"Invalid settings:\n{error}", err=True)
        raise typer.Exit(2) from None


def start_as(role: str, settings: Settings) -> None:
    """Name this process's PostgreSQL connections after its role (``PGAPPNAME``, unless the
    environment names them already), and refuse to start if the deployment's processes
    could together hold more connections than the server accepts."""
    os.environ.setdefault("PGAPPNAME", role)
    if settings.store != "postgres":
        return
    from aixin.bootstrap import connection_budget, server_connections

    try:
        accepted, most, reserved = server_connections(settings)
    except Exception as error:  # not up yet: the processes retry, and warn on their own
        typer.echo(f"could not read PostgreSQL's max_connections ({type(error).__name__}); "
                   "starting without checking the connections' sum", err=True)
        return
    budget = connection_budget(settings)
    total = sum(budget.values())
    if total > accepted:
        parts = ", ".join(f"{kind} {count}" for kind, count in budget.items())
        typer.echo(
            f"Refusing to start: this deployment's processes may hold {total} PostgreSQL "
            f"connections together ({parts}; AIXIN_POSTGRES_POOL_SIZE="
            f"{settings.postgres_pool_size} per process, AIXIN_WEB_WORKERS="
            f"{settings.web_workers}, AIXIN_WORKER_CONCURRENCY={settings.worker_concurrency})"
            f", more than the {accepted} the server accepts (max_connections {most}, "
            f"{reserved} reserved). Lower AIXIN_POSTGRES_POOL_SIZE, AIXIN_WEB_WORKERS or "
            "AIXIN_WORKER_CONCURRENCY, or raise the server's max_connections.", err=True)
        raise typer.Exit(2)
