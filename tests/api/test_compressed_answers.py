"""The API's answers go compressed (gzip) to a client that accepts them when they are long,
as a phone on a slow network needs; short answers and the console's pages go as they are,
and a record's ETag is its version whichever way it goes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create

Headers = dict[str, str]
GZIP = {"Accept-Encoding": "gzip"}


def test_a_long_answer_goes_compressed_to_a_client_that_accepts_it_and_reads_the_same(
        client: TestClient, admin: Headers) -> None:
    for name in ("王小花", "李明", "张强", "陈小雨"):
        create(client, "/api/v1/children", {**CHILD, "name": name}, admin)
    plain = client.get("/api/v1/children", headers={**admin, "Accept-Encoding": "identity"})
    packed = client.get("/api/v1/children", headers={**admin, **GZIP})
    assert "content-encoding" not in plain.headers and len(plain.content) >= 1000
    assert packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.json() == plain.json()


def test_a_short_answer_goes_as_it_is(client: TestClient) -> None:
    token = client.post("/api/v1/auth/token", headers=GZIP, data={
        "username": "nobody", "password": "not-a-password"})
    assert token.status_code == 401 and len(token.content) < 1000
    assert "content-encoding" not in token.headers


def test_a_compressed_record_keeps_its_version_as_its_etag(
        client: TestClient, admin: Headers) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)["id"]
    read = client.get(f"/api/v1/children/{child}", headers={**admin, **GZIP})
    assert read.headers["content-encoding"] == "gzip"
    assert read.headers["etag"] == f'"{read.json()["version"]}"'


def test_the_consoles_pages_are_never_compressed(client: TestClient) -> None:
    page = client.get("/console/login", headers=GZIP)
    assert page.status_code == 200 and len(page.content) >= 1000
    assert "content-encoding" not in page.headers
