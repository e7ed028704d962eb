"""The ``aixin`` command: the single entry point for people and for compose."""

from __future__ import annotations

import base64
import secrets
from typing import Annotated

import typer

app = typer.Typer(help="Aixin (爱心): records for the care of rural left-behind children.",
                  no_args_is_help=True, add_completion=False)


def _settings():
    from pydantic import ValidationError

    from aixin.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        typer.echo(f"Invalid settings:\n{error}", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (AIXIN_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (AIXIN_PORT, default 8000).")] = None,
) -> None:
    """Run the HTTP service (on the embedded SQLite store unless AIXIN_STORE=postgres)."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    typer.echo(f"Aixin serving on http://{host or settings.host}:{port or settings.port} "
               f"(store: {settings.store}, data: {settings.data_dir.resolve()})")
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_level="info")


@app.command("settings")
def show_settings() -> None:
    """Validate the settings from the environment and print them (secrets hidden)."""
    settings = _settings()
    for name, value in settings.model_dump().items():
        typer.echo(f"{name} = {value}")


@app.command("new-cipher-key")
def new_cipher_key() -> None:
    """Print a new random AES-256 key for AIXIN_CIPHER_KEY."""
    typer.echo(base64.b64encode(secrets.token_bytes(32)).decode())


@app.command()
def check() -> None:
    """Check that the event store answers with the current settings."""
    from aixin.bootstrap import build_register

    settings = _settings()
    register = build_register(settings)
    position = register.recorder.max_notification_id() or 0
    typer.echo(f"event store OK ({settings.store}), {position} events recorded")
    register.close()
