"""What a projection set aside is reported where operators look: /health and
``aixin projections status``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aixin.bootstrap import build_register, build_runner
from aixin.commands import app as cli
from aixin.settings import Settings
from api.app import create_app
from tests.builders import STAFF, TODAY, child_record
from tests.conftest import postgres_params
from tests.integration.test_set_aside import recorded_before_texts_were_checked

pytestmark = pytest.mark.postgres


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings("postgres", projections_poll_interval=0.02)


@pytest.fixture
def poisoned(settings: Settings) -> Iterator[int]:
    """A log whose second event holds a text PostgreSQL cannot keep (recorded before texts
    were checked at the door), its views caught up: the position set aside."""
    register = build_register(settings, clock=lambda: TODAY)
    register.register_child(actor=STAFF, **child_record(name="甲"))
    recorded_before_texts_were_checked(register, name="乙", school="石牌\u0000小学")
    register.register_child(actor=STAFF, **child_record(name="丙"))
    runner = build_runner(settings, register)
    runner.catch_up_all()
    runner.store.close()
    register.close()
    yield 2


def _env(settings: Settings) -> dict[str, str]:
    params = postgres_params()
    return {"AIXIN_STORE": "postgres", "AIXIN_DATA_DIR": str(settings.data_dir),
            "AIXIN_POSTGRES_HOST": params["host"], "AIXIN_POSTGRES_PORT": params["port"],
            "AIXIN_POSTGRES_USER": params["user"], "AIXIN_POSTGRES_DBNAME": params["dbname"],
            "AIXIN_POSTGRES_SCHEMA": str(settings.postgres_schema)}


def test_health_is_degraded_and_names_the_position_set_aside(
        settings: Settings, poisoned: int) -> None:
    with TestClient(create_app(settings)) as client:
        health: dict[str, Any] = client.get("/health").json()
    assert health["status"] == "degraded"
    assert health["set_aside"]["children"] == [poisoned]
    assert all(positions == [poisoned] for positions in health["set_aside"].values())
    assert health["projections"]["children"] == 0


def test_projections_status_lists_what_was_set_aside_and_exits_1(
        settings: Settings, poisoned: int) -> None:
    result = CliRunner().invoke(cli, ["projections", "status"], env=_env(settings))
    assert result.exit_code == 1, result.output
    assert "children: 0 behind; 1 set aside" in result.output
    assert f"set aside at position {poisoned}: DataError" in result.output
    rebuild = next(line for line in result.output.splitlines()
                   if "aixin projections rebuild" in line)
    views = rebuild.split("aixin projections rebuild", 1)[1].split("/")
    assert "children" in [view.strip() for view in views]
