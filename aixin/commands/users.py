"""``aixin users``: accounts (账号) from the command line: create, list, set a password.

``create`` takes the path of ``POST /api/v1/users`` (its request shape, then the use case
:meth:`domain.application.users.UsersService.open_account`), with its rules and Chinese
messages; the password is asked for twice, or read from standard input
(``--password-stdin``), never given as an argument.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from aixin.commands.common import load_settings

if TYPE_CHECKING:
    from aixin.settings import Settings
    from domain.application import CareRegister
    from domain.application.users import PasswordRules
    from domain.common import Actor

users_app = typer.Typer(help="Accounts (账号): create one, list them, set a password.",
                        no_args_is_help=True, add_completion=False)

ROLES = "admin, federation, school, volunteer, auditor"


@contextmanager
def _register() -> Iterator[CareRegister]:
    from aixin.bootstrap import build_register

    register = build_register(load_settings())
    try:
        yield register
    finally:
        register.close()


def _actor() -> Actor:
    """Who acts from the command line: the system, named by the operating-system user."""
    from domain.common import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(id=f"aixin users ({who})", role="system")


def _rules(settings: Settings) -> PasswordRules:
    """This deployment's passwords: hashed at its cost, at least its length."""
    from api.security import Passwords
    from domain.application.users import PasswordRules

    return PasswordRules(Passwords(settings.password_hashing), settings.password_min_length)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("密码 (password)", hide_input=True,
                            confirmation_prompt="再输入一次 (again)"))


@contextmanager
def _refusals() -> Iterator[None]:
    """A refusal (a malformed field, a rule of the programme, an unknown volunteer) ends the
    command with its message in Chinese, one line per field at fault (exit 1)."""
    from pydantic import ValidationError

    from api.shape_messages import in_chinese
    from domain.errors import DomainError

    try:
        yield
    except ValidationError as error:
        for fault in error.errors(include_url=False):
            where = ".".join(str(part) for part in fault.get("loc", ()))
            typer.echo(f"拒绝 (refused): {where}: {in_chinese(fault)['msg']}", err=True)
        raise typer.Exit(1) from None
    except DomainError as error:
        typer.echo(f"拒绝 (refused): {error.message}", err=True)
        raise typer.Exit(1) from None


@users_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="3 to 64 letters, digits or . _ @ -")],
    role: Annotated[str, typer.Option(help=ROLES)],
    region_code: Annotated[str | None, typer.Option(
        help="federation: the division-code prefix of its region (42, 4208, 420881, ...); "
             "school: where the school is (6, 9 or 12 digits)")] = None,
    school: Annotated[str | None, typer.Option(help="school: the school's name")] = None,
    volunteer_id: Annotated[str | None, typer.Option(
        help="volunteer: the registered volunteer's id")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input's first line.")
    ] = False,
) -> None:
    """Create an account, as POST /api/v1/users does (same rules, same messages)."""
    from api.schemas.users import UserCreate
    from domain.users import Scope

    settings = load_settings()
    given = {"username": username, "role": role, "region_code": region_code,
             "school": school, "volunteer_id": volunteer_id}
    with _refusals():
        shape = UserCreate.model_validate({**given, "password": "-" * 256})  # before asking
        Scope(role=shape.role, region_code=shape.region_code,  # type: ignore[arg-type]
              school=shape.school, volunteer_id=shape.volunteer_id).assignable()
        request = UserCreate.model_validate({**given, "password": _password(password_stdin)})
        with _register() as register:
            user_id = register.open_account(
                username=request.username, password=request.password, role=request.role,
                region_code=request.region_code, school=request.school,
                volunteer_id=request.volunteer_id, passwords=_rules(settings), actor=_actor())
            user = register.get_user(user_id)
    typer.echo(f"账号已创建 (account created): {user.username} ({user.scope.role.value}), "
               f"id {user.id}")


@users_app.command("list")
def list_users() -> None:
    """List the accounts: username, role, scope, whether active."""
    with _register() as register:
        users = register.list_users()
    if not users:
        typer.echo("还没有账号 (no accounts yet): aixin users create USERNAME --role admin")
    for user in users:
        scope = user.scope
        where = " ".join(f"{name}={value}" for name, value in (
            ("region_code", scope.region_code), ("school", scope.school),
            ("volunteer_id", scope.volunteer_id)) if value)
        state = "" if user.active else " 已停用 (deactivated)"
        typer.echo(f"{user.username}\t{scope.role.value}\t{where}{state}")


@users_app.command("set-password")
def set_password(
    username: str,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input's first line.")
    ] = False,
) -> None:
    """Give an account a new password (its earlier tokens stop working)."""
    settings = load_settings()
    with _refusals(), _register() as register:
        user = register.find_user(username)
        if user is None:
            typer.echo(f"没有这个账号 (no such account): {username}", err=True)
            raise typer.Exit(1)
        register.set_password(user.id, _password(password_stdin), passwords=_rules(settings),
                              actor=_actor())
    typer.echo(f"密码已更改 (password changed): {user.username}")
