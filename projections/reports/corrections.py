"""The records besides the dated facts that move a quarter's figures when they come late:
a school's enrolment stated or put right (学校在校生人数补报、更正), a child's sex or birth
date corrected (更正), a child's change of school or county (升学、转学、迁出).

:func:`late_corrections` lists those recorded between two instants, in the shape of
:func:`projections.reports.changes.changes_between`'s late records, so that a report's
change section names them as the reason a figure moved ("学校在校生人数更正：东桥镇中心小学
2026秋 由716人更正为718人（原因：漏报两名插班生）").
"""

from __future__ import annotations

from typing import Any

from domain.instants import shown_instant
from domain.reports import Quarter
from projections.reports.scope import Scope
from storage.sql import Row, Tx

_TOWNSHIP_DIGITS = 9
#: What each kind of child record says when it comes late, in the programme's words.
_MOVE_TITLES = {"school": "学校变更（升学、转学）", "region": "迁出（转移到其他地区）",
                "sex": "性别更正", "birth_date": "出生日期更正"}


def late_corrections(tx: Tx, scope: Scope, q: Quarter, since: str, until: str,
                     zone: str) -> list[dict[str, Any]]:
    """The enrolment counts and the child corrections and moves of ``scope`` recorded after
    ``since`` and by ``until`` (stored instants) that bear on the quarter ``q``: a count of a
    term begun by its last day, a move dated by it, a correction whatever its date (the
    record was always so). In log order; ``zone`` shows the instants."""
    listed = [*_enrolment(tx, scope, q, since, until, zone),
              *_child_records(tx, scope, q, since, until, zone)]
    return sorted(listed, key=lambda late: late["position"])


def _enrolment(tx: Tx, scope: Scope, q: Quarter, since: str, until: str,
               zone: str) -> list[dict[str, Any]]:
    rows = tx.execute(
        "SELECT * FROM rf_enrolment WHERE region_code LIKE ? AND recorded_at > ?"
        " AND recorded_at <= ? AND starts_on <= ? ORDER BY position",
        (scope.prefix + "%", since, until, q.end.isoformat())).all()
    listed = []
    for row in rows:
        if not scope.holds(row["region_code"]):
            continue
        before = tx.execute(
            "SELECT pupils FROM rf_enrolment WHERE enrolment_id = ? AND term = ?"
            " AND position < ? ORDER BY position DESC LIMIT 1",
            (row["enrolment_id"], row["term"], row["position"])).one()
        listed.append(_late(row, "EnrolmentRecorded", row["region_code"], row["school"],
                            row["stated_on"], kind=row["term"], amount=int(row["pupils"]),
                            title="学校在校生人数更正" if before else "学校在校生人数补报",
                            summary=enrolment_summary(row, before, zone)))
    return listed


def enrolment_summary(row: Row, before: Row | None, zone: str) -> str:
    """One line in Chinese on a school's count: 学校在校生人数更正：东桥镇中心小学 2026秋
    由716人更正为718人（原因：…），记录于… ; or, for a term's first count,
    学校在校生人数补报：东桥镇中心小学 2026秋 718人（…填报），记录于…."""
    recorded = f"，记录于{shown_instant(row['recorded_at'], zone)}"
    if before is None:
        return (f"学校在校生人数补报：{row['school']} {row['term']} {row['pupils']}人"
                f"（{row['stated_on']}填报）{recorded}")
    reason = f"（原因：{row['reason']}）" if row["reason"] else ""
    return (f"学校在校生人数更正：{row['school']} {row['term']} 由{before['pupils']}人"
            f"更正为{row['pupils']}人{reason}{recorded}")


def _child_records(tx: Tx, scope: Scope, q: Quarter, since: str, until: str,
                   zone: str) -> list[dict[str, Any]]:
    rows = tx.execute(
        "SELECT m.position, m.child_id, m.kind, m.value, m.occurred_on, m.recorded_at,"
        " c.region_code, c.township, c.school FROM rf_child_moves m"
        " JOIN rf_children c ON c.child_id = m.child_id"
        " WHERE m.recorded_at > ? AND m.recorded_at <= ? AND m.occurred_on <= ?"
        " ORDER BY m.position",
        (since, until, q.end.isoformat())).all()
    listed = []
    for row in rows:
        moved_to = row["value"] if row["kind"] == "region" else ""
        if not (scope.holds(row["region_code"]) or (moved_to and scope.holds(moved_to))):
            continue
        title = _MOVE_TITLES.get(row["kind"], "儿童档案更正")
        happened = (f"，发生于{row['occurred_on']}" if row["occurred_on"] else "")
        summary = (f"补录{title}{happened}，记录于{shown_instant(row['recorded_at'], zone)}"
                   if row["occurred_on"] else
                   f"{title}，记录于{shown_instant(row['recorded_at'], zone)}")
        listed.append(_late(row, "ChildMoved" if row["occurred_on"] else "ChildCorrected",
                            row["region_code"], row["school"], row["occurred_on"] or "",
                            kind=row["kind"], amount=0, title=title, summary=summary,
                            subject=row["child_id"]))
    return listed


def _late(row: Row, event: str, region_code: str, school: str, occurred_on: str, *,
          kind: str, amount: int, title: str, summary: str,
          subject: str | None = None) -> dict[str, Any]:
    return {
        "position": int(row["position"]), "event": event, "event_title": title,
        "occurred_on": occurred_on, "recorded_at": row["recorded_at"],
        "within_quarter": True, "township": region_code[:_TOWNSHIP_DIGITS],
        "school": school, "subject_id": subject or row["enrolment_id"], "kind": kind,
        "kind_title": title, "amount": amount, "summary": summary,
    }
