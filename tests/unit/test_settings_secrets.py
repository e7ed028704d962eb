"""Secrets in the settings are never shown: not in the error of a refused setting, not in
``aixin settings`` (where the password inside a URL is masked too)."""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from aixin.commands import app
from aixin.settings import Settings, masked_url

SIGNING_KEY = "signing-key-tail-QWERTY"  # under 32 characters: refused in production
PRODUCTION = {"environment": "production", "cipher_key": "AAAAAAAAAAAAAAAAAAAAAA==",
              "key_encryption_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
              "redis_url": "redis://127.0.0.1:6379/0"}


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith("AIXIN_")]:
        monkeypatch.delenv(name)


def test_a_refused_signing_key_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**PRODUCTION, secret_key=SIGNING_KEY)  # type: ignore[arg-type]
    assert "AIXIN_SECRET_KEY" in str(refused.value)
    assert "QWERTY" not in str(refused.value)


def test_a_malformed_key_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(cipher_key="not-base64!!key-material-XYZ")  # type: ignore[arg-type]
    assert "AIXIN_CIPHER_KEY must be base64" in str(refused.value)
    assert "key-material" not in str(refused.value)


def test_a_refused_setting_is_reported_by_the_command_without_the_secret() -> None:
    env = {f"AIXIN_{name.upper()}": value for name, value in PRODUCTION.items()}
    result = CliRunner().invoke(app, ["settings"], env={**env, "AIXIN_SECRET_KEY": SIGNING_KEY})
    assert result.exit_code == 2
    assert "AIXIN_SECRET_KEY" in result.output
    assert "QWERTY" not in result.output


def test_aixin_settings_masks_the_secrets() -> None:
    result = CliRunner().invoke(app, ["settings"], env={
        "AIXIN_SECRET_KEY": "s3cret-signing-key-0123456789-0123456789",
        "AIXIN_ADMIN_PASSWORD": "admin-s3cret-password",
        "AIXIN_SMTP_PASSWORD": "smtp-s3cret"})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    assert "secret_key = **********" in result.output


def test_aixin_settings_masks_the_redis_password() -> None:
    result = CliRunner().invoke(app, ["settings"], env={
        "AIXIN_REDIS_URL": "redis://:hunter2-redis@redis.internal:6379/0"})
    assert result.exit_code == 0, result.output
    assert "hunter2" not in result.output
    assert "redis_url = redis://:**********@redis.internal:6379/0" in result.output


def test_a_url_keeps_its_user_and_host_and_loses_its_password_and_query_values() -> None:
    assert masked_url("https://gw:pw@sms.example.cn/send?token=abc&v=1") == \
        "https://gw:**********@sms.example.cn/send?token=**********&v=**********"
    assert masked_url("redis://redis:6379/0") == "redis://redis:6379/0"


def test_shown_settings_keep_an_unset_secret_empty() -> None:
    shown = Settings(postgres_password=SecretStr("")).shown()
    assert (shown["postgres_password"], shown["secret_key"]) == ("", None)
