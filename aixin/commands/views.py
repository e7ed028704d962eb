"""``aixin projector`` and ``aixin projections rebuild|status``: the read side's processes."""

from __future__ import annotations

from typing import Annotated

import typer

from aixin.commands.common import load_settings, start_as

projections_app = typer.Typer(help="The read side: registers, timelines, duty status.",
                              no_args_is_help=True)


def projector(
    once: Annotated[bool, typer.Option(help="Catch up once and exit.")] = False,
) -> None:
    """Keep every projection caught up with the log (subscription, with polling fallback)."""
    import signal

    from aixin.bootstrap import build_register, build_runner
    from aixin.logs import configure_logging
    from projections.follower import Follower

    configure_logging()
    settings = load_settings()
    start_as("aixin-projector", settings)
    register = build_register(settings)
    runner = build_runner(settings, register)
    if once:
        rebuilt = runner.reshape()
        if rebuilt:
            typer.echo(f"rebuilt views of an older shape: {', '.join(rebuilt)}")
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
                help="Processes to share the views among (the log decoded once by this "
                     "one, the views folded in its children): faster where cores are free."
            )] = 1) -> None:
    """Rebuild a projection from zero; the one in service answers until it is done."""
    from aixin.bootstrap import build_register, build_runner
    from aixin.progress import progress_bar
    from aixin.rebuild import rebuild_in_processes
    from projections.catalog import ALL_VIEWS, BY_NAME

    if name not in BY_NAME and name != "all":
        typer.echo(f"no projection {name!r}; known: {', '.join(BY_NAME)}, all", err=True)
        raise typer.Exit(2)
    settings = load_settings()
    # shared among processes, the views are folded in forked children of this process
    start_as("aixin-rebuild", settings, command_processes=processes + 1 if processes > 1 else 1)
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

    settings = load_settings()
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
