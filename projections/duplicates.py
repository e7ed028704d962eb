"""Likely duplicates (疑似重复档案): pairs of children on the register that may be one child
registered twice, for a clerk to merge or to tell apart.

Two reasons make a pair:

- 同名同出生日期: the same name and the same birth date in the same county (the division
  code's first 6 digits);
- 姓名相近且监护人电话相同: a close name (the same once spaces, width and the middle dot are
  folded, or one character different) and a phone in common among the guardian's and the
  parents'.

Names and phones are personal data: this view keeps neither in clear text. It keeps the name
sealed with the child's data key (as the registers do) and, to find pairs without opening
every name, a keyed hash (HMAC) of the folded full name and of each phone, under a key drawn
from the register's blind index. Names are compared only once opened. A child leaves the view
when it leaves the register (exit, merge) or its personal data is erased; a pair a clerk said
is two children (不是同一人) is not listed again.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.access.caller import Caller
from domain.access.policy import Listing, narrow
from domain.events import (
    ChildCorrected,
    ChildErased,
    ChildExited,
    ChildRegistered,
    ChildrenToldApart,
    ChildTransferred,
    GuardianChanged,
    ParentChanged,
    SchoolChanged,
)
from domain.personal import searchable
from projections.events import iso
from projections.moves import follow_move, is_latest_move, moves_schema
from projections.projection import View
from projections.runner import ViewRunner
from projections.scoping import scope_clauses
from storage.sql import Row, Tx

SAME_NAME_AND_BIRTH = "same_name_and_birth_date"
CLOSE_NAME_SAME_PHONE = "close_name_same_phone"

#: Each reason as a clerk reads it.
REASONS: dict[str, str] = {
    SAME_NAME_AND_BIRTH: "同名同出生日期",
    CLOSE_NAME_SAME_PHONE: "姓名相近且监护人电话相同",
}

#: Pair keys looked up in one statement (far below either engine's limit on parameters).
_KEYS_PER_STATEMENT = 500

#: The text whose blind index entries make the key of this view's hashes.
_KEY_TEXT = "疑似重复档案核对"


def pair_key(first: str, second: str) -> str:
    """A pair's key: the two children's ids (hex), the lesser first, joined by ``~``."""
    a, b = sorted((first, second))
    return f"{a}~{b}"


def close_names(first: str, second: str) -> bool:
    """Whether two names are close (姓名相近): equal once folded (spaces, width, the middle
    dot), or of the same length with one character different, or one character added."""
    a, b = searchable(first), searchable(second)
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == len(b):
        return len(a) >= 2 and sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1 or len(short) < 2:
        return False
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def digits(phone: str) -> str:
    """A phone as compared: its digits only (a leading +86 and hyphens left out)."""
    found = "".join(ch for ch in phone if ch.isdigit())
    return found[2:] if found.startswith("86") and len(found) == 13 else found


class LikelyDuplicates(View):
    """Children who may be one child registered twice, by pair, with the reason."""

    name = "duplicates"
    rebuild_cost = 3
    tables = ("dup_children", "dup_phones", "dup_pairs", "dup_apart", "dup_child_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS dup_children ("
        " child_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL,"
        " birth_date TEXT NOT NULL, county TEXT NOT NULL, region_code TEXT NOT NULL,"
        " school TEXT NOT NULL, registered_on TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS dup_children_name ON dup_children (name_key)",
        "CREATE TABLE IF NOT EXISTS dup_phones ("
        " child_id TEXT NOT NULL, role TEXT NOT NULL, phone_key TEXT NOT NULL,"
        " PRIMARY KEY (child_id, role))",
        "CREATE INDEX IF NOT EXISTS dup_phones_key ON dup_phones (phone_key)",
        "CREATE TABLE IF NOT EXISTS dup_pairs ("
        " pair_key TEXT PRIMARY KEY, first_id TEXT NOT NULL, second_id TEXT NOT NULL,"
        " reason TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS dup_pairs_first ON dup_pairs (first_id)",
        "CREATE INDEX IF NOT EXISTS dup_pairs_second ON dup_pairs (second_id)",
        "CREATE TABLE IF NOT EXISTS dup_apart (pair_key TEXT PRIMARY KEY)",
        moves_schema("dup_child_moves"),
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    def _hash(self, text: str) -> str:
        """The keyed hash of a folded text: HMAC-SHA256 under a key drawn from the blind
        index, so that without that key the hash tells nothing of the text."""
        key: bytes | None = getattr(self, "_key", None)
        if key is None:
            key = self._key = hashlib.sha256(
                "".join(sorted(self.texts.blind_tokens(_KEY_TEXT))).encode()).digest()
        return hmac.digest(key, text.encode(), "sha256")[:16].hex()

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        child = str(e.originator_id)
        tx.insert(
            "dup_children",
            ("child_id", "name", "name_key", "birth_date", "county", "region_code", "school",
             "registered_on"),
            [(child, self.texts.seal_text(e.originator_id, e.name),
              self._hash(searchable(e.name)), iso(e.birth_date), e.region_code[:6],
              e.region_code, e.school, iso(e.registered_on))])
        phones = [(p.role.value, p.phone) for p in e.parents]
        if e.guardian is not None:
            phones.append(("guardian", e.guardian.phone))
        for role, phone in phones:
            self._phone(tx, child, role, phone)
        self._pairs_of(tx, child)

    def _phone(self, tx: Tx, child: str, role: str, phone: str) -> None:
        tx.execute("DELETE FROM dup_phones WHERE child_id = ? AND role = ?", (child, role))
        if len(digits(phone)) >= 7:
            tx.insert("dup_phones", ("child_id", "role", "phone_key"),
                      [(child, role, self._hash(digits(phone)))])

    @apply.register
    def _parent_changed(self, e: ParentChanged, tx: Tx) -> None:
        if self._kept(tx, str(e.originator_id)):
            self._phone(tx, str(e.originator_id), e.parent.role.value, e.parent.phone)
            self._pairs_of(tx, str(e.originator_id))

    @apply.register
    def _guardian_changed(self, e: GuardianChanged, tx: Tx) -> None:
        if self._kept(tx, str(e.originator_id)):
            self._phone(tx, str(e.originator_id), "guardian", e.guardian.phone)
            self._pairs_of(tx, str(e.originator_id))

    @apply.register
    def _corrected(self, e: ChildCorrected, tx: Tx) -> None:
        """A name or birth date put right (更正) may make or unmake a pair."""
        child = str(e.originator_id)
        if not self._kept(tx, child):
            return
        if e.field == "name":
            tx.execute("UPDATE dup_children SET name = ?, name_key = ? WHERE child_id = ?",
                       (self.texts.seal_text(e.originator_id, e.personal_value),
                        self._hash(searchable(e.personal_value)), child))
        elif e.field == "birth_date":
            tx.execute("UPDATE dup_children SET birth_date = ? WHERE child_id = ?",
                       (e.value, child))
        else:
            return
        self._pairs_of(tx, child)

    @apply.register
    def _transferred(self, e: ChildTransferred, tx: Tx) -> None:
        """迁出: the child is compared within the county it lives in by the latest date."""
        child = str(e.originator_id)
        if self._kept(tx, child) and is_latest_move(tx, "dup_child_moves", e):
            tx.execute("UPDATE dup_children SET region_code = ?, county = ? WHERE child_id = ?",
                       (e.region_code, e.region_code[:6], child))
            self._pairs_of(tx, child)

    @apply.register
    def _school_changed(self, e: SchoolChanged, tx: Tx) -> None:
        follow_move(tx, e, moves="dup_child_moves", tables=("dup_children",))

    @apply.register
    def _left(self, e: ChildExited | ChildErased, tx: Tx) -> None:
        """Off the register (an exit, a merge) or erased: not findable here any more."""
        child = str(e.originator_id)
        tx.execute("DELETE FROM dup_pairs WHERE first_id = ? OR second_id = ?", (child, child))
        tx.execute("DELETE FROM dup_phones WHERE child_id = ?", (child,))
        tx.execute("DELETE FROM dup_children WHERE child_id = ?", (child,))

    @apply.register
    def _told_apart(self, e: ChildrenToldApart, tx: Tx) -> None:
        """A clerk said the two are two children (不是同一人): the pair is not listed again
        (recorded on both records; kept once)."""
        key = pair_key(str(e.originator_id), str(e.other_id))
        tx.execute("DELETE FROM dup_pairs WHERE pair_key = ?", (key,))
        if tx.execute("SELECT 1 AS apart FROM dup_apart WHERE pair_key = ?",
                      (key,)).one() is None:
            tx.insert("dup_apart", ("pair_key",), [(key,)])

    # -- finding a child's pairs ----------------------------------------------------------

    @staticmethod
    def _kept(tx: Tx, child: str) -> bool:
        return tx.execute("SELECT 1 AS kept FROM dup_children WHERE child_id = ?",
                          (child,)).one() is not None

    def _pairs_of(self, tx: Tx, child: str) -> None:
        """The child's pairs found again from what the view now keeps of it."""
        tx.execute("DELETE FROM dup_pairs WHERE first_id = ? OR second_id = ?", (child, child))
        me = tx.execute("SELECT * FROM dup_children WHERE child_id = ?", (child,)).one()
        if me is None:
            return
        found: dict[str, str] = {}
        for row in tx.execute(
                "SELECT child_id, name FROM dup_children WHERE name_key = ? AND birth_date = ?"
                " AND county = ? AND child_id <> ?",
                (me["name_key"], me["birth_date"], me["county"], child)).all():
            found[row["child_id"]] = SAME_NAME_AND_BIRTH
        same_phone = tx.execute(
            "SELECT DISTINCT c.child_id, c.name FROM dup_phones p"
            " JOIN dup_phones q ON q.phone_key = p.phone_key AND q.child_id <> p.child_id"
            " JOIN dup_children c ON c.child_id = q.child_id WHERE p.child_id = ?",
            (child,)).all()
        if same_phone:
            mine = self.texts.open_text(me["name"])
            for row in same_phone:
                if row["child_id"] not in found and close_names(
                        mine, self.texts.open_text(row["name"])):
                    found[row["child_id"]] = CLOSE_NAME_SAME_PHONE
        pairs = {pair_key(child, other): reason for other, reason in sorted(found.items())}
        keys = list(pairs)
        for start in range(0, len(keys), _KEYS_PER_STATEMENT):  # those told apart are not kept
            some = keys[start:start + _KEYS_PER_STATEMENT]
            for row in tx.execute(f"SELECT pair_key FROM dup_apart WHERE pair_key IN"
                                  f" ({', '.join('?' * len(some))})", some).all():
                del pairs[row["pair_key"]]
        tx.insert("dup_pairs", ("pair_key", "first_id", "second_id", "reason"),
                  [(key, *key.split("~"), reason) for key, reason in pairs.items()])


