"""The work-lists' own queries (待办清单): what the registers hold that a clerk must act on.

The left-behind children not covered by a pairing (留守未结对: not paired, or paired only with
caring mothers no longer in good standing, :mod:`projections.uncovered`), the children still
paired who are no longer left behind or are 16 (仍结对但已不属留守/已满16周岁), the left-behind
children about to turn 16 (they leave the programme's care), how many overdue duties and open
concerns there are, and the register rows of the volunteers an overdue duty names. Each reads
one register's tables in the caller's transaction; each list has its total (``COUNT``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from domain.application.base import PersonalTexts
from projections.events import iso
from projections.personal import opened
from projections.registers.children import LEFT_BEHIND
from projections.scoping import scope_clauses
from storage.sql import Row, Tx, prefix, starts_with

#: How far ahead a child's sixteenth birthday puts her on the list (days).
TURNING_WITHIN = 30


def turning_16(tx: Tx, on: date, *, within_days: int, region_code: str | None = None,
               school: str | None = None, after: str | None = None, limit: int = 20,
               texts: PersonalTexts) -> list[Row]:
    """Children on the register who are left behind on ``on`` and turn 16 within
    ``within_days`` days after it (年满十六周岁), soonest first, from the cursor ``after``
    (the ``cursor`` of the last row of the previous page); names opened with ``texts``."""
    scoped, within = scope_clauses(region_code, school)
    clauses = [LEFT_BEHIND, "turns_16_on <= ?", *scoped]
    params: list[object] = [iso(on), iso(on + timedelta(days=within_days)), *within]
    if after:
        day, _, child_id = after.partition("/")
        clauses.append("(turns_16_on > ? OR (turns_16_on = ? AND child_id > ?))")
        params += [day, day, child_id]
    rows = tx.execute(
        "SELECT child_id, name, region_code, school, birth_date, turns_16_on,"
        " active_pairings, turns_16_on || '/' || child_id AS cursor FROM reg_children"
        f" WHERE {' AND '.join(clauses)} ORDER BY turns_16_on, child_id LIMIT ?",
        [*params, limit]).all()
    return opened(rows, texts)


def unpaired(tx: Tx, on: date, not_covered: Collection[str], *,
             region_code: str | None = None, school: str | None = None,
             after: str | None = None, limit: int = 20,
             texts: PersonalTexts) -> tuple[list[Row], int]:
    """The left-behind children on ``on`` without a pairing, or whose pairings coverage does
    not count (``not_covered``: ids found by :func:`projections.uncovered.paired_but_not_covered`),
    by id from the cursor ``after``; and how many there are in all."""
    scoped, within = scope_clauses(region_code, school)
    wanted = sorted(not_covered)
    either = (f"(active_pairings = 0 OR child_id IN ({', '.join('?' * len(wanted))}))"
              if wanted else "active_pairings = 0")
    clauses, params = [LEFT_BEHIND, either, *scoped], [iso(on), *wanted, *within]
    return _page_and_total(tx, clauses, params, "child_id", after, limit, texts)


def paired_not_left_behind(tx: Tx, on: date, *, region_code: str | None = None,
                           school: str | None = None, after: str | None = None,
                           limit: int = 20, texts: PersonalTexts) -> tuple[list[Row], int]:
    """The children in an active pairing who on ``on`` are no longer left behind: 16 or
    older, parents no longer away, or off the register (仍结对但已不属留守/已满16周岁), by id
    from the cursor ``after``; and how many there are in all."""
    scoped, within = scope_clauses(region_code, school)
    clauses = ["active_pairings > 0", f"NOT {LEFT_BEHIND}", *scoped]
    return _page_and_total(tx, clauses, [iso(on), *within], "child_id", after, limit, texts)


def still_paired_reason(row: Row, on: date) -> str:
    """Why a child still paired is no longer the programme's (in words)."""
    if row["status"] != "active":
        return f"已于 {row['exited_on'] or '—'} 退出登记，结对尚未结束"
    if row["turns_16_on"] <= iso(on):
        return f"已于 {row['turns_16_on']} 年满 16 周岁，结对尚未结束"
    return "父母已不都在外务工，不再属于留守儿童，结对尚未结束"


def unpaired_reason(row: Row, not_covered: dict[str, str]) -> str:
    """Why a left-behind child is on the unpaired list (in words): not paired since she was
    registered, or paired with no pairing that coverage counts (``not_covered``'s reason)."""
    return ((not_covered.get(row["child_id"]) if row["active_pairings"] else None)
            or f"未结对（{row['registered_on']} 登记）")


def turning_reason(row: Row, on: date) -> str:
    """When a child on the list turns 16 (年满十六周岁), and in how many days from ``on``."""
    days = (date.fromisoformat(row["turns_16_on"]) - on).days
    return f"{row['turns_16_on']} 年满 16 周岁（还有 {days} 天）"


def overdue_reason(reason: str, since: date | None, on: date) -> str:
    """Why a duty is on the overdue list (逾期职责), in the same words in the console and
    the API: the duty view's reason as evaluated on ``on`` (the periods left undone, since
    when, the last qualifying contact: "2026年8月至2026年11月未完成，自2026-09-01起逾期：最近
    一次符合条件的联系是2026-07-09"), led by since when if it does not say so, and how many
    days overdue on ``on``."""
    if since is None:
        return reason
    lead = "" if since.isoformat() in reason else f"自 {since} 起逾期："
    return f"{lead}{reason}（已逾期 {(on - since).days} 天）"


