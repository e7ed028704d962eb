"""The register on each real store: the same tests on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from aixin.bootstrap import build_register
from domain.application import CareRegister
from tests.builders import TODAY

STORES = [pytest.param("sqlite", id="sqlite"),
          pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def register(store: str, make_settings: Callable[..., object]) -> Iterator[CareRegister]:
    """A register on a fresh store whose 'today' is fixed."""
    app = build_register(make_settings(store), clock=lambda: TODAY)  # type: ignore[arg-type]
    yield app
    app.close()
