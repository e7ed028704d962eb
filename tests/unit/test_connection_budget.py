"""The deployment's budget of PostgreSQL connections, from its settings: each kind of process
counted with the settings that size it, and the refusal naming them and the server's figures."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aixin.connections import Accepted, application_name_for, connection_budget, refusal
from aixin.settings import Settings


def postgres(**values: object) -> Settings:
    return Settings.model_validate(
        {"store": "postgres", "secret_key": "budget-signing-key-0123456789-0123456789",
         **values})


def test_four_api_processes_with_pools_of_five_and_two_workers_of_two() -> None:
    budget = connection_budget(postgres(web_workers=4, postgres_pool_size=5,
                                        worker_concurrency=2, worker_instances=2))
    totals = {share.kind: share.total for share in budget.shares}
    assert totals == {"API processes": 20, "projector": 6, "worker processes": 20, "beat": 0,
                      "one aixin command": 5}
    assert budget.reserve == 3
    assert budget.total == 20 + 6 + 20 + 0 + 5 + 3


def test_api_instances_multiply_their_processes_and_a_pool_holds_at_least_two() -> None:
    budget = connection_budget(postgres(web_workers=3, serve_instances=2, postgres_pool_size=1,
                                        postgres_reserve=0))
    api = budget.of("API processes")
    assert (api.processes, api.each) == (6, 2)
    assert budget.of("projector").each == 3  # its pool, and one to listen


def test_api_processes_that_follow_the_log_listen_and_no_projector_is_counted() -> None:
    budget = connection_budget(postgres(web_workers=2, projections_in_process=True))
    assert budget.of("API processes").each == 6
    assert budget.of("projector").total == 0


def test_a_budget_within_what_the_server_accepts_starts() -> None:
    budget = connection_budget(postgres(web_workers=4))
    assert refusal(budget, Accepted(max_connections=budget.total + 3, reserved=3)) is None


def test_a_budget_beyond_it_is_refused_naming_each_setting_and_figure() -> None:
    budget = connection_budget(postgres(web_workers=4, worker_instances=5))
    said = refusal(budget, Accepted(max_connections=50, reserved=3))
    assert said is not None
    assert f"may hold {budget.total} PostgreSQL connections" in said
    assert "the 47 the server accepts (max_connections 50 less 3 reserved" in said
    for named in ("AIXIN_WEB_WORKERS=4", "AIXIN_WORKER_INSTANCES=5",
                  "AIXIN_WORKER_CONCURRENCY=2", "AIXIN_POSTGRES_POOL_SIZE=5",
                  "AIXIN_POSTGRES_RESERVE"):
        assert named in said


@pytest.mark.parametrize("setting", ["serve_instances", "worker_instances"])
def test_instances_are_at_least_one(setting: str) -> None:
    with pytest.raises(ValidationError):
        postgres(**{setting: 0})


def test_connections_are_named_by_role_and_the_deployments_schema() -> None:
    assert application_name_for("aixin-api", postgres()) == "aixin-api"
    named = application_name_for("aixin-projector", postgres(postgres_schema="county_4208"))
    assert named == "aixin-projector:county_4208"
    assert len(application_name_for("aixin-worker", postgres(postgres_schema="s" * 80))) == 63


def test_a_command_shared_among_processes_counts_a_pool_for_each() -> None:
    alone = connection_budget(postgres())
    shared = connection_budget(postgres(), command_processes=3)
    assert shared.of("one aixin command").total == 3 * 5
    assert shared.total - alone.total == 2 * 5
