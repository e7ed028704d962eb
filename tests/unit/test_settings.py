"""Settings come from the environment and are validated at start."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from aixin.settings import Settings


def test_the_embedded_default_is_a_sqlite_file_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIXIN_STORE", "AIXIN_DATA_DIR", "AIXIN_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.store, settings.port, str(settings.sqlite_path)) == (
        "sqlite", 8000, "var/aixin.sqlite3")
    assert settings.event_store_env()["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"


def test_postgres_is_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXIN_STORE", "postgres")
    monkeypatch.setenv("AIXIN_POSTGRES_DBNAME", "aixin_prod")
    env = Settings().event_store_env()
    assert (env["PERSISTENCE_MODULE"], env["POSTGRES_DBNAME"]) == (
        "eventsourcing.postgres", "aixin_prod")


def test_a_cipher_key_turns_on_aes_encryption_at_rest() -> None:
    key = base64.b64encode(b"k" * 32).decode()
    env = Settings(cipher_key=key).event_store_env()  # type: ignore[arg-type]
    assert (env["CIPHER_TOPIC"], env["CIPHER_KEY"]) == ("eventsourcing.cipher:AESCipher", key)


def test_a_cipher_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValidationError, match="16, 24 or 32 bytes"):
        Settings(cipher_key=base64.b64encode(b"short").decode())  # type: ignore[arg-type]


def test_production_refuses_a_missing_secret_key() -> None:
    with pytest.raises(ValidationError, match="AIXIN_SECRET_KEY"):
        Settings(environment="production")


def test_an_unknown_duty_set_fails_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXIN_DUTY_SETS", "five_ones,seven_wonders")
    with pytest.raises((ValidationError, KeyError), match="seven_wonders"):
        Settings()


def test_a_programme_chooses_several_duty_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXIN_DUTY_SETS", "five_ones, two_visits")
    assert Settings().programme().duty_sets == ("five_ones", "two_visits")


def test_several_api_processes_need_postgresql() -> None:
    with pytest.raises(ValidationError, match="AIXIN_WEB_WORKERS above 1 needs AIXIN_STORE"):
        Settings(web_workers=2, secret_key="s" * 40)  # type: ignore[arg-type]


def test_several_api_processes_need_one_signing_key() -> None:
    with pytest.raises(ValidationError, match="needs AIXIN_SECRET_KEY"):
        Settings(web_workers=2, store="postgres")


def test_production_needs_redis_for_the_workers() -> None:
    with pytest.raises(ValidationError, match="AIXIN_REDIS_URL"):
        Settings(environment="production", secret_key="k" * 40,  # type: ignore[arg-type]
                 cipher_key=base64.b64encode(b"k" * 32).decode(),
                 key_encryption_key=base64.b64encode(b"w" * 32).decode())


def test_the_retired_school_enrolment_variable_is_ignored_and_said_to_be(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("AIXIN_SCHOOL_ENROLMENT", '{"石牌镇中心小学": 1250}')
    monkeypatch.setattr("aixin.settings._told", set())
    with caplog.at_level("WARNING", logger="aixin.settings"):
        settings = Settings()
    assert not hasattr(settings, "school_enrolment")
    assert "AIXIN_SCHOOL_ENROLMENT is set but ignored" in caplog.text
    assert "/api/v1/schools/enrolment" in caplog.text
