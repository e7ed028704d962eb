"""`aixin projections rebuild` from zero while the real service keeps answering, and the
service run as several API processes: both on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import CHILD
from tests.conftest import postgres_params
from tests.e2e.server import AIXIN, free_port, running
from tests.e2e.test_api_on_postgres import PASSWORD, authorised, ok

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]


def settings(tmp_path: Path, schema: str, **more: str) -> dict[str, str]:
    params = postgres_params()
    return dict(AIXIN_DATA_DIR=str(tmp_path / "data"), AIXIN_STORE="postgres",
                AIXIN_POSTGRES_HOST=params["host"], AIXIN_POSTGRES_PORT=params["port"],
                AIXIN_POSTGRES_USER=params["user"], AIXIN_POSTGRES_DBNAME=params["dbname"],
                AIXIN_POSTGRES_SCHEMA=schema, AIXIN_PROJECTIONS_IN_PROCESS="true",
                AIXIN_ADMIN_PASSWORD=PASSWORD,
                AIXIN_SECRET_KEY="e2e-signing-key-0123456789-0123456789", **more)


def test_the_children_register_answers_in_full_while_it_is_rebuilt(
        tmp_path: Path, postgres_schema: str) -> None:
    env = settings(tmp_path, postgres_schema)
    with running(tmp_path, port=free_port(), **env) as url:
        api = authorised(url)
        children = {ok(api.post("/children", json={**CHILD, "name": f"孩子{n}"}), 201)["id"]
                    for n in range(30)}
        answers: list[tuple[int, int]] = []
        done = threading.Event()

        def keep_reading() -> None:
            with authorised(url) as reader:
                while not done.is_set():
                    response = reader.get("/children", params={"limit": 100})
                    answers.append((response.status_code, len(response.json()["items"])))

        reader = threading.Thread(target=keep_reading)
        reader.start()
        try:
            rebuilt = subprocess.run(
                [str(AIXIN), "projections", "rebuild", "children"], capture_output=True,
                text=True, timeout=120, check=False,
                env={**{k: v for k, v in os.environ.items() if not k.startswith("AIXIN_")},
                     **env})
        finally:
            done.set()
            reader.join(30)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "rebuilt children" in rebuilt.stdout
        assert answers and set(answers) == {(200, len(children))}
        listed = ok(api.get("/children", params={"limit": 100}))["items"]
        assert {child["id"] for child in listed} == children


def test_several_api_processes_share_one_log_and_accept_each_others_tokens(
        tmp_path: Path, postgres_schema: str) -> None:
    env = settings(tmp_path, postgres_schema, AIXIN_WEB_WORKERS="2")
    with running(tmp_path, port=free_port(), **env) as url:
        api = authorised(url)
        created = [ok(api.post("/children", json={**CHILD, "name": f"孩子{n}"}), 201)["id"]
                   for n in range(10)]
        for _ in range(20):  # new connections: the kernel spreads them over both processes
            with httpx.Client(base_url=f"{url}/api/v1", headers=api.headers) as fresh:
                assert ok(fresh.get(f"/children/{created[0]}"))["id"] == created[0]
