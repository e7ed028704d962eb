"""A rebuild shared among processes (`aixin projections rebuild all --processes 2`) ends
with the same read side as the views it replaced, on each real store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aixin.bootstrap import build_register, build_runner
from aixin.rebuild import rebuild_in_processes
from projections.catalog import ALL_VIEWS
from tests.integration.conftest import EACH_STORE
from tests.integration.log_support import all_rows, record_some_care


@pytest.fixture(params=EACH_STORE)
def store(request: pytest.FixtureRequest) -> str:
    """Each test of this module on SQLite and on PostgreSQL: the store is the point."""
    return str(request.param)


def test_views_rebuilt_in_two_processes_equal_those_followed_event_by_event(
        store: str, make_settings: Callable[..., Any]) -> None:
    settings = make_settings(store)
    register = build_register(settings)
    runner = build_runner(settings, register)
    try:
        record_some_care(register, children=4)
        runner.catch_up_all()
        followed = all_rows(runner)
        before = {view.name: runner.store.current_generation(view.name) for view in ALL_VIEWS}
        told: list[tuple[int, int | None]] = []

        applied = rebuild_in_processes(settings, ALL_VIEWS, 2,
                                       progress=lambda *seen: told.append(seen))

        head = register.recorder.max_notification_id()
        assert applied == head * len(ALL_VIEWS)
        assert {view.name: runner.store.current_generation(view.name)
                for view in ALL_VIEWS} == {name: gen + 1 for name, gen in before.items()}
        assert all_rows(runner) == followed
        assert told and told[-1][0] == head
        assert set(runner.lag().values()) == {0}
    finally:
        runner.store.close()
        register.close()


def test_a_share_that_fails_is_named_with_its_error(
        tmp_path: Path, make_settings: Callable[..., Any]) -> None:
    not_a_folder = tmp_path / "var"
    not_a_folder.write_text("a file where the data folder should be")
    settings = make_settings("sqlite", data_dir=not_a_folder)
    with pytest.raises(RuntimeError, match=r"rebuilding .*timeline.* failed: FileExistsError"):
        rebuild_in_processes(settings, ALL_VIEWS, 2)
