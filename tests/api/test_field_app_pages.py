"""The field app's files as the server sends them: under a strict Content-Security-Policy,
revalidated on each load, the page at ``/app/``, the service worker's precache list."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_app_is_sent_under_a_policy_allowing_only_its_own_origin(
        client: TestClient) -> None:
    policy = client.get("/app/").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy
    assert "unsafe" not in policy and "frame-ancestors 'none'" in policy


def test_the_apps_files_are_checked_with_the_server_on_each_load(client: TestClient) -> None:
    for path in ("/app/", "/app/sw.js", "/app/static/app.js", "/app/manifest.webmanifest"):
        assert client.get(path).headers["cache-control"] == "no-cache", path


def test_app_leads_to_the_address_the_service_worker_controls(client: TestClient) -> None:
    answer = client.get("/app", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (307, "/app/")


def test_the_service_worker_keeps_the_page_and_its_files_by_revision(
        client: TestClient) -> None:
    worker = client.get("/app/sw.js").text
    assert '{"url": "/app/", "revision": "' in worker
    assert '"/app/static/app.js"' in worker and "self.__PRECACHE" not in worker
    assert "/api/" not in worker  # no answer of the API is ever kept by the worker


def test_the_scripts_go_compressed(client: TestClient) -> None:
    answer = client.get("/app/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
