"""Two concurrent commands with the same If-Match: exactly one wins, never a 500."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.api.conftest import CHILD
from tests.e2e.server import running

TRIALS = 1000
COMMANDS = [
    ("profile", lambda n: {"health": f"第{n}次记录"}),
    ("categories", lambda n: {"categories": random.sample(["poor_family", "disabled"], k=1)}),
    ("guardian", lambda n: {"name": "王秀梅", "relation": "姑姑", "age": 30 + n % 40}),
]


def test_exactly_one_of_two_racing_commands_wins_every_time(tmp_path: Path) -> None:
    with running(tmp_path, AIXIN_DATA_DIR=str(tmp_path / "data"),
                 AIXIN_ADMIN_PASSWORD="race-admin-password",
                 AIXIN_WRITE_RATE_LIMIT="0") as url:  # 2,000 writes from one account
        token = httpx.post(f"{url}/api/v1/auth/token", data={
            "username": "admin", "password": "race-admin-password"}).json()["access_token"]
        client = httpx.Client(base_url=f"{url}/api/v1", timeout=30,
                              headers={"Authorization": f"Bearer {token}"})
        child = client.post("/children", json=CHILD).json()
        version, outcomes = child["version"], []
        with ThreadPoolExecutor(max_workers=2) as pool:
            for trial in range(TRIALS):
                first, second = random.choice(COMMANDS), random.choice(COMMANDS)

                def send(command: tuple, tag: int, v: int = version, n: int = trial) -> int:
                    path, body = command
                    return client.post(f"/children/{child['id']}/{path}", json=body(n + tag),
                                       headers={"If-Match": f'"{v}"'}).status_code

                statuses = sorted(pool.map(send, (first, second), (0, 1)))
                outcomes.append(tuple(statuses))
                version += 1
        final = client.get(f"/children/{child['id']}").json()["version"]
    assert set(outcomes) == {(200, 412)}
    assert final == child["version"] + TRIALS
