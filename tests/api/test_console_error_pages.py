"""A console page answers a malformed date, id or form value with a page in Chinese, at the
status the API would give (422), saying which field and what is wrong; an address the console
does not have is a page too (404). The API under /api/v1 keeps answering JSON."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.test_console import console_login
from tests.api.test_console_words import _read
from tests.foreign_words import foreign_words


def _page_text(html: str) -> str:
    return " ".join(_read(html).parts)


def test_a_bad_date_in_a_pages_query_is_a_page_naming_the_field_in_chinese(
        client: TestClient) -> None:
    console_login(client)
    response = client.get("/console/audit?from=2026-13-45")
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (
        422, "text/html")
    assert "起始日期：须为日历上有的日期" in response.text


def test_a_malformed_id_in_a_pages_path_is_a_page_in_chinese(client: TestClient) -> None:
    console_login(client)
    response = client.get("/console/reports/not-an-id")
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (
        422, "text/html")
    assert "报表编号" in response.text


def test_an_error_page_shows_no_english_word(client: TestClient) -> None:
    console_login(client)
    for path in ("/console/audit?from=2026-13-45&to=x", "/console/reports/not-an-id",
                 "/console/children/x1"):
        text = _page_text(client.get(path).text)
        assert foreign_words(text, {"admin"}) == [], (path, text)


def test_an_address_the_console_does_not_have_is_a_page_in_chinese(
        client: TestClient) -> None:
    console_login(client)
    response = client.get("/console/no-such-page")
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (
        404, "text/html")
    assert re.search("未找到", response.text)


def test_the_api_still_answers_a_malformed_id_in_json(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v1/reports/not-an-id", headers=admin)
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["path", "report_id"])


def test_a_form_that_cannot_be_read_is_a_page_in_chinese(client: TestClient) -> None:
    console_login(client)
    response = client.post("/console/reports", content=b"--x\r\nbroken",
                           headers={"content-type": "multipart/form-data"})
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (
        400, "text/html")
    assert foreign_words(_page_text(response.text), {"admin"}) == []
