"""A view's batch calls each event's handler, looked up once per kind of event, and passes
over the events its ``apply`` keeps nothing of (the ``singledispatchmethod``'s default); a
batch of nothing but such events changes nothing but the view's position."""

from __future__ import annotations

from functools import singledispatchmethod
from types import SimpleNamespace
from typing import Any, ClassVar

from projections.projection import View


class Registered:
    pass


class Corrected:
    pass


class Moved:
    pass


class Transferred(Moved):
    pass


class Unkept:
    pass


class Listening(View):
    name = "listening"
    tables: ClassVar[tuple[str, ...]] = ()
    schema: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(view=None)
        self.heard: list[tuple[str, int]] = []

    @singledispatchmethod
    def apply(self, event: object, tx: Any) -> None:
        """An event this view does not keep changes nothing (here: noted, to be seen)."""
        self.heard.append(("default", tx.position))

    @apply.register
    def _registered(self, event: Registered, tx: Any) -> None:
        self.heard.append(("registered", tx.position))

    @apply.register
    def _changed(self, event: Corrected | Moved, tx: Any) -> None:
        self.heard.append((type(event).__name__, tx.position))


class Plain(View):
    name = "plain"
    tables: ClassVar[tuple[str, ...]] = ()
    schema: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(view=None)
        self.heard: list[int] = []

    def apply(self, event: Any, tx: Any) -> None:
        self.heard.append(tx.position)


def batch() -> list[tuple[int, object]]:
    return [(1, Registered()), (2, Unkept()), (3, Corrected()), (4, Transferred()),
            (5, Unkept()), (6, Registered())]


def test_each_event_reaches_its_handler_with_its_position_in_log_order() -> None:
    view = Listening()
    view.apply_all(batch(), SimpleNamespace(position=0))
    assert view.heard == [("registered", 1), ("Corrected", 3), ("Transferred", 4),
                          ("registered", 6)]


def test_events_the_view_keeps_nothing_of_are_passed_over() -> None:
    view = Listening()
    view.apply_all(batch(), SimpleNamespace(position=0))
    assert all(kind != "default" for kind, _ in view.heard)
    assert view.handlers()[Unkept] is None


def test_a_view_whose_apply_is_a_plain_method_sees_every_event() -> None:
    view = Plain()
    view.apply_all(batch(), SimpleNamespace(position=0))
    assert view.heard == [1, 2, 3, 4, 5, 6]


def test_a_handler_is_bound_to_its_own_view() -> None:
    first, second = Listening(), Listening()
    first.apply_all([(1, Registered())], SimpleNamespace(position=0))
    assert first.heard == [("registered", 1)] and second.heard == []


class Batching(Listening):
    """A view that applies a batch its own way (as the duties do, evaluating at its end)."""

    def apply_all(self, events: Any, tx: Any) -> None:
        self.heard.append(("batch", len(events)))


def test_a_batch_of_events_the_view_keeps_nothing_of_is_passed_over_whole() -> None:
    assert Listening().passes_over([(2, Unkept()), (5, Unkept())])


def test_a_batch_holding_one_event_the_view_keeps_is_not_passed_over() -> None:
    assert not Listening().passes_over([(2, Unkept()), (4, Transferred())])


def test_a_view_whose_apply_is_a_plain_method_passes_over_nothing() -> None:
    assert not Plain().passes_over([(2, Unkept())])


def test_a_view_that_applies_batches_its_own_way_passes_over_nothing() -> None:
    assert not Batching().passes_over([(2, Unkept())])


class InMemory(Listening):
    """A view folded in memory: one handler stood in for by a method of its name."""

    def _registered(self, event: Registered, tx: Any) -> None:
        self.heard.append(("registered in memory", tx.position))


class Underscored(View):
    name = "underscored"
    tables: ClassVar[tuple[str, ...]] = ()
    schema: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(view=None)
        self.heard: list[str] = []

    @singledispatchmethod
    def apply(self, event: object, tx: Any) -> None:
        """Nothing."""

    @apply.register
    def _(self, event: Registered, tx: Any) -> None:
        self.heard.append("registered")

    @apply.register
    def _(self, event: Corrected, tx: Any) -> None:
        self.heard.append("corrected")


def test_a_subclass_stands_in_for_a_handler_by_a_method_of_its_name() -> None:
    view = InMemory()
    view.apply_all([(1, Registered()), (2, Corrected())], SimpleNamespace(position=0))
    assert view.heard == [("registered in memory", 1), ("Corrected", 2)]


def test_handlers_of_one_reused_name_each_keep_their_own_kind() -> None:
    view = Underscored()
    view.apply_all([(1, Registered()), (2, Corrected())], SimpleNamespace(position=0))
    assert view.heard == ["registered", "corrected"]
