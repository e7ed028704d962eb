"""The demo's accounts (``aixin demo``): one per role, printed with their passwords at the end of
the demo and again each time it is asked for, each able to log in and see its own part of the
demo county; never made in production."""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner, Result

from aixin.commands import app
from aixin.demo.accounts import DemoAccountsRefused, demo_accounts, store_secret
from aixin.demo.build import build_demo
from aixin.settings import Settings
from api.app import create_app

pytestmark = pytest.mark.xdist_group("demo")

#: An account's line as printed: username, password, then the role and what it sees.
LINE = re.compile(r"^  (demo-[a-z]+) +(\S+) +(\S+?)：(.+)$", re.MULTILINE)
ROLES = {"demo-admin": "admin", "demo-county": "federation", "demo-township": "federation",
         "demo-school": "school", "demo-mother": "volunteer", "demo-auditor": "auditor"}


def aixin(data: Path, *args: str, typed: str = "") -> Result:
    env = {"AIXIN_STORE": "sqlite", "AIXIN_DATA_DIR": str(data), "AIXIN_PORT": "8661",
           "AIXIN_PASSWORD_HASHING": "cheapest", "AIXIN_ENVIRONMENT": "development"}
    return CliRunner().invoke(app, list(args), env=env, input=typed)


@dataclass(frozen=True)
class Demo:
    data: Path
    output: str

    def passwords(self, output: str | None = None) -> dict[str, str]:
        return {name: password for name, password, _, _ in LINE.findall(output or self.output)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """A small demo county, built by the command as a person runs it."""
    data = tmp_path_factory.mktemp("demo") / "var"
    result = aixin(data, "demo", "--children", "40", "--today", "2026-06-15")
    assert result.exit_code == 0, result.output
    return Demo(data, result.output)


@pytest.fixture
def demo(built: Demo, tmp_path: Path) -> Demo:
    """A copy of the demo's store, for a test that changes it."""
    shutil.copytree(built.data, tmp_path / "var")
    return Demo(tmp_path / "var", built.output)


@pytest.fixture
def service(demo: Demo) -> Iterator[TestClient]:
    settings = Settings(store="sqlite", data_dir=demo.data, password_hashing="cheapest")  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        yield client


def log_in(client: TestClient, username: str, password: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": username,
                                                     "password": password})
    assert answer.status_code == 200, (username, answer.text)
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_demo_ends_by_printing_where_to_log_in(built: Demo) -> None:
    lines = built.output.splitlines()
    assert any(line.startswith("  控制台 console") and line.endswith("http://127.0.0.1:8661/console")
               for line in lines)
    assert any(line.startswith("  手机端 field app") and line.endswith("http://127.0.0.1:8661/app")
               for line in lines)
    assert "aixin users set-password" in built.output


def test_the_demo_prints_one_account_per_role_with_a_password_the_rules_accept(
        built: Demo) -> None:
    passwords = built.passwords()
    assert set(passwords) == set(ROLES)
    assert all(len(password) >= 12 for password in passwords.values())  # production's too
    assert len(set(passwords.values())) == len(ROLES)


def test_each_printed_account_logs_in_in_its_role(demo: Demo, service: TestClient) -> None:
    for username, password in demo.passwords().items():
        me = service.get("/api/v1/users/me", headers=log_in(service, username, password))
        assert me.json()["role"] == ROLES[username], username


def test_the_county_township_and_school_accounts_each_see_children(
        demo: Demo, service: TestClient) -> None:
    passwords = demo.passwords()
    for username in ("demo-county", "demo-township", "demo-school"):
        listed = service.get("/api/v1/children", headers=log_in(
            service, username, passwords[username]))
        assert listed.status_code == 200, listed.text
        assert listed.json()["items"], username


def test_the_caring_mother_has_active_pairings(demo: Demo, service: TestClient) -> None:
    mother = log_in(service, "demo-mother", demo.passwords()["demo-mother"])
    pairings = service.get("/api/v1/pairings", params={"status": "active"}, headers=mother)
    assert pairings.status_code == 200, pairings.text
    assert pairings.json()["items"]


def test_the_demo_asked_again_adds_nothing_and_prints_the_same_logins(demo: Demo) -> None:
    again = aixin(demo.data, "demo", "--if-empty")
    assert again.exit_code == 0, again.output
    assert "no demo data added" in again.output
    assert demo.passwords(again.output) == demo.passwords()


def test_a_password_changed_since_is_not_printed_again(demo: Demo) -> None:
    aixin(demo.data, "users", "set-password", "demo-auditor", "--password-stdin",
          typed="the-auditors-own-password\n")
    again = aixin(demo.data, "demo", "--if-empty").output
    assert demo.passwords(again)["demo-auditor"] == "(已更改/changed)"
    assert demo.passwords(again)["demo-admin"] == demo.passwords()["demo-admin"]


def test_production_makes_no_demo_accounts(tmp_path: Path) -> None:
    production = Settings(  # type: ignore[call-arg]
        environment="production", store="sqlite", data_dir=tmp_path / "var",
        secret_key=SecretStr("s" * 40), cipher_key=SecretStr("A" * 43 + "="),
        key_encryption_key=SecretStr("A" * 43 + "="), redis_url="redis://127.0.0.1:6379/0")
    with pytest.raises(DemoAccountsRefused, match="development only"):
        demo_accounts(production)
    assert not (tmp_path / "var").exists()  # refused before the store was opened


def test_two_stores_holding_the_same_records_print_different_passwords(
        tmp_path: Path) -> None:
    """The passwords come from a secret of the store's own, not from its records (ids that
    the county's and the auditor's accounts can read)."""
    first = tmp_path / "first"
    build_demo(Settings(store="sqlite", data_dir=first, password_hashing="cheapest"),  # type: ignore[arg-type]
               seed=7, children=40, today=date(2026, 6, 15))
    shutil.copytree(first, tmp_path / "second")
    mine = aixin(first, "demo", "--accounts-only")
    theirs = aixin(tmp_path / "second", "demo", "--accounts-only")
    assert (mine.exit_code, theirs.exit_code) == (0, 0), mine.output + theirs.output
    passwords = Demo(first, mine.output).passwords()
    assert set(passwords) == set(ROLES)
    assert not set(passwords.values()) & set(Demo(first, theirs.output).passwords().values())


def test_the_passwords_secret_is_kept_beside_the_store_for_its_owner_only(built: Demo) -> None:
    secret = built.data / "demo-accounts.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_bytes()) >= 32


def test_without_its_secret_the_store_does_not_tell_the_passwords(demo: Demo) -> None:
    (demo.data / "demo-accounts.secret").unlink()
    again = aixin(demo.data, "demo", "--if-empty")
    assert again.exit_code == 0, again.output
    assert set(demo.passwords(again.output).values()) == {"(已更改/changed)"}


def test_on_postgresql_each_schema_keeps_its_own_secret_in_the_data_dir(tmp_path: Path) -> None:
    one, two = (Settings(store="postgres", data_dir=tmp_path, postgres_host="127.0.0.1",  # type: ignore[arg-type]
                         postgres_port=5432, postgres_dbname="aixin", postgres_schema=schema)
                for schema in ("one", "two"))
    assert store_secret(one) == store_secret(one) != store_secret(two)
    kept = sorted(tmp_path.iterdir())
    assert [path.name for path in kept] == [
        "demo-accounts.127.0.0.1-5432-aixin-one.secret",
        "demo-accounts.127.0.0.1-5432-aixin-two.secret"]
    assert {stat.S_IMODE(path.stat().st_mode) for path in kept} == {0o600}
