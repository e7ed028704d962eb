"""``aixin audit verify|anchor``, ``aixin export`` and ``aixin import``: the log's integrity.

``audit verify`` exits 0 when the log is intact and 1 when it is not, printing every
finding (changed, removed or inserted events, anchors the log no longer leads to), so a
cron job or an auditor's script can act on it, and how far it checked: through the hash
chain's head, which may be behind the log's (then "intact through position N of M").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from aixin.commands.common import load_settings

audit_app = typer.Typer(help="Tamper evidence: the event log's hash chain and its anchors.",
                        no_args_is_help=True)


def _open(*, chain: bool = False) -> tuple[Any, Any]:
    """The register on the configured store, and its runner (views) when asked."""
    from aixin.bootstrap import build_register, build_runner

    settings = load_settings()
    register_ = build_register(settings)
    return register_, build_runner(settings, register_) if chain else None


@audit_app.command("verify")
def verify(
    anchor: Annotated[list[str] | None, typer.Option(
        help="An anchor kept outside the system, POSITION:HASH (repeatable).")] = None,
    catch_up: Annotated[bool, typer.Option(
        help="Let the chain take in the events recorded since its head first.")] = False,
) -> None:
    """Re-read the whole event log and check it against its hash chain and anchors."""
    from projections.audit import Finding, LogAudit, parse_anchor
    from projections.integrity import HashChain

    try:
        given = [parse_anchor(text) for text in anchor or ()]
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    register_, runner = _open(chain=True)
    try:
        if catch_up:
            runner.catch_up(HashChain)

        def show(finding: Finding) -> None:
            typer.echo(f"position {finding.position}: {finding.kind} - "
                       f"{finding.originator_id} v{finding.version}: {finding.detail}")

        result = LogAudit.of(runner).verify(given=given, on_finding=show, limit=0)
    finally:
        runner.store.close()
        register_.close()
    for check in result.anchors:
        if not check.intact:
            anchor_ = check.anchor
            typer.echo(f"anchor at position {anchor_.position} ({anchor_.reason}, "
                       f"{anchor_.anchored_at or 'kept outside'}): the log no longer leads "
                       f"to {anchor_.hash}")
    head = result.head
    through, log_head = result.checked_through, result.log_head
    verdict = "intact" if result.intact else "NOT INTACT"
    if through < log_head:  # the chain is behind the log: say how far the verdict goes
        verdict += f" through position {through} of {log_head}"
    typer.echo(f"{verdict}: {result.checked} events checked against the chain (head "
               f"{f'{head.position}:{head.hash}' if head else 'none yet'}), "
               f"{sum(c.intact for c in result.anchors)}/{len(result.anchors)} anchors hold, "
               f"{result.findings_total} findings; checked through position {through}, "
               f"the log's head is {log_head}")
    if result.unchained:
        typer.echo(f"not checked: {result.unchained} events recorded after position {through}"
                   " (the hash chain is behind the log; --catch-up takes them in first)")
    raise typer.Exit(0 if result.intact else 1)


@audit_app.command("anchor")
def anchor_now(
    catch_up: Annotated[bool, typer.Option(
        help="Let the chain take in the events recorded since its head first.")] = True,
) -> None:
    """Write the chain's head down now; keep the printed POSITION:HASH somewhere safe."""
    from projections.audit import LogAudit
    from projections.integrity import HashChain

    register_, runner = _open(chain=True)
    try:
        if catch_up:
            runner.catch_up(HashChain)
        written = LogAudit.of(runner).anchor()
    finally:
        runner.store.close()
        register_.close()
    if written is None:
        typer.echo("the chain is empty: nothing to anchor yet")
        return
    typer.echo(f"{written.position}:{written.hash}  (entry {written.seq}, anchored "
               f"{written.anchored_at})")


def export_command(
    path: Annotated[Path, typer.Argument(help="The file to write (JSON lines).")],
) -> None:
    """Write the event log, still encrypted, to a file (snapshots and views are derived)."""
    from aixin.archive import ArchiveError, export_log
    from projections.audit import LogAudit

    register_, runner = _open(chain=True)
    try:
        summary = export_log(register_, path, chain_head=LogAudit.of(runner).head())
    except ArchiveError as error:
        typer.echo(f"export refused: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        runner.store.close()
        register_.close()
    typer.echo(f"exported {summary.count} events (positions {summary.first_position}.."
               f"{summary.last_position}) to {path}; sha256 {summary.sha256}; "
               f"chain hash {summary.chain_hash}")
    if summary.chain_agrees is False:
        typer.echo("warning: the exported log no longer leads to the hash chain's head; "
                   "run `aixin audit verify`", err=True)


def import_command(
    path: Annotated[Path, typer.Argument(help="A file written by `aixin export`.")],
    chain: Annotated[bool, typer.Option(
        help="Then build the hash chain and check it ends on the export's.")] = True,
) -> None:
    """Restore an exported event log into an empty store (same AIXIN_CIPHER_KEY)."""
    from aixin.archive import ArchiveError, import_log
    from aixin.progress import progress_bar
    from projections.audit import LogAudit
    from projections.integrity import HashChain

    register_, runner = _open(chain=True)
    try:
        with progress_bar("导入事件日志") as progress:
            summary = import_log(register_, path, progress=progress)
        typer.echo(f"imported {summary.count} events (positions {summary.first_position}.."
                   f"{summary.last_position}); views are rebuilt by the projector or "
                   "`aixin projections rebuild all`")
        if chain and summary.count:
            runner.catch_up(HashChain)
            head = LogAudit.of(runner).head()
            if head is None or head.hash != summary.chain_hash:
                typer.echo("the restored log's hash chain does not end on the export's",
                           err=True)
                raise typer.Exit(1)
            typer.echo(f"hash chain rebuilt: ends on the export's {summary.chain_hash}")
    except ArchiveError as error:
        typer.echo(f"import refused: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        runner.store.close()
        register_.close()
