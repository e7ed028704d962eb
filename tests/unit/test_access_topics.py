"""Reads and grants recorded when they were defined in ``domain.access`` itself still decode."""

from __future__ import annotations

import pytest
from eventsourcing.utils import resolve_topic

from domain.access import BreakGlass, RecordRead


@pytest.mark.parametrize(("topic", "event"), [
    ("domain.access:RecordRead.Read", RecordRead.Read),
    ("domain.access:BreakGlass.Opened", BreakGlass.Opened),
    ("domain.access:BreakGlass.Granted", BreakGlass.Granted),
])
def test_an_access_event_stored_under_its_former_topic_resolves_to_its_class(
        topic: str, event: type) -> None:
    assert resolve_topic(topic) is event