def _page_and_total(tx: Tx, clauses: list[str], params: list[object], key: str,
                    after: str | None, limit: int,
                    texts: PersonalTexts) -> tuple[list[Row], int]:
    where = " AND ".join(clauses)
    total = tx.execute(f"SELECT COUNT(*) AS n FROM reg_children WHERE {where}", params).one()
    paged = [*clauses, f"{key} > ?"] if after else clauses
    rows = tx.execute(
        "SELECT child_id, name, region_code, school, class_name, registered_on, status,"
        " exited_on, turns_16_on, parents_away, active_pairings FROM reg_children"
        f" WHERE {' AND '.join(paged)} ORDER BY {key} LIMIT ?",
        [*params, *([after] if after else []), limit]).all()
    return opened(rows, texts), int(total["n"]) if total is not None else 0


def turning_16_count(tx: Tx, on: date, *, within_days: int, region_code: str | None = None,
                     school: str | None = None) -> int:
    """How many left-behind children turn 16 within ``within_days`` days after ``on``."""
    scoped, within = scope_clauses(region_code, school)
    where = " AND ".join([LEFT_BEHIND, "turns_16_on <= ?", *scoped])
    row = tx.execute(f"SELECT COUNT(*) AS n FROM reg_children WHERE {where}",
        [iso(on), iso(on + timedelta(days=within_days)), *within]).one()
    return int(row["n"]) if row is not None else 0


def overdue_count(tx: Tx, on: date, *, region_code: str | None = None,
                  school: str | None = None) -> int:
    """How many duties of active pairings are overdue as evaluated on ``on`` (one per child
    and duty, as :func:`projections.duties.overdue` lists them); read from the duty view."""
    scoped, params = scope_clauses(region_code, school, region_column="c.region_code",
                                   school_column="c.school")
    row = tx.execute(
        "SELECT COUNT(*) AS n FROM duty_status s"
        " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
        " JOIN duty_children c ON c.child_id = s.child_id"
        " WHERE s.status = 'overdue' AND s.evaluated_on = ? AND p.ended_on IS NULL"
        f"{''.join(f' AND {clause}' for clause in scoped)}", [iso(on), *params]).one()
    return int(row["n"]) if row is not None else 0


def open_concern_count(tx: Tx, *, region_code: str | None = None,
                       school: str | None = None) -> int:
    """How many concerns (情况报告) are not yet resolved, within a region and school."""
    clauses, params = scope_clauses(region_code, school)
    clauses.append("resolved_on IS NULL")
    row = tx.execute(f"SELECT COUNT(*) AS n FROM reg_concerns WHERE {' AND '.join(clauses)}",
                     params).one()
    return int(row["n"]) if row is not None else 0


def open_concerns_on(tx: Tx, on: date, *, region_code: str | None = None,
                     school: str | None = None, after: str | None = None,
                     limit: int = 20) -> list[Row]:
    """The concerns (情况报告) reported by ``on`` and not resolved by then, within a region
    and school, by id from the cursor ``after``."""
    clauses, params = scope_clauses(region_code, school)
    clauses += ["occurred_on <= ?", "(resolved_on IS NULL OR resolved_on > ?)"]
    params += [iso(on), iso(on)]
    if after:
        clauses.append("concern_id > ?")
        params.append(after)
    return tx.execute(f"SELECT * FROM reg_concerns WHERE {' AND '.join(clauses)}"
                      " ORDER BY concern_id LIMIT ?", [*params, limit]).all()


def volunteer_rows(tx: Tx, volunteer_ids: Iterable[str],
                   texts: PersonalTexts) -> dict[str, Row]:
    """The volunteers' register rows (name opened, region, unit) of these ids, by id."""
    wanted = sorted(set(volunteer_ids))
    if not wanted:
        return {}
    rows = tx.execute("SELECT volunteer_id, name, region_code, unit FROM reg_volunteers"
                      f" WHERE volunteer_id IN ({', '.join('?' * len(wanted))})", wanted).all()
    return {row["volunteer_id"]: row for row in opened(rows, texts)}


def reminders_newest_first(tx: Tx, *, region_code: str | None = None,
                           school: str | None = None, before: int | None = None,
                           limit: int = 20) -> list[Row]:
    """The reminders issued within a region (a prefix of the pairing's code or a reminded
    volunteer's) or, for a school, of its own pairings (the pairing's code and school), the
    newest first, before the cursor ``before`` (the ``position`` of the last row of the page
    before); read from the reminders' register in the caller's transaction."""
    clauses: list[str] = []
    params: list[object] = []
    if school:
        clauses.append("school = ?")
        params.append(school)
        if region_code:
            clauses.append(starts_with("region_code"))
            params.append(prefix(region_code))
    elif region_code:
        clauses.append(f"({starts_with('region_code')} OR reminder_id IN (SELECT reminder_id"
                       f" FROM rem_recipients WHERE {starts_with('region_code')}))")
        params += [prefix(region_code), prefix(region_code)]
    if before is not None:
        clauses.append("position < ?")
        params.append(before)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return tx.execute(f"SELECT * FROM rem_reminders{where} ORDER BY position DESC LIMIT ?",
                      [*params, limit]).all()


def duties_now(tx: Tx, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], Row]:
    """The duty view's last evaluation of each (pairing, child, duty), with whether its
    pairing is still active (``ended_on``); read from the duty view."""
    found: dict[tuple[str, str, str], Row] = {}
    for pairing_id, child_id, name in set(keys):
        row = tx.execute(
            "SELECT s.status, s.period_label, s.evaluated_on, p.ended_on FROM duty_status s"
            " JOIN duty_pairings p ON p.pairing_id = s.pairing_id"
            " WHERE s.pairing_id = ? AND s.child_id = ? AND s.name = ?",
            [pairing_id, child_id, name]).one()
        if row is not None:
            found[(pairing_id, child_id, name)] = row
    return found
