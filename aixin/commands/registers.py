"""``aixin claim-national-ids``: the claims of the national ID numbers of children registered
before the register kept them (身份证号码唯一)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aixin.commands.common import load_settings, start_as


def claim_national_ids() -> None:
    """Give every child on the register (not exited, not erased) the claim of its national
    ID number where it has none: a record from before the claims, or claims made under an
    earlier key-encryption key. Safe to run again: what is claimed stays as it is.

    Of children registered with one number, the one registered first keeps it; each other
    is listed, with the child holding its number, for staff to put right (exit the
    duplicate, or correct its number). Exit status 1 when there is such a duplicate."""
    from aixin.bootstrap import build_register
    from domain.common import SYSTEM

    settings = load_settings()
    start_as("aixin-claim-national-ids", settings)
    register = build_register(settings)
    try:
        done = register.claim_national_ids(actor=SYSTEM)
    finally:
        register.close()
    typer.echo(f"national ID numbers claimed now: {done.claimed}; "
               f"already claimed: {done.already}; duplicates: {len(done.duplicates)}")
    for child_id, holder_id in done.duplicates:
        typer.echo(f"duplicate: child {child_id} has the national ID number of child "
                   f"{holder_id or '[已删除]'}, registered first")
    if done.duplicates:
        raise typer.Exit(1)


def import_register(
    file: Annotated[Path, typer.Argument(help="The register (.xlsx), as the template.")],
    kind: Annotated[str, typer.Option(help="children (花名册) or volunteers (爱心妈妈登记表).")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Tell what would happen; record nothing.")] = False,
) -> None:
    """Import a register from a spreadsheet (花名册/登记表导入), with the same rules as
    registering one by one: prints the counts and each refused row (row, column, message).
    Safe to run again: rows already imported are unchanged. Exit status 1 when a row was
    refused, 2 when the file is refused as a whole."""
    from aixin.bootstrap import build_register
    from aixin.progress import progress_bar
    from domain.common import SYSTEM
    from domain.imports import KINDS, HeadersRefused
    from workers.imports.running import division_known
    from workers.imports.sheets import NotASpreadsheet, sheet_rows

    if kind not in KINDS:
        typer.echo(f"--kind: 须为 {'、'.join(KINDS)} 之一（one of {', '.join(KINDS)}）", err=True)
        raise typer.Exit(2)
    settings = load_settings()
    start_as("aixin-import-register", settings)
    register = build_register(settings)
    try:
        with sheet_rows(file) as rows, progress_bar("导入" if not dry_run else "试导入") as bar:
            done = register.import_register(kind, rows, actor=SYSTEM,
                                            admits=lambda code, school: True,
                                            division_known=division_known, dry_run=dry_run,
                                            progress=bar)
    except (HeadersRefused, NotASpreadsheet, FileNotFoundError) as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(2) from None
    finally:
        register.close()
    would = "（试导入，未记录）" if dry_run else ""
    typer.echo(f"rows 行数: {done.rows}; accepted 导入: {done.accepted}; unchanged 已有: "
               f"{done.unchanged}; refused 未导入: {done.refused}{would}")
    for row, column, message in done.errors:
        typer.echo(f"第{row}行\t{column}\t{message}")
    if done.refused > len(done.errors):
        typer.echo(f"…… 另有 {done.refused - len(done.errors)} 行未导入（not listed）")
    if done.refused:
        raise typer.Exit(1)
