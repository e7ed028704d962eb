"""The children's register (花名册) as the office's form: the import template's columns
(:data:`domain.imports.columns.CHILD_COLUMNS`), with the same headers, in the same order and
in the same words (男/女, 外出务工/在家/无监护能力/已故, 祖母, 是/否), so that a clerk can
export the register, correct it and send it back through the import; then the export's own
columns, which the template does not have (是否留守, 结对情况, 状态, 退出日期, 年满16周岁日期,
档案编号). A title row above the headers and a 序号 column before them, as on paper.

The form's cells come from each child's record as it stands on the day (its parents,
guardian, consent, ID number, address...), loaded a page of children at a time; the
export's own columns from the children's register.

The ID number (身份证号) is exported in full: the offices' rosters (摸底排查花名册) carry it,
as it is what other registers (民政, 教育) know a child by, and the import reads a child by
it. Only those who read a child's record in full may export the register (staff within their
scope and auditors), every child exported is put on the record as read (导出花名册), and a
child whose personal data was erased reads ``[已删除]`` in every personal cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from domain.application.views import ChildView
from domain.children import Child, Parent
from domain.children.record import relation_code
from domain.imports.columns import BOARDING, CHILD_COLUMNS, PARENT_STATUSES, SEXES, Column
from domain.vocabulary import CATEGORY_TITLES, CHILD_STATUS_TITLES, GUARDIAN_RELATION_TITLES
from projections.exports.registers import PAGE, Places, Seen
from projections.exports.sheet import Register
from projections.places.names import PlaceNames
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.runner import ViewRunner
from storage.aggregates import AggregatesInPages

#: Told the ids of a page's children, gives their records as they stand on the day.
RecordsOf = Callable[[list[str]], Mapping[str, ChildView]]


def records_as_of(app: Application[UUID], on: date) -> RecordsOf:
    """The records of a page of children as they stand on ``on``, read from the log a page
    at a time (:class:`~storage.aggregates.AggregatesInPages`)."""
    pages = AggregatesInPages(app)

    def records(child_ids: list[str]) -> dict[str, ChildView]:
        found = pages.get([UUID(child_id) for child_id in child_ids])
        return {str(child_id): ChildView.of(child, on) for child_id, child in found.items()
                if isinstance(child, Child)}
    return records


def form_header(column: Column) -> str:
    """A column's header as the template writes it: a required one marked ``*``."""
    return column.header + ("*" if column.required else "")


#: Each of the form's columns' width in characters, by its field or the field's last part.
_WIDTHS = {"name": 10, "sex": 6, "birth_date": 12, "ethnicity": 8, "id_number": 21,
           "region_code": 15, "place_name": 30, "school": 22, "class_name": 12, "boarding": 9,
           "address": 26, "status": 11, "phone": 14, "work_location": 16, "relation": 11,
           "age": 10, "health": 10, "education": 14, "categories": 22, "registered_on": 12,
           "by": 10, "on": 12, "method": 10}


def _width(column: Column) -> float:
    return _WIDTHS.get(column.field, _WIDTHS.get(column.field.rsplit(".", 1)[-1], 12))


#: The export's own columns, after the form's.
EXTRAS = (("是否留守", 9), ("结对情况", 10), ("状态", 8), ("退出日期", 12),
          ("年满16周岁日期", 14), ("档案编号", 38))

CHILDREN = Register("花名册", "农村留守儿童花名册", [
    ("序号", 6), *[(form_header(column), _width(column)) for column in CHILD_COLUMNS],
    *EXTRAS], text=frozenset(
        form_header(column) for column in CHILD_COLUMNS
        if column.field in ("id_number", "region_code") or column.field.endswith("phone")))


def _words(column_field: str, read: Callable[[str], str | None]) -> dict[str, str]:
    """Each code's word among the choices the template offers in the column of
    ``column_field`` (the first that the import reads as that code)."""
    column = next(c for c in CHILD_COLUMNS if c.field == column_field)
    words: dict[str, str] = {}
    for word in column.choices:
        code = read(word)
        if code is not None:
            words.setdefault(code, word)
    return words


