"""A caring mother's console page of her child shows what the API gives her: the parents'
phones when her duties have her speak with them (三个一), and not otherwise."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.test_console import console_login
from tests.api.test_parents_phones_api import PHONES, serve, volunteers_view

__all__ = ["serve"]  # the fixture that starts the service with the duty sets given


def _her_page(client: TestClient) -> str:
    record, _ = volunteers_view(client)
    console_login(client, "mother", "password-123")
    page = client.get(f"/console/children/{record['id']}")
    assert page.status_code == 200
    return page.text


def test_a_caring_mother_who_must_phone_the_parents_sees_their_phones_on_the_childs_page(
        serve: Callable[..., TestClient]) -> None:
    page = _her_page(serve("three_ones"))
    assert all(phone in page for phone in PHONES)


def test_a_caring_mother_who_need_not_phone_the_parents_sees_no_phone_of_theirs(
        serve: Callable[..., TestClient]) -> None:
    page = _her_page(serve("five_ones", "two_visits"))
    assert not any(phone in page for phone in PHONES)
