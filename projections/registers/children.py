"""The children's register (留守儿童花名册): who is on it, where, and whether paired.

The child's name is kept sealed with the child's data key, and found by part of it through a
blind index (``reg_child_names``; see :mod:`projections.personal`): the register's tables
hold no name in clear text, and after an erasure none at all.

``left_behind`` depends on the date (a child turns 16), so the register keeps its parts:
whether the parents' latest facts leave the child behind, and the day the child turns 16.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.application.base import PersonalTexts
from domain.children import Parent, ParentRole, ParentStatus
from domain.children.eligibility import (
    AGE_LIMIT,
    categories_with_derived,
    parents_leave_child_behind,
)
from domain.children.record import BOTH_PARENTS_AWAY
from domain.events import (
    CategoriesChanged,
    ChildAbsorbed,
    ChildCorrected,
    ChildErased,
    ChildExited,
    ChildMerged,
    ChildRegistered,
    ChildrenToldApart,
    ChildTransferred,
    ConcernReported,
    ConcernResolved,
    GuardianChanged,
    PairingEnded,
    PairingFormed,
    ParentChanged,
    ProfileUpdated,
    SchoolChanged,
)
from domain.personal import ERASED
from projections.events import csv, id_text, iso
from projections.moves import follow_move, moves_schema
from projections.personal import opened
from projections.projection import View
from projections.scoping import scope_clauses
from storage.sql import Row, Tx, literal_like


class ChildrenRegister(View):
    """Children on the register, filterable by region, school, category, status, pairing."""

    name = "children"
    rebuild_cost = 3
    finish_cost = 2
    tables = ("reg_children", "reg_child_names", "reg_child_pairings", "reg_child_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_children ("
        " child_id TEXT PRIMARY KEY, version INTEGER NOT NULL, name TEXT NOT NULL,"
        " sex TEXT NOT NULL, birth_date TEXT NOT NULL, turns_16_on TEXT NOT NULL,"
        " region_code TEXT NOT NULL, school TEXT NOT NULL, class_name TEXT NOT NULL,"
        " categories TEXT NOT NULL, categories_on TEXT NOT NULL,"
        " father_status TEXT, father_on TEXT, mother_status TEXT, mother_on TEXT,"
        " parents_away INTEGER NOT NULL, status TEXT NOT NULL, registered_on TEXT NOT NULL,"
        " exited_on TEXT, exit_reason TEXT, active_pairings INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS reg_children_region ON reg_children (region_code)",
        "CREATE INDEX IF NOT EXISTS reg_children_school ON reg_children (school)",
        "CREATE TABLE IF NOT EXISTS reg_child_names ("
        " token TEXT NOT NULL, child_id TEXT NOT NULL, PRIMARY KEY (token, child_id))",
        "CREATE INDEX IF NOT EXISTS reg_child_names_child ON reg_child_names (child_id)",
        "CREATE TABLE IF NOT EXISTS reg_child_pairings ("
        " pairing_id TEXT NOT NULL, child_id TEXT NOT NULL, active INTEGER NOT NULL,"
        " PRIMARY KEY (pairing_id, child_id))",
        moves_schema("reg_child_moves"),
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        parents = {p.role.value: p for p in e.parents}
        father, mother = parents.get("father"), parents.get("mother")
        on = iso(e.registered_on)
        tx.insert(
            "reg_children",
            ("child_id", "version", "name", "sex", "birth_date", "turns_16_on", "region_code",
             "school", "class_name", "categories", "categories_on", "father_status", "father_on",
             "mother_status", "mother_on", "parents_away", "status", "registered_on"),
            [(id_text(e.originator_id), e.originator_version,
              self.texts.seal_text(e.originator_id, e.name), e.sex.value,
              iso(e.birth_date), iso(_turns_16(e.birth_date)), e.region_code, e.school,
              e.class_name, csv(e.categories), on, father and father.status.value,
              father and on, mother and mother.status.value, mother and on,
              int(parents_leave_child_behind(e.parents)), "active", on)])
        tx.insert("reg_child_names", ("token", "child_id"),
                  [(token, id_text(e.originator_id))
                   for token in self.texts.blind_tokens(e.name)])

    @apply.register
    def _parent_changed(self, e: ParentChanged, tx: Tx) -> None:
        row = _child(tx, e.originator_id)
        role = e.parent.role.value
        if row[f"{role}_on"] is None or iso(e.on) >= row[f"{role}_on"]:
            row[f"{role}_status"], row[f"{role}_on"] = e.parent.status.value, iso(e.on)
        statuses = [Parent(role=ParentRole(r), status=ParentStatus(row[f"{r}_status"]))
                    for r in ("father", "mother") if row[f"{r}_status"]]
        tx.execute(
            f"UPDATE reg_children SET version = ?, {role}_status = ?, {role}_on = ?,"
            " parents_away = ? WHERE child_id = ?",
            (e.originator_version, row[f"{role}_status"], row[f"{role}_on"],
             int(parents_leave_child_behind(statuses)), id_text(e.originator_id)))

    @apply.register
    def _categories_changed(self, e: CategoriesChanged, tx: Tx) -> None:
        tx.execute(
            "UPDATE reg_children SET version = ?,"
            " categories = CASE WHEN categories_on <= ? THEN ? ELSE categories END,"
            " categories_on = CASE WHEN categories_on <= ? THEN ? ELSE categories_on END"
            " WHERE child_id = ?",
            (e.originator_version, iso(e.on), csv(e.categories), iso(e.on), iso(e.on),
             id_text(e.originator_id)))

    # -- dynamic management (动态管理): the register follows the latest dated fact ---------

    @apply.register
    def _moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: the school and class, or the region, of the latest date (a move
        entered late, dated before one already recorded, changes only the history)."""
        tx.execute("UPDATE reg_children SET version = ? WHERE child_id = ?",
                   (e.originator_version, id_text(e.originator_id)))
        if (follow_move(tx, e, moves="reg_child_moves", tables=("reg_children",))
                and isinstance(e, SchoolChanged)):
            tx.execute("UPDATE reg_children SET class_name = ? WHERE child_id = ?",
                       (e.class_name, id_text(e.originator_id)))

    @apply.register
    def _corrected(self, e: ChildCorrected, tx: Tx) -> None:
        """更正: a name is sealed and indexed anew (found by the new name, no longer by the
        old); a birth date moves the day the child turns 16."""
        child_id = id_text(e.originator_id)
        if e.field == "name":
            tx.execute("UPDATE reg_children SET version = ?, name = ? WHERE child_id = ?",
                       (e.originator_version, self.texts.seal_text(e.originator_id,
                                                                   e.personal_value), child_id))
            tx.execute("DELETE FROM reg_child_names WHERE child_id = ?", (child_id,))
            if e.personal_value != ERASED:
                tx.insert("reg_child_names", ("token", "child_id"),
                          [(token, child_id)
                           for token in self.texts.blind_tokens(e.personal_value)])
        elif e.field == "sex":
            tx.execute("UPDATE reg_children SET version = ?, sex = ? WHERE child_id = ?",
                       (e.originator_version, e.value, child_id))
        elif e.field == "birth_date":
            born = date.fromisoformat(e.value)
            tx.execute("UPDATE reg_children SET version = ?, birth_date = ?, turns_16_on = ?"
                       " WHERE child_id = ?",
                       (e.originator_version, iso(born), iso(_turns_16(born)), child_id))
        else:
            tx.execute("UPDATE reg_children SET version = ? WHERE child_id = ?",
                       (e.originator_version, child_id))

    @apply.register
    def _exited(self, e: ChildExited, tx: Tx) -> None:
        tx.execute("UPDATE reg_children SET version = ?, status = 'exited', exited_on = ?,"
                   " exit_reason = ? WHERE child_id = ?",
                   (e.originator_version, iso(e.on), e.reason, id_text(e.originator_id)))

    @apply.register
    def _merged(self, e: ChildMerged, tx: Tx) -> None:
        """A second record of a child, merged into the record kept (合并): off the register."""
        tx.execute("UPDATE reg_children SET version = ?, status = 'merged', exited_on = ?,"
                   " exit_reason = ? WHERE child_id = ?",
                   (e.originator_version, iso(e.on), e.reason, id_text(e.originator_id)))

    @apply.register
    def _absorbed(self, e: ChildAbsorbed | ChildrenToldApart, tx: Tx) -> None:
        tx.execute("UPDATE reg_children SET version = ? WHERE child_id = ?",
                   (e.originator_version, id_text(e.originator_id)))

    @apply.register
    def _erased(self, e: ChildErased, tx: Tx) -> None:
        """The child's personal data was erased: its name reads as erased here too, and
        it can no longer be found by it."""
        tx.execute("UPDATE reg_children SET version = ?, name = ?, exit_reason = CASE WHEN"
                   " exit_reason IS NULL OR exit_reason = '' THEN exit_reason ELSE ? END"
                   " WHERE child_id = ?",
                   (e.originator_version, ERASED, ERASED, id_text(e.originator_id)))
        tx.execute("DELETE FROM reg_child_names WHERE child_id = ?", (id_text(e.originator_id),))

    @apply.register
    def _versioned(self, e: GuardianChanged | ProfileUpdated | ConcernReported
                   | ConcernResolved, tx: Tx) -> None:
        tx.execute("UPDATE reg_children SET version = ? WHERE child_id = ?",
                   (e.originator_version, id_text(e.originator_id)))

    @apply.register
    def _paired(self, e: PairingFormed, tx: Tx) -> None:
        for child_id in e.child_ids:
            tx.insert("reg_child_pairings", ("pairing_id", "child_id", "active"),
                      [(id_text(e.originator_id), id_text(child_id), 1)])
            tx.execute("UPDATE reg_children SET active_pairings = active_pairings + 1"
                       " WHERE child_id = ?", (id_text(child_id),))

    @apply.register
    def _unpaired(self, e: PairingEnded, tx: Tx) -> None:
        children = tx.execute("SELECT child_id FROM reg_child_pairings WHERE pairing_id = ?"
                              " AND active = 1", (id_text(e.originator_id),)).all()
        tx.execute("UPDATE reg_child_pairings SET active = 0 WHERE pairing_id = ?",
                   (id_text(e.originator_id),))
        for row in children:
            tx.execute("UPDATE reg_children SET active_pairings = active_pairings - 1"
                       " WHERE child_id = ?", (row["child_id"],))