@dataclass(frozen=True)
class Likely:
    """One likely pair as listed: its key, the reason (code and words), both children."""

    key: str
    reason: str
    reason_words: str
    children: tuple[Row, Row]


def list_pairs(tx: Tx, texts: Any, *, region_code: str | None, school: str | None = None,
               after: str | None = None, limit: int = 50) -> list[Likely]:
    """Pairs both of whose children lie in the scope (a division-code prefix, a school), by
    key from the cursor ``after``; names opened with ``texts``."""
    clauses: list[str] = []
    params: list[Any] = []
    for alias in ("a", "b"):
        scoped, values = scope_clauses(region_code, school, region_column=f"{alias}.region_code",
                                       school_column=f"{alias}.school")
        clauses += scoped
        params += values
    if after:
        clauses.append("p.pair_key > ?")
        params.append(after)
    sql = ("SELECT p.pair_key, p.reason, a.child_id AS a_id, a.name AS a_name,"
           " a.birth_date AS a_birth_date, a.region_code AS a_region_code,"
           " a.school AS a_school, a.registered_on AS a_registered_on,"
           " b.child_id AS b_id, b.name AS b_name, b.birth_date AS b_birth_date,"
           " b.region_code AS b_region_code, b.school AS b_school,"
           " b.registered_on AS b_registered_on FROM dup_pairs p"
           " JOIN dup_children a ON a.child_id = p.first_id"
           " JOIN dup_children b ON b.child_id = p.second_id")
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    rows = tx.execute(sql + " ORDER BY p.pair_key LIMIT ?", [*params, limit]).all()
    return [Likely(row["pair_key"], row["reason"], REASONS[row["reason"]],
                   (_side(row, "a", texts), _side(row, "b", texts))) for row in rows]


def _side(row: Row, alias: str, texts: Any) -> Row:
    side = {column[2:]: value for column, value in row.items()
            if column.startswith(f"{alias}_")}
    side["name"] = texts.open_text(side["name"])
    side["birth_date"] = date.fromisoformat(side["birth_date"])
    side["registered_on"] = date.fromisoformat(side["registered_on"])
    return side


def likely_pairs(views: ViewRunner, caller: Caller, *, region_code: str | None, up_to: int,
                 after: str | None = None, limit: int = 50) -> list[Likely]:
    """The likely pairs (疑似重复档案) the caller may see: both children within her scope
    narrowed to ``region_code`` (none when it lies outside), a page from the cursor ``after``,
    once the view has followed the log up to the position ``up_to`` (bounded wait); names
    opened. ``GET /duplicates`` and the console's page list them so."""
    scope = narrow(Listing(region_code=region_code), caller)
    if scope is None:
        return []
    views.wait_for(up_to)
    with views.store.recorder(LikelyDuplicates).read() as tx:
        return list_pairs(tx, views.texts, region_code=scope.region_code, school=scope.school,
                          after=after, limit=limit)
