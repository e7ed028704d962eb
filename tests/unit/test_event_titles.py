"""Every event people may see on a timeline or in a report's late records has a Chinese title."""

from __future__ import annotations

from projections.timeline import EVENT_TITLES, EVENT_TYPES


def test_every_event_of_the_log_has_a_title_in_the_programmes_words() -> None:
    untitled = sorted(set(EVENT_TYPES.values()) - set(EVENT_TITLES))
    assert untitled == []


def test_no_title_names_an_event_the_log_does_not_have() -> None:
    assert sorted(set(EVENT_TITLES) - set(EVENT_TYPES.values())) == []
