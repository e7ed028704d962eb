"""The library's timing cases are marked ``performance`` and left out of the default run:
``test_performance`` prints timings and asserts nothing; ``test_concurrent_throughput``
prints a rate and asserts only that its concurrent inserts raised nothing, which
``test_concurrent_no_conflicts`` checks in the default run. Run them with
``.venv/bin/python -m pytest -m performance tests/conformance``."""

from __future__ import annotations

import pytest

#: The library's test cases that time the store rather than check it.
PERFORMANCE_CASES = frozenset({"test_performance", "test_concurrent_throughput"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in PERFORMANCE_CASES:
            item.add_marker(pytest.mark.performance)
