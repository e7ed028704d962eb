"""``aixin demo``: fill an empty store with the demo county, showing progress on stderr."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def demo(
    seed: Annotated[int, typer.Option(help="Same seed, same county.")] = 7,
    children: Annotated[int, typer.Option(min=1, help="Children on the register.")] = 3000,
    data_dir: Annotated[Path | None, typer.Option(
        help="Where the embedded store lives (AIXIN_DATA_DIR).")] = None,
    today: Annotated[str | None, typer.Option(
        help="The last day of the two years, ISO (default: the programme's today).")] = None,
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="Do nothing (exit 0) if the store holds records already.")] = False,
) -> None:
    """Fill an empty store with a realistic demo county: two years of 钟祥市's programme."""
    from pydantic import ValidationError

    from aixin.demo.build import DemoRefused, build_demo, store_is_empty
    from aixin.progress import progress_bar
    from aixin.settings import Settings

    try:
        settings = Settings(**({"data_dir": data_dir} if data_dir else {}))  # type: ignore[arg-type]
        last_day = date.fromisoformat(today) if today else None
    except (ValidationError, ValueError) as error:
        typer.echo(f"Invalid settings or option:\n{error}", err=True)
        raise typer.Exit(2) from None
    if if_empty and not store_is_empty(settings):
        typer.echo("the store holds records already: no demo data added", err=True)
        return
    with progress_bar(f"演示县（钟祥市），{children} 名儿童") as progress:
        try:
            summary = build_demo(settings, seed=seed, children=children, today=last_day,
                                 progress=progress)
        except DemoRefused as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"demo county built: {summary.events} events, {summary.first_day} to "
               f"{summary.today}, seed {summary.seed}, in {summary.seconds} s")
