"""``aixin users create|list|set-password``: accounts made from the command line take the path of
``POST /api/v1/users``, refuse as it refuses, in the same Chinese words, and can log in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from aixin.commands import app
from aixin.settings import Settings
from api.app import create_app

ADMIN_PASSWORD = "admin-password-for-tests"
PASSWORD = "clerk-password-1"


def aixin(data: Path, *args: str, typed: str = "") -> Result:
    env = {"AIXIN_STORE": "sqlite", "AIXIN_DATA_DIR": str(data),
           "AIXIN_PASSWORD_HASHING": "cheapest"}
    return CliRunner().invoke(app, list(args), env=env, input=typed)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def service(data: Path) -> Iterator[TestClient]:
    """The service on the same store, once the command has run (its admin from the settings)."""
    settings = Settings(store="sqlite", data_dir=data, admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        password_hashing="cheapest")
    with TestClient(create_app(settings)) as client:
        yield client


def token(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token",
                       data={"username": username, "password": password}).status_code


def create_clerk(data: Path, *options: str, password: str = PASSWORD) -> Result:
    return aixin(data, "users", "create", "clerk", "--role", "federation", *options,
                 "--password-stdin", typed=f"{password}\n")


def test_an_account_created_on_the_command_line_gets_a_token_in_its_scope(data: Path) -> None:
    created = create_clerk(data, "--region-code", "420881")
    assert created.exit_code == 0, created.output
    assert "账号已创建" in created.output

    with TestClient(create_app(Settings(store="sqlite", data_dir=data))) as client:  # type: ignore[arg-type]
        answer = client.post("/api/v1/auth/token", data={"username": "clerk",
                                                         "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        me = client.get("/api/v1/users/me", headers={
            "Authorization": f"Bearer {answer.json()['access_token']}"}).json()
    assert (me["role"], me["region_code"]) == ("federation", "420881")


def test_the_password_is_asked_for_twice_when_not_read_from_standard_input(
        data: Path) -> None:
    created = aixin(data, "users", "create", "boss", "--role", "admin",
                    typed=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    assert "boss\tadmin" in aixin(data, "users", "list").output


def test_an_unknown_role_is_refused_in_chinese_and_nothing_is_recorded(data: Path) -> None:
    refused = aixin(data, "users", "create", "clerk", "--role", "mayor", "--password-stdin",
                    typed=f"{PASSWORD}\n")
    assert refused.exit_code == 1
    assert "role: 须为以下之一：'admin', 'federation', 'school', 'volunteer' or 'auditor'" \
        in refused.output
    assert "还没有账号" in aixin(data, "users", "list").output


def test_a_federation_region_that_is_no_division_code_prefix_is_refused_as_the_api_refuses_it(
        data: Path, service: TestClient) -> None:
    refused = create_clerk(data, "--region-code", "4")
    admin = service.post("/api/v1/auth/token", data={"username": "admin",
                                                     "password": ADMIN_PASSWORD}).json()
    answer = service.post("/api/v1/users", headers={
        "Authorization": f"Bearer {admin['access_token']}"}, json={
        "username": "clerk", "password": PASSWORD, "role": "federation", "region_code": "4"})

    assert refused.exit_code == 1
    [fault] = answer.json()["detail"]
    assert fault["msg"].startswith("region_code: 妇联账号的辖区是 2 到 12 位的行政区划代码前缀")
    assert fault["msg"] in refused.output
    assert token(service, "clerk", PASSWORD) == 401


def test_a_username_taken_is_refused_in_chinese(data: Path) -> None:
    create_clerk(data, "--region-code", "420881")
    again = create_clerk(data, "--region-code", "4208", password="another-password")
    assert again.exit_code == 1
    assert "用户名 clerk 已被占用" in again.output


def test_a_password_shorter_than_the_rules_allow_is_refused(data: Path) -> None:
    refused = create_clerk(data, "--region-code", "420881", password="short")
    assert refused.exit_code == 1
    assert "password: 至少 8 个字" in refused.output


def test_list_shows_each_account_with_its_scope(data: Path) -> None:
    create_clerk(data, "--region-code", "420881106")
    aixin(data, "users", "create", "school1", "--role", "school", "--region-code", "420881106",
          "--school", "文集镇中心小学", "--password-stdin", typed=f"{PASSWORD}\n")
    listed = aixin(data, "users", "list").output.splitlines()
    assert listed == ["clerk\tfederation\tregion_code=420881106",
                      "school1\tschool\tregion_code=420881106 school=文集镇中心小学"]


def test_set_password_lets_the_account_in_with_the_new_password_only(
        data: Path, service: TestClient) -> None:
    create_clerk(data, "--region-code", "420881")
    changed = aixin(data, "users", "set-password", "clerk", "--password-stdin",
                    typed="a-new-password-2\n")
    assert changed.exit_code == 0, changed.output
    assert (token(service, "clerk", "a-new-password-2"), token(service, "clerk", PASSWORD)) \
        == (200, 401)


def test_set_password_of_an_unknown_account_says_so(data: Path) -> None:
    refused = aixin(data, "users", "set-password", "nobody", "--password-stdin",
                    typed="a-new-password-2\n")
    assert refused.exit_code == 1
    assert "没有这个账号" in refused.output


def test_set_password_refuses_a_password_too_short_in_the_apis_words(data: Path) -> None:
    create_clerk(data, "--region-code", "420881")
    refused = aixin(data, "users", "set-password", "clerk", "--password-stdin",
                    typed="short\n")
    assert refused.exit_code == 1
    assert "password: 密码至少 8 个字符" in refused.output
