"""The README's first screen tells a newcomer how to start and how to log in."""

from __future__ import annotations

from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
#: What fits on a first screen.
FIRST_SCREEN = 30


def first_screen() -> str:
    return "\n".join(README.read_text(encoding="utf-8").splitlines()[:FIRST_SCREEN])


@pytest.mark.parametrize("words", [
    "./run.sh --demo", "./test.sh",  # the two commands, and the demo
    "http://127.0.0.1:8000/", "/console", "/app",  # the addresses
    "demo-admin", "demo-mother", "password",  # the demo's accounts
    "AIXIN_ADMIN_PASSWORD", "aixin users create",  # an account without the demo
])
def test_the_first_screen_says_how_to_start_and_log_in(words: str) -> None:
    assert words in first_screen()
