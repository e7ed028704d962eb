"""The service's processes and settings: ``aixin serve``, ``worker``, ``beat``, ``check``,
``settings`` and ``new-cipher-key``."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from aixin.commands.common import load_settings, start_as
from aixin.connections import application_name_for

if TYPE_CHECKING:
    from aixin.settings import Settings


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (AIXIN_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (AIXIN_PORT, default 8000).")] = None,
    with_worker: Annotated[bool, typer.Option(
        "--worker/--no-worker",
        help="Without Redis, also run a background worker and the schedule.")] = True,
) -> None:
    """Run the HTTP service (on the embedded SQLite store unless AIXIN_STORE=postgres)."""
    import uvicorn

    from aixin.logs import configure_logging, logging_config
    from api.app import create_app

    settings = load_settings()
    configure_logging()  # JSON lines on stderr, ids only (no personal data)
    start_as("aixin-api", settings)
    typer.echo(f"Aixin serving on http://{host or settings.host}:{port or settings.port} "
               f"(store: {settings.store}, data: {settings.data_dir.resolve()})")
    background = None if settings.redis_url or not with_worker else _embedded_worker(settings)
    _exit_on_sigterm()
    try:
        if settings.web_workers > 1:  # each process builds the app from the environment
            uvicorn.run("api.app:create_app", factory=True, workers=settings.web_workers,
                        host=host or settings.host, port=port or settings.port,
                        log_level="info", log_config=logging_config(), server_header=False)
        else:
            uvicorn.run(create_app(settings), host=host or settings.host,
                        port=port or settings.port, log_level="info",
                        log_config=logging_config(), server_header=False)
    finally:
        if background is not None:
            _stop_embedded_worker(background)


#: Seconds the embedded worker may take to finish the tasks under way when the service
#: stops (a warm shutdown), before they are abandoned: each task is acknowledged late and
#: idempotent, and the schedule finds again what was left undone.
EMBEDDED_WORKER_GRACE = 5.0


def _embedded_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """``aixin worker --beat`` beside the API, on the broker that needs no server; in a
    process group of its own (its pool processes and the schedule with it), so the service
    alone decides when it stops."""
    typer.echo("Aixin background worker and schedule: embedded (no Redis configured)")
    env = dict(os.environ)
    if env.get("PGAPPNAME") == application_name_for("aixin-api", settings):  # named by
        del env["PGAPPNAME"]  # this command: the worker names its own
    return subprocess.Popen([sys.executable, "-m", "aixin", "worker", "--beat"], env=env,
                            preexec_fn=_die_with_parent, start_new_session=True)


def _exit_on_sigterm() -> None:
    """SIGTERM ends the service through its ``finally`` (which stops the embedded worker).
    uvicorn shuts down gracefully on SIGTERM and then raises it again with the handler it
    found: this one, not the default that would end the process on the spot."""
    import signal

    def terminated(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)


def _stop_embedded_worker(background: subprocess.Popen[bytes]) -> None:
    """Stop the embedded worker within seconds: a warm shutdown (SIGTERM) for
    :data:`EMBEDDED_WORKER_GRACE`, then a cold one (SIGQUIT: tasks under way are abandoned),
    then SIGKILL for whatever is left of its process group."""
    import signal
    from contextlib import suppress

    for signum, wait in ((signal.SIGTERM, EMBEDDED_WORKER_GRACE), (signal.SIGQUIT, 5.0)):
        if background.poll() is not None:
            break
        background.send_signal(signum)
        try:
            background.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(background.pid, signal.SIGKILL)  # pool processes or the schedule left over
    if background.poll() is None:
        background.wait(5)




def _die_with_parent() -> None:
    """In the embedded worker: end when the service ends, even if it was killed (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def worker(
    queues: Annotated[str, typer.Option("--queues", "-Q", help="Queues to serve.")] =
        "reminders,reports,imports,maintenance",
    concurrency: Annotated[int | None, typer.Option(
        help="Worker processes (AIXIN_WORKER_CONCURRENCY).")] = None,
    beat: Annotated[bool, typer.Option(help="Also run the schedule (one process only).")] =
        False,
) -> None:
    """Run a Celery worker (background reminders and reports)."""
    from workers.app import create_celery

    settings = load_settings()
    if concurrency is not None:  # the budget counts the pool processes this worker runs
        settings = settings.model_copy(update={"worker_concurrency": concurrency})
    start_as("aixin-worker", settings)
    celery = create_celery(settings)
    argv = ["worker", "--loglevel=INFO", f"--queues={queues}",
            f"--concurrency={settings.worker_concurrency}",
            f"--hostname=aixin-{os.getpid()}@%h"]
    if beat:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # the schedule file's folder
        argv += ["--beat", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    celery.worker_main(argv)


def beat_command() -> None:
    """Run the Celery schedule (daily reminder scan, quarterly reports): one per deployment."""
    from workers.app import create_celery

    settings = load_settings()
    start_as("aixin-beat", settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # the schedule file's folder
    create_celery(settings).start(["beat", "--loglevel=INFO",
                                   f"--schedule={settings.data_dir / 'celerybeat-schedule'}"])


def show_settings() -> None:
    """Validate the settings from the environment and print them (secrets hidden)."""
    settings = load_settings()
    for name, value in settings.shown().items():  # secrets and URLs' passwords masked
        typer.echo(f"{name} = {value}")


def new_cipher_key() -> None:
    """Print a new random AES-256 key for AIXIN_CIPHER_KEY."""
    typer.echo(base64.b64encode(secrets.token_bytes(32)).decode())


def check() -> None:
    """Check that the event store answers with the current settings."""
    from aixin.bootstrap import build_register

    settings = load_settings()
    register = build_register(settings)
    position = register.recorder.max_notification_id() or 0
    typer.echo(f"event store OK ({settings.store}), {position} events recorded")
    register.close()
