"""``aixin claim-national-ids``: the claims of the national ID numbers of children registered
before the register kept them (身份证号码唯一)."""

from __future__ import annotations

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
