"""``aixin demo``: fill an empty store with the demo county, showing progress on stderr."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aixin.demo.accounts import DemoLogin
    from aixin.settings import Settings


def demo(
    seed: Annotated[int, typer.Option(help="Same seed, same county.")] = 7,
    children: Annotated[int, typer.Option(min=1, help="Children on the register.")] = 3000,
    data_dir: Annotated[Path | None, typer.Option(
        help="Where the embedded store lives (AIXIN_DATA_DIR).")] = None,
    today: Annotated[str | None, typer.Option(
        help="The last day of the two years, ISO (default: the programme's today).")] = None,
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="Add no records (exit 0) if the store holds records already; "
        "print the demo's logins again.")] = False,
    accounts_only: Annotated[bool, typer.Option(
        "--accounts-only", help="Add only the demo's accounts, to a store that holds the demo "
        "county already, and print them.")] = False,
) -> None:
    """Fill an empty store with a realistic demo county: two years of 钟祥市's programme,
    and one account per role whose password is printed (development only)."""
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
    if accounts_only:
        _logins(settings, alone=True)
        return
    if if_empty and not store_is_empty(settings):
        typer.echo("the store holds records already: no demo data added", err=True)
        _logins(settings, only_if_there=True)
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
    _logins(settings)


def _logins(settings: Settings, *, alone: bool = False, only_if_there: bool = False) -> None:
    """Make the demo's accounts that are missing and print how to log in with them.
    ``only_if_there``: print them only if the store has them already. In production none is
    made: said, and an error (exit 1) when they were asked for ``alone``."""
    from aixin.demo.accounts import DemoAccountsRefused, demo_accounts, has_demo_accounts

    try:
        if only_if_there and not has_demo_accounts(settings):
            typer.echo("this store has no demo accounts: `aixin demo --accounts-only` adds "
                       "them to the demo county's store; `aixin users create` makes an "
                       "account", err=True)
            return
        logins = demo_accounts(settings)
    except DemoAccountsRefused as error:
        typer.echo(str(error), err=True)
        if alone or settings.environment != "production":
            raise typer.Exit(1) from None
        return
    typer.echo(how_to_log_in(settings, logins))


def how_to_log_in(settings: Settings, logins: list[DemoLogin]) -> str:
    """Where the console and the field app are, and the demo's accounts with their passwords."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    site = f"http://{host}:{settings.port}"
    lines = ["", "登录 (how to log in):",
             f"  控制台 console (妇联、学校、管理员、督导): {site}/console",
             f"  手机端 field app (爱心妈妈、老师):        {site}/app",
             "演示账号 (demo accounts, development only):",
             f"  {_padded('用户名 username', 17)}{_padded('密码 password', 17)}"
             "角色 role：可见范围 sees"]
    for login in logins:
        password = login.password or "(已更改/changed)"
        lines.append(f"  {_padded(login.username, 17)}{_padded(password, 17)}"
                     f"{login.role}：{login.sees}")
    lines += ["再次显示 (again): ./run.sh --demo, or aixin demo --if-empty; "
              "重设密码 (reset): aixin users set-password USERNAME", ""]
    return "\n".join(lines)


def _padded(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` on a terminal (a Chinese character is two)."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, columns - width)