def _child(tx: Tx, child_id: object) -> Row:
    row = tx.execute("SELECT * FROM reg_children WHERE child_id = ?", (id_text(child_id),)).one()
    assert row is not None, f"child {child_id} not in the register"
    return row


def _turns_16(birth_date: date) -> date:
    try:
        return birth_date.replace(year=birth_date.year + AGE_LIMIT)
    except ValueError:  # born on 29 February: the year is complete on 1 March
        return date(birth_date.year + AGE_LIMIT, 3, 1)


@dataclass(frozen=True)
class ChildFilter:
    """What the register can be asked (all optional)."""

    region_code: str | None = None
    school: str | None = None
    left_behind: bool | None = None
    category: str | None = None
    status: str | None = None
    paired: bool | None = None
    min_age: int | None = None
    max_age: int | None = None
    child_ids: tuple[str, ...] | None = None  # only these (a volunteer's children)
    name: str | None = None  # part of the name (the console's search by name)
    school_part: str | None = None  # part of the school's name (磷矿镇 finds 磷矿镇中心小学)


#: Whether a register row is a left-behind child (留守儿童) on the day given as its parameter:
#: active on the register, its parents away (as the register reckons it), not yet 16 that day.
LEFT_BEHIND = "(status = 'active' AND parents_away = 1 AND turns_16_on > ?)"