SEX_WORDS = _words("sex", SEXES.get)
PARENT_STATUS_WORDS = _words("father.status", PARENT_STATUSES.get)
BOARDING_WORDS = _words("boarding", BOARDING.get)
GUARDIAN_WORDS = {**GUARDIAN_RELATION_TITLES, **_words("guardian.relation", relation_code)}


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _parent(view: ChildView, role: str) -> Parent | None:
    return next((p for p in view.parents if p.role.value == role), None)


def _parent_cells(role: str) -> dict[str, Callable[[ChildView], Any]]:
    def part(name: str) -> Callable[[ChildView], Any]:
        def read(view: ChildView) -> Any:
            parent = _parent(view, role)
            if parent is None:
                return ""
            if name == "status":
                return PARENT_STATUS_WORDS.get(parent.status.value, parent.status.value)
            return getattr(parent, name)
        return read
    return {f"{role}.{name}": part(name) for name in ("name", "status", "phone",
                                                       "work_location")}


def _guardian(name: str) -> Callable[[ChildView], Any]:
    def read(view: ChildView) -> Any:
        guardian = view.guardian
        if guardian is None:
            return ""
        if name == "relation":
            return GUARDIAN_WORDS.get(guardian.relation, guardian.relation)
        value = getattr(guardian, name)
        return "" if value is None else value
    return read


def _consent(name: str) -> Callable[[ChildView], Any]:
    def read(view: ChildView) -> Any:
        value = getattr(view.consent, name, "") if view.consent else ""
        return _day(value) if isinstance(value, date) else value
    return read


#: How each of the form's cells is read from a child's record, by the column's field.
CELLS: dict[str, Callable[[ChildView], Any]] = {
    "name": lambda v: v.name,
    "sex": lambda v: SEX_WORDS.get(v.sex, v.sex),
    "birth_date": lambda v: _day(v.birth_date),
    "ethnicity": lambda v: v.ethnicity,
    "id_number": lambda v: v.id_number,
    "region_code": lambda v: v.region_code,
    "school": lambda v: v.school,
    "class_name": lambda v: v.class_name,
    "boarding": lambda v: BOARDING_WORDS.get("yes" if v.boarding else "no", ""),
    "address": lambda v: v.address,
    **_parent_cells("father"), **_parent_cells("mother"),
    **{f"guardian.{name}": _guardian(name)
       for name in ("name", "relation", "age", "health", "education", "phone")},
    "categories": lambda v: "、".join(CATEGORY_TITLES.get(c, c) for c in v.categories),
    "registered_on": lambda v: _day(v.registered_on),
    **{f"consent.{name}": _consent(name) for name in ("by", "relation", "on", "method")},
}


def _form(record: ChildView, places: Places) -> list[Any]:
    """The form's cells of one child, in the template's order (所在地: the full place name
    of its division code)."""
    return [places.full(record.region_code) if column.field == "place_name"
            else CELLS.get(column.field, _blank)(record) for column in CHILD_COLUMNS]


def _blank(_: ChildView) -> str:
    return ""


def child_rows(views: ViewRunner, where: ChildFilter, on: date, names: PlaceNames,
               records_of: RecordsOf, seen: Seen) -> Iterator[list[Any]]:
    """The children's register (花名册) within ``where``, as the children stand on ``on``,
    ordered by id, a page at a time: the form's cells from each child's record
    (``records_of``), the export's own from the register."""
    number, after, places = 0, None, Places(names)
    while True:
        with views.store.recorder(ChildrenRegister).read() as tx:
            rows = list_children(tx, where, on, texts=views.texts, after=after, limit=PAGE)
        if not rows:
            return
        seen([row["child_id"] for row in rows])
        records = records_of([row["child_id"] for row in rows])
        places.learn(record.region_code for record in records.values())
        for row in rows:
            number += 1
            record = records[row["child_id"]]
            pairings = row["active_pairings"]
            yield [number, *_form(record, places), "是" if row["left_behind"] else "否",
                   f"已结对（{pairings}）" if pairings else "未结对",
                   CHILD_STATUS_TITLES.get(row["status"], row["status"]),
                   row["exited_on"] or "", row["turns_16_on"], row["child_id"]]
        if len(rows) < PAGE:
            return
        after = rows[-1]["child_id"]
