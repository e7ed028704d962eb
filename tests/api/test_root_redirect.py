"""The service's own address (``/``) leads a person to the console, whose first page asks a
person who is not logged in to log in; the API, its document and the health check stay where
they are."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_root_redirects_to_the_console(client: TestClient) -> None:
    answer = client.get("/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/console")


def test_the_root_followed_ends_on_the_console_login_page(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 200
    assert answer.url.path == "/console/login"
    assert "text/html" in answer.headers["content-type"]


def test_the_api_the_document_and_the_health_check_answer_as_before(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Aixin 爱心"
    assert client.get("/docs").status_code == 200
    assert client.get("/api/v1/children").status_code == 401


def test_the_root_is_not_an_operation_of_the_api_document(client: TestClient) -> None:
    assert "/" not in client.get("/openapi.json").json()["paths"]
