"""A view folded from zero in plain Python, for a rebuild (:mod:`projections.bulk`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from domain.common import Remembered
from projections.personal import texts_of
from projections.projection import View

#: What a stretch of the log adds to a view's tables: for each table, its columns and rows.
Folded = dict[str, tuple[Sequence[str], list[tuple[Any, ...]]]]


class Written(Protocol):
    """The rows a fold has written so far, read back (from the new generation's tables on
    PostgreSQL, from the fold database on SQLite): for a folding that needs, at the end,
    more rows than it should hold in memory."""

    def rows(self, table: str, columns: Sequence[str],
             by: str) -> Generator[tuple[Any, ...], None, None]:
        """``columns`` of every row of ``table`` written so far, those with the same ``by``
        (a column) one after another; closed by its reader (``contextlib.closing``)."""
        ...


class Folding(ABC):
    """A view folded from zero in plain Python, for a rebuild (:mod:`projections.bulk`).

    It is handed the log a stretch at a time (the stored rows and the events decoded from
    them) and answers with the rows of the view's tables that the stretch makes final: the
    rebuild writes them at once (by COPY on PostgreSQL). Rows a later event could still
    change it holds, and gives them up when the whole log is folded (:meth:`finish`), which
    may read back what was written (:class:`Written`). What it keeps between stretches is
    its own state, pickled between the processes that fold the log one stretch after another
    (the app is not part of it). It must give the tables, row for row, that the view's
    handlers give following the log (``tests/integration/test_bulk_rebuild.py``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    @abstractmethod
    def fold(self, stored: Sequence[Any], events: Sequence[tuple[int, Any]]) -> Folded:
        """The rows a stretch of the log (stored rows and (position, event) pairs, both
        after what was folded before) adds to each table."""

    def finish(self, written: Written) -> Folded:
        """The rows held back until the whole log is folded (rows a later event could still
        change), written last; ``written``: the rows written before them."""
        return {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "app": None}


class Rows:
    """What a view's handlers are given for a transaction while the view is folded in
    memory: the rows they add (:meth:`insert`, :meth:`append`) are gathered by table, and
    a statement (:meth:`execute`) is refused: a folding overrides every handler that reads
    or changes the tables with one that keeps what it needs in memory."""

    def __init__(self) -> None:
        #: The log position of the event being folded.
        self.position = 0
        self.more_to_come = True
        self.tables: Folded = {}

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
               on_conflict: str = "", distinct: bool = False) -> None:
        if on_conflict:
            raise NotImplementedError(f"rows folded in memory have no conflict: {table}")
        self.append(table, columns, rows)

    def append(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        found = self.tables.get(table)
        if found is None:
            found = self.tables[table] = (tuple(columns), [])
        elif found[0] != tuple(columns):
            raise ValueError(f"rows of {table} folded with other columns: {columns}")
        found[1].extend(map(tuple, rows))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        raise NotImplementedError(f"a view folded in memory runs no statement: {sql}")

    def taken(self) -> Folded:
        """The rows gathered since last taken."""
        tables, self.tables = self.tables, {}
        return tables

    def held(self, written: Written) -> Folded:
        """The rows held back until the whole log is folded (none here); ``written``: the
        rows written before them."""
        return {}


class ByHandlers(Folding):
    """A view folded by its own handlers, in memory: ``view`` is a subclass of the view
    whose handlers that read or change the tables read and change ``rows`` instead (a
    :class:`Rows` of the view's own that keeps what they need), made by calling it with
    no argument. Its memory (:class:`domain.common.Remembered`) travels with the rows
    between processes; its handlers are found again."""

    def __init__(self, app: Any, view: View, rows: Rows) -> None:
        super().__init__(app)
        self.view, self.rows = view, rows

    def fold(self, stored: Sequence[Any], events: Sequence[tuple[int, Any]]) -> Folded:
        rows: Any = self.rows  # what the handlers take for their transaction
        self.view.texts = texts_of(self.app)  # personal texts kept as the app seals them
        self.view.apply_all(events, rows)
        return self.rows.taken()

    def finish(self, written: Written) -> Folded:
        return self.rows.held(written)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["view"] = (type(self.view), {name: dict(kept) for name, kept
                                           in vars(self.view).items()
                                           if isinstance(kept, Remembered)})
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        kind, memory = state.pop("view")
        self.__dict__.update(state)
        self.view = kind()
        for name, kept in memory.items():
            getattr(self.view, name).update(kept)


KeptRows = TypeVar("KeptRows", bound=Rows)


def rows_of(tx: Any, kind: type[KeptRows]) -> KeptRows:
    """The tables in memory a handler of a view folded in memory was given as its
    transaction (a handler standing in for one that reads or changes the tables)."""
    if not isinstance(tx, kind):
        raise TypeError(f"a view folded in memory is given {kind.__name__}, not {tx!r}")
    return tx
