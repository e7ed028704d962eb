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


def start_as(role: str, settings: Settings, *, command_processes: int = 1) -> None:
    """Name this process's PostgreSQL connections after its role and the deployment's schema
    (``PGAPPNAME``, unless the environment names them already), and refuse to start (exit 2)
    if the deployment's processes could together hold more connections than the server
    accepts (``aixin.connections``; ``command_processes``: the processes this command runs,
    if it is one run by hand)."""
    from aixin.connections import application_name_for

    os.environ.setdefault("PGAPPNAME", application_name_for(role, settings))
    if settings.store != "postgres":
        return
    from aixin.bootstrap import postgres_server
    from aixin.connections import connection_budget, refusal, server_connections

    try:
        accepted = server_connections(postgres_server(settings))
    except Exception as error:  # not up yet: the processes retry, and warn on their own
        typer.echo(f"could not read PostgreSQL's max_connections ({type(error).__name__}); "
                   "starting without checking the connections' sum", err=True)
        return
    refused = refusal(connection_budget(settings, command_processes=command_processes),
                      accepted)
    if refused is not None:
        typer.echo(refused, err=True)
        raise typer.Exit(2)
