"""How far a verification of the event log went: through the hash chain's head, which may be
behind the log's. ``aixin audit verify`` and ``GET /audit/verify`` say both positions, so
"intact" is never read as covering events the chain has not reached yet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from aixin.bootstrap import build_register, build_runner
from aixin.commands import app
from aixin.settings import Settings
from api.app import create_app
from domain.application import CareRegister
from tests.builders import STAFF, TODAY, child_record
from tests.integration.log_support import record_some_care

ADMIN_PASSWORD = "admin-password-for-tests"


def chained_then_more(settings: Settings, register: CareRegister) -> tuple[int, int]:
    """Some care, every view caught up (the chain among them), then a child registered that
    no view has taken in: (the chain's head, the log's head)."""
    record_some_care(register)
    runner = build_runner(settings, register)
    try:
        runner.catch_up_all()
    finally:
        runner.store.close()
    chained = register.recorder.max_notification_id() or 0
    register.register_child(actor=STAFF, **child_record(name="李小明"))
    return chained, register.recorder.max_notification_id() or 0


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def behind(data: Path) -> Iterator[tuple[int, int]]:
    settings = Settings(store="sqlite", data_dir=data)  # type: ignore[arg-type]
    register = build_register(settings, clock=lambda: TODAY)
    try:
        yield chained_then_more(settings, register)
    finally:
        register.close()


def verify(data: Path, *args: str) -> Result:
    env = {"AIXIN_STORE": "sqlite", "AIXIN_DATA_DIR": str(data)}
    return CliRunner().invoke(app, ["audit", "verify", *args], env=env)


def test_the_cli_says_intact_only_through_the_chains_head_when_the_chain_is_behind(
        data: Path, behind: tuple[int, int]) -> None:
    chained, head = behind
    result = verify(data)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"intact through position {chained} of {head}:")
    assert f"checked through position {chained}, the log's head is {head}" in result.output


def test_the_cli_says_it_checked_through_the_logs_head_once_the_chain_caught_up(
        data: Path, behind: tuple[int, int]) -> None:
    _, head = behind
    result = verify(data, "--catch-up")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"intact: {head} events checked")
    assert f"checked through position {head}, the log's head is {head}" in result.output


@pytest.fixture
def service_without_projector(make_settings: Callable[..., Any]) -> Iterator[TestClient]:
    """The service on PostgreSQL with its projections left to a projector that is not
    running: the hash chain stays where the test leaves it."""
    settings = make_settings("postgres", admin_password=ADMIN_PASSWORD,
                             secret_key="a-test-signing-key-of-enough-length-0123456789",
                             projections_in_process=False)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.postgres
def test_the_api_gives_the_position_checked_through_and_the_logs_head(
        service_without_projector: TestClient, make_settings: Callable[..., Any]) -> None:
    client = service_without_projector
    state: Any = client.app.state  # type: ignore[attr-defined]
    chained, head = chained_then_more(state.settings, state.register)
    token = client.post("/api/v1/auth/token", data={"username": "admin",
                                                    "password": ADMIN_PASSWORD}).json()
    response = client.get("/api/v1/audit/verify",
                          headers={"Authorization": f"Bearer {token['access_token']}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["intact"], body["checked_through"], body["log_head"], body["unchained"]) == (
        True, chained, head, head - chained)
