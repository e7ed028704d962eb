"""What a projection is here: tables, and how each event changes them.

A projection is applied in batches: every event of a batch and the log position of
the last one are committed in one transaction (the library's tracking recorders), so
a restart resumes exactly where the last commit left off, applying nothing twice.
"""

from __future__ import annotations

import hashlib
import inspect
from abc import abstractmethod
from collections.abc import Callable, Sequence
from functools import singledispatchmethod
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.application.base import PersonalTexts
from projections.personal import InClear, texts_of
from storage.sql import Tx
from storage.views import index_name


class View(Projection[Any]):  # the library's Projection, applied in batches
    """A read model of the register's event log: one or more tables of its own."""

    name: str
    #: CREATE TABLE / CREATE INDEX statements, portable between SQLite and PostgreSQL.
    schema: ClassVar[tuple[str, ...]]
    #: Tables to empty when the view is rebuilt from zero.
    tables: ClassVar[tuple[str, ...]]

    #: What folding the view costs beside reading the log, in µs of CPU per event: the
    #: CPU of the children folding each view in ``bench/rebuild.py --processes 2``, timed
    #: view by view (``docs/scale.md``, the eighth machine), rounded: report facts 21,
    #: timeline 14, duties 10, hash chain 8, pairings 5, children and duplicates 3, the
    #: others 1 or less. How ``aixin projections rebuild --processes`` shares views out, so
    #: that the shares fold a segment in about the same time.
    rebuild_cost: ClassVar[int] = 1
    #: What making the view whole at the end of a rebuild from zero takes beside folding,
    #: in µs of wall time per event of the log (its held rows, and PostgreSQL building its
    #: indexes): the time its last child took after folding in the same runs, rounded:
    #: duties 12 (its evaluation), report facts 10, timeline and children 2, the others 1
    #: or less. The last segment's children start with the views that take longest to
    #: fold it and finish.
    finish_cost: ClassVar[int] = 0

    #: Raised by one when what the view makes of the same events changes while its tables
    #: keep their statements: a generation built before is then rebuilt (see :meth:`shape`).
    revision: ClassVar[int] = 1

    #: Indexes that only the view's readers use, never its own handlers: a rebuild that
    #: folds the view (:mod:`projections.bulk`) builds them once the fold is whole, instead
    #: of keeping them up to date row by row while it folds.
    query_indexes: ClassVar[frozenset[str]] = frozenset()

    #: How personal texts are kept (sealed by the app's data keys; see projections.personal).
    texts: PersonalTexts = InClear()

    #: The log position up to which this instance has applied the log itself (None: none
    #: yet): what it keeps in memory between batches reflects the log up to there, and is
    #: not to be trusted once the view's committed position is elsewhere (another runner
    #: applied events this instance did not see).
    followed_to: int | None = None

    @classmethod
    def shape(cls) -> str:
        """What a generation of the view is built to: its tables' statements and its
        revision. A generation built to another shape (an older version of the view) is
        rebuilt from the log before the view is followed again
        (:meth:`projections.runner.ViewRunner.reshape`)."""
        made = "\n".join((*cls.schema, f"revision {cls.revision}"))
        return hashlib.sha256(made.encode()).hexdigest()[:16]

    @classmethod
    def fold_schema(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The statements a fold starts from (the tables, and the indexes the handlers read
        through), and those built once it is whole (:attr:`query_indexes`)."""
        later = tuple(statement for statement in cls.schema
                      if index_name(statement) in cls.query_indexes)
        return tuple(s for s in cls.schema if s not in later), later

    @classmethod
    def for_app(cls, recorder: Any, app: Any) -> View:
        """The view as a runner of ``app``'s log makes it (a policy also takes the app):
        personal texts kept as ``app`` seals them."""
        view = cls(recorder)
        view.texts = texts_of(app)
        return view

    def read_along(self, stored: Sequence[Any]) -> None:
        """The stored rows (the library's notifications) of the batch about to be applied,
        for a view made of the rows themselves rather than the events (the hash chain)."""

    @abstractmethod
    def apply(self, event: Any, tx: Tx) -> None:
        """Change the tables for one event, inside the batch's transaction. Usually a
        ``singledispatchmethod`` with a handler registered per kind of event; its default
        (for ``object``) changes nothing, and a batch passes over the events only it would
        see (:meth:`handlers`)."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """The library's one-event entry point: a batch of one."""
        self.view.apply_batch(self, [(tracking.notification_id, domain_event)], tracking)

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """Apply (position, event) pairs in log order; ``tx.position`` says where we are.
        An event the view keeps no handler for is passed over (see :meth:`handlers`)."""
        handlers = self.handlers()
        for position, event in events:
            tx.position = position
            if (handler := handlers[event.__class__]) is not None:
                handler(event, tx)

    def passes_over(self, events: Sequence[tuple[int, Any]]) -> bool:
        """Whether applying ``events`` would change nothing but the view's position: none of
        them has a handler, and the view applies a batch through its handlers alone (one
        that applies a batch its own way, :meth:`apply_all`, may act on any batch)."""
        if type(self).apply_all is not View.apply_all:
            return False
        handlers = self.handlers()
        return all(handlers[event.__class__] is None for _, event in events)

    def handlers(self) -> Handlers:
        """This view's handler of each kind of event, looked up once per kind: a batch
        calls each event's handler directly, not through the dispatcher, and passes over
        an event for which the view's :meth:`apply` (a ``singledispatchmethod``) has only
        its default, which by this module's rule changes nothing."""
        try:
            handlers: Handlers = self.__dict__["_handlers"]
        except KeyError:
            handlers = self.__dict__["_handlers"] = Handlers(self)
        return handlers


def _overridden(view: type, found: Any) -> Any:
    """The handler ``found`` as registered in the class that defines it, or a function of
    its name defined in a subclass below that class (a view folded in memory,
    :mod:`projections.folding`): registration alone would keep the base's. A handler whose
    name its class reuses (``def _``) is never replaced."""
    name = found.__name__
    below = []
    for cls in view.__mro__:
        if cls.__dict__.get(name) is found:
            break
        below.append(cls)
    else:
        return found  # not under its name in any class
    for cls in below:
        if inspect.isfunction(replacement := cls.__dict__.get(name)):
            return replacement
    return found


class Handlers(dict[type, Callable[[Any, Tx], None] | None]):
    """A view's handler of each kind of event (bound to the view), or None where the view
    keeps nothing of it: the default of a ``singledispatchmethod`` ``apply`` (registered
    for ``object``) changes nothing in every view. A view whose ``apply`` is a plain method
    has it called for every event. A subclass overrides a handler by defining a method of
    its name."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view
        found = inspect.getattr_static(type(view), "apply")
        self.dispatching = found if isinstance(found, singledispatchmethod) else None

    def __missing__(self, kind: type) -> Callable[[Any, Tx], None] | None:
        if self.dispatching is None:
            handler: Callable[[Any, Tx], None] | None = self.view.apply
        else:
            found = self.dispatching.dispatcher.dispatch(kind)
            handler = (None if found is self.dispatching.func else
                       _overridden(type(self.view), found).__get__(self.view, type(self.view)))
        self[kind] = handler
        return handler