def list_children(tx: Tx, where: ChildFilter, on: date, *, texts: PersonalTexts,
                  after: str | None = None, limit: int = 50) -> list[Row]:
    """Children matching ``where`` on ``on``, ordered by id, from the cursor ``after``;
    names opened with ``texts`` (the register application's, see projections.personal)."""
    clauses, params = _conditions(where, on, texts)
    if after:
        clauses.append("child_id > ?")
        params.append(after)
    sql = f"SELECT *, CASE WHEN {LEFT_BEHIND} THEN 1 ELSE 0 END AS left_behind FROM reg_children"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY child_id LIMIT ?"
    return opened(tx.execute(sql, [iso(on), *params, limit]).all(), texts)


def categories_of(row: Row) -> list[str]:
    """A listed child's special-attention categories: those typed in, and both parents away
    (双亲外出) as the parents' latest statuses say."""
    parents = [Parent(role=ParentRole(role), status=ParentStatus(row[f"{role}_status"]))
               for role in ("father", "mother") if row[f"{role}_status"]]
    return list(categories_with_derived(
        [c for c in row["categories"].split(",") if c], parents))


def names_of(tx: Tx, child_ids: Iterable[str], texts: PersonalTexts) -> dict[str, str]:
    """The names of these children on the register (opened with ``texts``), by id."""
    wanted = sorted(set(child_ids))
    if not wanted:
        return {}
    rows = tx.execute("SELECT child_id, name FROM reg_children WHERE child_id IN"
                      f" ({', '.join('?' * len(wanted))})", wanted).all()
    return {row["child_id"]: row["name"] for row in opened(rows, texts)}


def _conditions(where: ChildFilter, on: date,
                texts: PersonalTexts) -> tuple[list[str], list[Any]]:
    clauses, params = scope_clauses(where.region_code, where.school)
    if where.name:  # every blind index entry of the part asked for
        for token in texts.blind_query(where.name):
            clauses.append("child_id IN (SELECT child_id FROM reg_child_names WHERE token = ?)")
            params.append(token)
    if where.school_part:
        clauses.append("school LIKE ? ESCAPE '\\'")
        params.append(f"%{literal_like(where.school_part)}%")
    if where.status:
        clauses.append("status = ?")
        params.append(where.status)
    else:  # a record merged into another (合并重复档案) is listed only when asked for
        clauses.append("status <> 'merged'")
    if where.category == BOTH_PARENTS_AWAY:  # derived from the parents, never typed
        clauses.append("father_status = 'away' AND mother_status = 'away'")
    elif where.category:
        clauses.append("categories LIKE ? ESCAPE '\\'")
        params.append(f"%,{literal_like(where.category)},%")
    if where.paired is not None:
        clauses.append("active_pairings > 0" if where.paired else "active_pairings = 0")
    if where.left_behind is not None:
        clauses.append(LEFT_BEHIND if where.left_behind else f"NOT {LEFT_BEHIND}")
        params.append(iso(on))
    if where.child_ids is not None:
        clauses.append(f"child_id IN ({', '.join('?' * len(where.child_ids)) or 'NULL'})")
        params.extend(where.child_ids)
    if where.min_age is not None:  # at least N years old on ``on``
        clauses.append("birth_date <= ?")
        params.append(iso(_years_before(on, where.min_age)))
    if where.max_age is not None:  # not yet N+1 on ``on``
        clauses.append("birth_date > ?")
        params.append(iso(_years_before(on, where.max_age + 1)))
    return clauses, params


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return date(on.year - years, 2, 28)
