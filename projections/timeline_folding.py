"""The child's timeline folded from zero in memory (:mod:`projections.bulk`).

The timeline's own handlers make the rows (:class:`projections.timeline.ChildTimeline`);
what they read from its tables is read here from memory instead (:class:`TimelineRows`):
a pairing's, an activity's and a reminder's children, and the entries an erasure may
still change. An entry is final when made unless it states a reason in words, which the
erasure of a child it concerns rewrites (个人信息删除): those are held until the whole log
is folded, the rest written as each stretch is folded.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from domain.common import Remembered
from projections.folding import ByHandlers, Folded, Rows, Written, rows_of
from projections.timeline import ENTRY_COLUMNS, ChildTimeline, erased_details
from storage.sql import Tx

_ENTRIES = "tl_entries"
_AGGREGATE, _DETAILS = 2, 9  # of an entry's columns (child_id first)


class TimelineRows(Rows):
    """The timeline's tables as far as its handlers read them, in memory: each pairing's,
    activity's and reminder's children, and the entries stating a reason (by child)."""

    def __init__(self) -> None:
        super().__init__()
        self.pairing_children: dict[str, list[str]] = defaultdict(list)
        self.child_pairings: dict[str, list[str]] = defaultdict(list)
        self.activity_children: dict[str, list[str]] = defaultdict(list)
        self.child_activities: dict[str, list[str]] = defaultdict(list)
        self.reminder_children: dict[str, list[str]] = defaultdict(list)
        #: Entries stating a reason, held until the end: by child, by position.
        self.stating: dict[str, dict[int, list[Any]]] = defaultdict(dict)
        self.columns: Sequence[str] = ()

    def append(self, table: str, columns: Sequence[str], added: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(row) for row in added]
        if table == _ENTRIES:
            self.columns = tuple(columns)
            final = []
            for row in rows:
                if '"reason"' in row[_DETAILS] and json.loads(row[_DETAILS]).get("reason"):
                    self.stating[row[0]][row[1]] = list(row)
                else:
                    final.append(row)
            rows = final
        elif table == "tl_pairing_children":
            _link(rows, self.pairing_children, self.child_pairings)
        elif table == "tl_activity_children":
            _link(rows, self.activity_children, self.child_activities)
        elif table == "tl_reminder_children":
            for reminder_id, child_id in rows:
                self.reminder_children[reminder_id].append(child_id)
        super().append(table, columns, rows)

    def erase(self, child: str) -> None:
        """As :meth:`ChildTimeline._erase_reasons` does in the tables: the reasons on the
        entries of the child, of its pairings on each of their children's timelines, and
        of the activities that reached it on each of theirs."""
        pairings = set(self.child_pairings.get(child, ()))
        self._erase_entries({child}, None)
        self._erase_entries({other for pairing in pairings
                             for other in self.pairing_children[pairing]}, pairings)
        activities = set(self.child_activities.get(child, ()))
        self._erase_entries({other for activity in activities
                             for other in self.activity_children[activity]}, activities)

    def _erase_entries(self, children: set[str], of: set[str] | None) -> None:
        """The reasons on the entries of ``children`` (those of the aggregates ``of``)."""
        for child in children:
            for entry in self.stating.get(child, {}).values():
                if (of is None or entry[_AGGREGATE] in of) \
                        and (details := erased_details(entry[_DETAILS])) is not None:
                    entry[_DETAILS] = details

    def held(self, written: Written) -> Folded:
        """The entries held until the end."""
        entries = [tuple(entry) for held in self.stating.values() for entry in held.values()]
        self.stating.clear()
        return {_ENTRIES: (self.columns, entries)} if entries else {}


def _link(rows: list[tuple[Any, ...]], children: dict[str, list[str]],
          of_child: dict[str, list[str]]) -> None:
    for owner, child_id in rows:
        children[owner].append(child_id)
        of_child[child_id].append(owner)


class _InMemoryTimeline(ChildTimeline):
    """The timeline's handlers, reading :class:`TimelineRows` where they read the tables."""

    def __init__(self) -> None:
        super().__init__(None)
        self._pairing_children = Remembered(limit=sys.maxsize)  # nothing to read again

    def _children_of(self, tx: Tx, pairing_id: str) -> list[str]:
        return sorted(rows_of(tx, TimelineRows).pairing_children.get(pairing_id, ()))

    def _erase_reasons(self, tx: Tx, child: str) -> None:
        rows_of(tx, TimelineRows).erase(child)

    def _for_activity(self, tx: Tx, activity_id: str, facts: tuple[Any, ...]) -> None:
        children = rows_of(tx, TimelineRows).activity_children.get(activity_id, ())
        tx.append(_ENTRIES, ENTRY_COLUMNS, [(child_id, *facts) for child_id in children])

    def _for_reminder_children(self, tx: Tx, reminder_id: str, facts: tuple[Any, ...]) -> None:
        children = rows_of(tx, TimelineRows).reminder_children.get(reminder_id, ())
        tx.append(_ENTRIES, ENTRY_COLUMNS, [(child_id, *facts) for child_id in children])


def timeline_folding(app: Any) -> ByHandlers:
    """The timeline folded from zero by its own handlers, in memory."""
    return ByHandlers(app, _InMemoryTimeline(), TimelineRows())
