"""``aixin places load FILE``: name townships and villages from a spreadsheet (地名表)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aixin.commands.common import load_settings, start_as

places_app = typer.Typer(help="The register of places (地名册): townships and villages by name.",
                         no_args_is_help=True)


@places_app.command("load")
def load(sheet: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, help="An .xlsx file with the columns 区划代码 and 名称.")],
         ) -> None:
    """Name the places the sheet lists: new codes are named, changed names renamed (the old
    name kept as known before), the same name again records nothing."""
    from aixin.bootstrap import build_register
    from domain.common import SYSTEM
    from domain.errors import DomainError
    from storage.place_sheet import read_place_sheet

    settings = load_settings()
    start_as("aixin-places-load", settings)
    register = build_register(settings)
    try:
        done = register.name_places(read_place_sheet(sheet), actor=SYSTEM)
    except DomainError as error:
        typer.echo(f"未登记任何地名 (nothing recorded): {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        register.close()
    typer.echo(f"地名册已更新：新登记 {done.named}，更名 {done.renamed}，未变 {done.unchanged} "
               f"(places named: {done.named}; renamed: {done.renamed}; "
               f"unchanged: {done.unchanged})")
