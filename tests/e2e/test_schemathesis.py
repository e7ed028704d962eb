"""Generated requests from /openapi.json against the real server, each answer held to every
check schemathesis runs by default: no server error, a documented status code, content type,
headers and body schema, schema-violating requests refused, schema-valid ones accepted, the
`Allow` of a 405, and so on. The document is what is wrong when a check fails, or the service.

One check is narrowed, by what no JSON Schema can state: rules that hold against the day a
request is made, and rules comparing two values of a request. A request the document calls
valid may break them, and is then refused with 422 naming the rule or the field
(:data:`BEYOND_SCHEMA`); any other refusal of a valid request is still a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import fresh_schema, postgres_params
from tests.e2e.server import running

PASSWORD = "fuzz-admin-password"

#: Faults (type, where) of rules no JSON Schema can state (None: anywhere): against the day
#: a request is made, or between two of its values.
BEYOND_SCHEMA = {
    ("date_not_in_future", None),  # a fact is recorded after it happens, never before
    ("future_date", ("query", "as_of")),  # a history is of what has happened
    ("invalid_record", ("body", "birth_date")),  # a child is a minor when registered
    ("invalid_record", ("body", "region_code")),  # a place is on the register of places
    ("invalid_record", ("body", "id_number")),  # an ID number's check character agrees
    ("invalid_record", ("body", "value")),  # a correction's value is the field's own kind
    ("invalid_record", ("body", "quarter")),  # a report is of a quarter that has begun
    ("invalid_record", ("body", "known_at")),  # a report is of what the register was told
    ("period_order", ("query", "to")),  # a period ends on or after the day it starts
    ("import_file", ("body", "file")),  # an import's file is a workbook with the form's headers
}


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The real server, on the embedded store and on PostgreSQL, with an admin's token."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with ExitStack() as stack:
        store: dict[str, str] = {}
        if request.param == "postgres":
            params = postgres_params()
            store = {"AIXIN_STORE": "postgres", "AIXIN_POSTGRES_HOST": params["host"],
                     "AIXIN_POSTGRES_PORT": params["port"],
                     "AIXIN_POSTGRES_USER": params["user"],
                     "AIXIN_POSTGRES_DBNAME": params["dbname"],
                     "AIXIN_POSTGRES_SCHEMA": stack.enter_context(fresh_schema()),
                     "AIXIN_PROJECTIONS_IN_PROCESS": "true",
                     "AIXIN_SECRET_KEY": "fuzz-signing-key-0123456789-0123456789"}
        # No write limit: generated requests reach the routes, not the limiter's 429.
        url = stack.enter_context(running(folder, AIXIN_DATA_DIR=str(folder / "data"),
                                          AIXIN_ADMIN_PASSWORD=PASSWORD,
                                          AIXIN_WRITE_RATE_LIMIT="0", **store))
        token = httpx.post(f"{url}/api/v1/auth/token", data={
            "username": "admin", "password": PASSWORD}).json()["access_token"]
        yield url, {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def api_schema(served: tuple[str, dict[str, str]]) -> schemathesis.schemas.BaseSchema:
    url, _ = served
    return schemathesis.openapi.from_url(f"{url}/openapi.json")


# The console's pages stay in the document but are not generated against: each asks for the
# session cookie, and each form for the CSRF token of the browser's own cookie, so generated
# requests would only ever meet the redirect to the login page and the CSRF refusal; and
# generated logins would count against the login throttle of the address this test logs in
# from.
schema = schemathesis.pytest.from_fixture("api_schema").exclude(tag="console")


@schema.parametrize()
@settings(max_examples=20, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_generated_request_gets_the_answer_the_document_promises(
        case: schemathesis.Case, served: tuple[str, dict[str, str]]) -> None:
    _, auth = served
    case.call_and_validate(headers=auth, timeout=30, excluded_checks=[positive_data_acceptance],
                           additional_checks=[valid_data_accepted])


def valid_data_accepted(ctx: CheckContext, response: Response,
                        case: schemathesis.Case) -> bool | None:
    """Schemathesis's ``positive_data_acceptance``, but for a 422 whose every fault is of a
    rule no JSON Schema can state (:data:`BEYOND_SCHEMA`)."""
    if refused_beyond_schema(response):
        return None
    return positive_data_acceptance(ctx, response, case)  # type: ignore[no-any-return]


def refused_beyond_schema(response: Response) -> bool:
    if response.status_code != 422:
        return False
    faults = response.json().get("detail")
    return isinstance(faults, list) and bool(faults) and all(
        {(fault.get("type"), None), (fault.get("type"), tuple(fault.get("loc", ())))}
        & BEYOND_SCHEMA for fault in faults)
