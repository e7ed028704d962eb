"""What late records (补录) changed between two computations of the same quarter, and why.

:func:`changes_between` lists the facts recorded between two instants that can move the
quarter's figures; :func:`figure_changes` the totals that moved. Each late record carries its
title and a one-line summary in the programme's words (:mod:`domain.vocabulary`), as the
report's files, the console and the API show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from domain.instants import shown_instant
from domain.programme import Programme
from domain.reports import Quarter
from domain.vocabulary import (
    CONTACT_KIND_TITLES,
    EVENT_TITLES,
    PARENT_ROLE_TITLES,
    PARENT_STATUS_TITLES,
    title_of,
)
from projections.reports.assembly import flat
from projections.reports.corrections import late_corrections
from projections.reports.scope import (
    Scope,
    known_at_instant,
    region_prefix,
    township_codes,
)
from storage.sql import Row, Tx


def changes_between(
    tx: Tx,
    region_code: str,
    year: int,
    quarter: int,
    earlier_known_at: datetime,
    later_known_at: datetime,
    township: str | Sequence[str] | None = None,
    *,
    zone: str,
) -> list[dict[str, Any]]:
    """The late events (补录) that explain why the quarter's figures as known at
    ``later_known_at`` differ from those as known at ``earlier_known_at``: facts of the region
    recorded after the earlier instant and by the later one, dated on or before the quarter's
    last day (a fact dated later cannot move the quarter's figures), in log order; with them
    the schools' enrolment counts and the children's corrections and moves recorded so
    (:func:`~projections.reports.corrections.late_corrections`).

    Each is a dict: ``position``, ``event``, ``event_title`` (in Chinese), ``occurred_on``,
    ``recorded_at``, ``within_quarter`` (dated inside the quarter, or earlier and moving state
    and duties), ``township``, ``school``, ``subject_id``, ``kind`` and ``kind_title``,
    ``amount`` (items given, for a contact) and ``summary`` (one line in Chinese).
    ``zone`` is the programme's time zone: the day ``later_known_at`` falls on there is the
    last day counted of a quarter not ended, and the summaries show instants in it.
    """
    q = Quarter.as_known_at(year, quarter, later_known_at, zone)  # up to its day, if not ended
    scope = Scope(region_prefix(region_code), township_codes(township))
    where, params = scope.sql()
    rows = tx.execute(
        "SELECT position, event, subject_id, township, school, occurred_on, recorded_at, kind,"
        f" amount, detail FROM rf_facts WHERE {where} AND recorded_at > ? AND recorded_at <= ?"
        " AND occurred_on <= ? ORDER BY position",
        [*params, known_at_instant(earlier_known_at), known_at_instant(later_known_at),
         q.end.isoformat()]).all()
    corrected = late_corrections(tx, scope, q, known_at_instant(earlier_known_at),
                                 known_at_instant(later_known_at), zone)
    return sorted([*(_change(row, q, zone) for row in rows), *corrected],
                  key=lambda late: late["position"])


def figure_changes(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The region's totals that differ between two computations of the same quarter:
    ``[{"figure": "contacts_by_kind.home_visit", "before": 3, "after": 4}, ...]`` by name."""
    before, after = dict(flat(earlier["totals"])), dict(flat(later["totals"]))
    return [{"figure": key, "before": before.get(key), "after": after.get(key)}
            for key in sorted(before.keys() | after.keys())
            if before.get(key) != after.get(key)]


def explain_changes(tx: Tx, earlier: Mapping[str, Any],
                    later: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two reports of the same quarter and region, and why:
    ``{"since", "until", "figures": figure_changes(...), "events": changes_between(...)}``,
    for the files (:mod:`workers.reports.files`) to list, in the programme's time zone the
    later report was computed in (China's for a report that does not say)."""
    e, la = earlier["meta"], later["meta"]
    if (e["region_code"], e["year"], e["quarter"]) != (la["region_code"], la["year"],
                                                      la["quarter"]):
        raise ValueError("the two reports are of different regions or quarters")
    events = changes_between(tx, la["region_code"], la["year"], la["quarter"],
                             datetime.fromisoformat(e["known_at"]),
                             datetime.fromisoformat(la["known_at"]), la["townships"],
                             zone=report_zone(la))
    return {"since": e["known_at"], "until": la["known_at"],
            "figures": figure_changes(earlier, later), "events": events}


def report_zone(meta: Mapping[str, Any]) -> str:
    """The programme's time zone a report's figures were computed in (``meta``: their meta);
    China's for a report computed before the figures said."""
    return str(meta.get("timezone") or Programme.timezone)


def _change(row: Row, q: Quarter, zone: str) -> dict[str, Any]:
    event, kind = row["event"], row["kind"]
    kind_title = title_of(CONTACT_KIND_TITLES, kind) if event == "ContactRecorded" else kind
    occurred_on = date.fromisoformat(row["occurred_on"])
    return {
        "position": int(row["position"]), "event": event,
        "event_title": title_of(EVENT_TITLES, event), "occurred_on": row["occurred_on"],
        "recorded_at": row["recorded_at"], "within_quarter": occurred_on in q,
        "township": row["township"], "school": row["school"], "subject_id": row["subject_id"],
        "kind": kind, "kind_title": kind_title, "amount": int(row["amount"]),
        "summary": late_record_summary(row, kind_title, zone),
    }


def late_record_summary(row: Row, kind_title: str, zone: str) -> str:
    """One line in Chinese: what was recorded late, when it happened and when it was recorded,
    in the programme's ``zone`` (e.g. 补录联系走访（家访，物品2件），发生于2026-03-05，记录于
    2026-04-02 09:30（北京时间））."""
    event, kind = row["event"], row["kind"]
    summary = f"补录{title_of(EVENT_TITLES, event)}"
    if event == "ContactRecorded":
        summary += f"（{kind_title}" + (f"，物品{row['amount']}件" if row["amount"] else "") + "）"
    elif event == "ParentChanged":
        summary += (f"（{title_of(PARENT_ROLE_TITLES, kind)}"
                    f"{title_of(PARENT_STATUS_TITLES, row['detail'])}）")
    elif event in ("ChildExited", "PairingEnded"):
        summary += f"（{row['detail']}）"
    summary += f"，发生于{row['occurred_on']}，记录于{shown_instant(row['recorded_at'], zone)}"
    return summary
