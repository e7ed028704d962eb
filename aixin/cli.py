"""The ``aixin`` command: the single entry point for people and for compose."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from aixin import cli_audit, compliance
from aixin.demo import cli as demo_cli

if TYPE_CHECKING:
    from aixin.settings import Settings

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
    with_worker: Annotated[bool, typer.Option(
        "--worker/--no-worker",
        help="Without Redis, also run a background worker and the schedule.")] = True,
) -> None:
    """Run the HTTP service (on the embedded SQLite store unless AIXIN_STORE=postgres)."""
    import uvicorn

    from aixin.logs import configure_logging, logging_config
    from api.app import create_app

    settings = _settings()
    configure_logging()  # JSON lines on stderr, ids only (no personal data)
    _start_as("aixin-api", settings)
    typer.echo(f"Aixin serving on http://{host or settings.host}:{port or settings.port} "
               f"(store: {settings.store}, data: {settings.data_dir.resolve()})")
    background = None if settings.redis_url or not with_worker else _embedded_worker()
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


def _embedded_worker() -> subprocess.Popen[bytes]:
    """``aixin worker --beat`` beside the API, on the broker that needs no server; in a
    process group of its own (its pool processes and the schedule with it), so the service
    alone decides when it stops."""
    typer.echo("Aixin background worker and schedule: embedded (no Redis configured)")
    env = dict(os.environ)
    if env.get("PGAPPNAME") == "aixin-api":  # named by this command: the worker is not it
        del env["PGAPPNAME"]
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


def _start_as(role: str, settings: Settings) -> None:
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


def _die_with_parent() -> None:
    """In the embedded worker: end when the service ends, even if it was killed (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", "-Q", help="Queues to serve.")] =
        "reminders,reports,maintenance",
    concurrency: Annotated[int | None, typer.Option(
        help="Worker processes (AIXIN_WORKER_CONCURRENCY).")] = None,
    beat: Annotated[bool, typer.Option(help="Also run the schedule (one process only).")] =
        False,
) -> None:
    """Run a Celery worker (background reminders and reports)."""
    from workers.app import create_celery

    settings = _settings()
    _start_as("aixin-worker", settings)
    celery = create_celery(settings)
    argv = ["worker", "--loglevel=INFO", f"--queues={queues}",
            f"--concurrency={concurrency or settings.worker_concurrency}",
            f"--hostname=aixin-{os.getpid()}@%h"]
    if beat:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # the schedule file's folder
        argv += ["--beat", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    celery.worker_main(argv)


@app.command("beat")
def beat_command() -> None:
    """Run the Celery schedule (daily reminder scan, quarterly reports): one per deployment."""
    from workers.app import create_celery

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # the schedule file's folder
    create_celery(settings).start(["beat", "--loglevel=INFO",
                                   f"--schedule={settings.data_dir / 'celerybeat-schedule'}"])


@app.command("settings")
def show_settings() -> None:
    """Validate the settings from the environment and print them (secrets hidden)."""
    settings = _settings()
    for name, value in settings.shown().items():  # secrets and URLs' passwords masked
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


projections_app = typer.Typer(help="The read side: registers, timelines, duty status.",
                              no_args_is_help=True)
app.add_typer(projections_app, name="projections")
cli_audit.register(app)  # audit verify|anchor, export, import
app.command("demo")(demo_cli.demo)  # the demo county (演示数据)
app.command("compliance-audit")(compliance.compliance_audit_command)


@app.command()
def projector(
    once: Annotated[bool, typer.Option(help="Catch up once and exit.")] = False,
) -> None:
    """Keep every projection caught up with the log (subscription, with polling fallback)."""
    import signal

    from aixin.bootstrap import build_register, build_runner
    from aixin.logs import configure_logging
    from projections.follower import Follower

    configure_logging()
    settings = _settings()
    _start_as("aixin-projector", settings)
    register = build_register(settings)
    runner = build_runner(settings, register)
    if once:
        typer.echo(f"applied {runner.catch_up_all()} events; lag {runner.lag()}")
        return
    follower = Follower(runner, poll_interval=settings.projections_poll_interval,
                        gather=settings.projections_gather)
    signal.signal(signal.SIGTERM, lambda *_: follower.stop(timeout=0))
    typer.echo(f"projector following the log ({settings.store}); lag {runner.lag()}")
    try:
        follower.run()
    except KeyboardInterrupt:
        follower.stop(timeout=0)


@projections_app.command("rebuild")
def rebuild(name: Annotated[str, typer.Argument(
        help="The view to rebuild from zero, or 'all' (one read of the log for all).")],
            processes: Annotated[int, typer.Option(
                "--processes", "-p", min=1,
                help="Processes to share the views among (each reads the log for its "
                     "share): faster where cores are free, beside the running service."
            )] = 1) -> None:
    """Rebuild a projection from zero; the one in service answers until it is done."""
    from aixin.bootstrap import build_register, build_runner
    from aixin.progress import progress_bar
    from aixin.rebuild import rebuild_in_processes
    from projections.catalog import ALL_VIEWS, BY_NAME

    if name not in BY_NAME and name != "all":
        typer.echo(f"no projection {name!r}; known: {', '.join(BY_NAME)}, all", err=True)
        raise typer.Exit(2)
    settings = _settings()
    views = ALL_VIEWS if name == "all" else (BY_NAME[name],)
    with progress_bar(f"重建 {name}") as progress:
        applied = rebuild_in_processes(settings, views, processes, progress=progress)
    register = build_register(settings)
    runner = build_runner(settings, register)
    lag = runner.lag()
    runner.store.close()
    register.close()
    typer.echo(f"rebuilt {name}: {applied} events applied; lag "
               + ", ".join(f"{view.name} {lag[view.name]}" for view in views))


@projections_app.command("status")
def projections_status() -> None:
    """How many events each projection is behind the log, and the events it set aside
    (could not apply): rebuild the projection once the fault is mended to apply them."""
    from aixin.bootstrap import build_register, build_runner

    settings = _settings()
    runner = build_runner(settings, build_register(settings))
    set_aside = runner.set_aside()
    for name, lag in runner.lag().items():
        entries = set_aside.get(name, [])
        typer.echo(f"{name}: {lag} behind"
                   + (f"; {len(entries)} set aside" if entries else ""))
        for entry in entries:
            typer.echo(f"  set aside at position {entry.position}: {entry.error}")
    if set_aside:
        typer.echo("mend the fault, then: aixin projections rebuild "
                   + " / ".join(sorted(set_aside)))
        raise typer.Exit(1)
