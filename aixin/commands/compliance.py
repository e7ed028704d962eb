"""``aixin compliance-audit --year 2026 [--out FILE]``: the annual compliance audit
(年度合规审计)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aixin.commands.common import load_settings
from aixin.compliance import render_markdown, write


def compliance_audit_command(
    year: Annotated[int, typer.Option(min=2000, max=9998, help="The calendar year audited.")],
    out: Annotated[Path | None, typer.Option(
        help="Write here (.md, .docx: with its .json beside; .json: the JSON alone); "
        "without it, print the Markdown.")] = None,
    catch_up: Annotated[bool, typer.Option(
        help="Bring the access and reminders views up to the log first.")] = True,
) -> None:
    """The annual compliance audit (年度合规审计): access, break-glass, erasures, breaches of
    duty and key rotations for a year, in Chinese."""
    from aixin.bootstrap import build_register, build_runner
    from projections.compliance import VIEWS, compliance_audit

    if out is not None and out.suffix not in (".json", ".md", ".docx"):
        typer.echo("--out must end in .json, .md or .docx", err=True)
        raise typer.Exit(2)
    settings = load_settings()
    register = build_register(settings)
    runner = build_runner(settings, register)
    try:
        if catch_up:
            runner.catch_up_together(VIEWS)
        audit = compliance_audit(register, runner, year)
    finally:
        runner.store.close()
        register.close()
    if out is None:
        typer.echo(render_markdown(audit))
        return
    for path in write(audit, out):
        typer.echo(f"wrote {path}")
