"""Dispatch on the register's event classes, and the common facts every event carries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from storage.sql import Tx

Handler = Callable[[Any, Any, Tx], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a view method as the handler of the given event classes."""

    def mark(method: Handler) -> Handler:
        method.__handles__ = event_classes  # type: ignore[attr-defined]
        return method

    return mark


class Dispatching:
    """A view whose ``apply`` calls the method marked for the event's class, if any."""

    _handlers: dict[type, Handler]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                for event_class in getattr(value, "__handles__", ()):
                    cls._handlers[event_class] = value

    def apply(self, event: Any, tx: Tx) -> None:
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(self, event, tx)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def csv(values: Any) -> str:
    """Values as ``,a,b,`` so that ``LIKE '%,a,%'`` finds one of them."""
    items = [str(v) for v in values]
    return "," + ",".join(items) + "," if items else ""
