"""The register's filters find what they name, on each store: a ``%`` or ``_`` given in
``category`` or ``region_code`` is that character, never a wildcard."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, VOLUNTEER, create


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """This module runs on the embedded store and on PostgreSQL."""
    return client_on_each_store


def listed(client: TestClient, headers: dict[str, str], **params: str) -> list[str]:
    response = client.get("/api/v1/children", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [child["id"] for child in response.json()["items"]]


@pytest.mark.parametrize("category", ["%", "both%", "both_parents_awa_"])
def test_a_wildcard_in_the_category_filter_finds_no_child(
        client: TestClient, admin: dict[str, str], category: str) -> None:
    create(client, "/api/v1/children", CHILD, admin)  # both_parents_away
    assert listed(client, admin, category=category) == []


def test_the_category_filter_still_finds_the_category_it_names(
        client: TestClient, admin: dict[str, str]) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    assert listed(client, admin, category="both_parents_away") == [child["id"]]


@pytest.mark.parametrize("region_code", ["%", "4208_1", "42%"])
def test_a_wildcard_in_the_region_filter_finds_no_child(
        client: TestClient, admin: dict[str, str], region_code: str) -> None:
    create(client, "/api/v1/children", CHILD, admin)  # 420821101
    assert listed(client, admin, region_code=region_code) == []


@pytest.mark.parametrize("region_code", ["%", "4208_1", "42%"])
def test_a_wildcard_in_the_region_filter_finds_no_volunteer(
        client: TestClient, admin: dict[str, str], region_code: str) -> None:
    create(client, "/api/v1/volunteers", VOLUNTEER, admin)  # 420821
    response = client.get("/api/v1/volunteers", headers=admin,
                          params={"region_code": region_code})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []

