"""The rows of the volunteers' and the pairing registers' exports (the children's is
:mod:`projections.exports.children`), read a page at a time from the registers' tables in
the caller's scope, each value as the programme's forms write it: place names beside
their division codes, Chinese words for every code (:mod:`domain.vocabulary`).

Each reader calls ``seen`` with the ids of the children a page names before it yields the
page's rows, so that every child in an export is put on the record as read (查阅记录)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from domain.application.views import VolunteerView
from domain.vocabulary import (
    PRINCIPLE_TITLES,
    REVIEW_DECISION_TITLES,
    REVIEW_LEVEL_TITLES,
    SHAPE_TITLES,
    VOLUNTEER_STATUS_TITLES,
)
from projections.events import listed
from projections.exports.sheet import Register
from projections.personal import opened
from projections.places.names import PlaceNames
from projections.registers.children import ChildrenRegister
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.registers.volunteers import VolunteersRegister, list_volunteers
from projections.runner import ViewRunner
from projections.worklists import volunteer_rows
from storage.sql import Row

#: Rows read from a register at a time.
PAGE = 500
#: Told the ids of the children a page names (to record the read).
Seen = Callable[[list[str]], None]

LEVELS = ("unit", "county", "city", "province")
VOLUNTEERS = Register("志愿者登记册", "爱心妈妈（志愿者）登记册", [
    ("序号", 6), ("姓名", 10), ("出生日期", 12), ("政治面貌", 10), ("文化程度", 10),
    ("单位", 22), ("职务", 12), ("联系电话", 15), ("家庭住址", 26), ("邮政编码", 10),
    ("所在地", 30), ("行政区划代码", 15), ("申请日期", 12), ("状态", 10),
    *[(f"{REVIEW_LEVEL_TITLES[level]}{part}", width) for level in LEVELS
      for part, width in (("意见", 24), ("审核结论", 10), ("审核日期", 12))],
    ("档案编号", 38)])

PAIRINGS = Register("结对登记表", "结对帮扶登记表", [
    ("序号", 6), ("结对儿童", 18), ("儿童所在地", 30), ("行政区划代码", 15),
    ("学校", 22), ("爱心妈妈", 16), ("结对原则", 12), ("结对形式", 9),
    ("责任状签订日期", 14), ("开始日期", 12), ("状态", 8), ("结束日期", 12), ("结束原因", 18),
    ("联系次数", 9), ("最近联系日期", 13), ("结对编号", 38)])


def _word(words: Any, code: object) -> str:
    return "" if code is None else str(words.get(str(code), code))


class Places:
    """Full place names (湖北省荆门市钟祥市洋梓镇…), the register of places asked once a page
    for the codes it has not seen, each name made once."""

    def __init__(self, names: PlaceNames) -> None:
        self.names, self.made = names, dict[str, str]()

    def learn(self, codes: Iterable[str]) -> None:
        new = {code for code in codes if code not in self.made}
        self.names.names({part for code in new for part in (code, code[:9]) if len(part) > 6})

    def full(self, code: str) -> str:
        if code not in self.made:
            self.made[code] = self.names.full(code)
        return self.made[code]


def volunteer_rows_of(views: ViewRunner, region_code: str | None, names: PlaceNames,
                      form_of: Callable[[str], VolunteerView]) -> Iterator[list[Any]]:
    """The volunteers' register (志愿者登记册) within ``region_code``, each with her form
    (``form_of``: the volunteer's record) and the four levels' opinions (所在单位、县、市、省
    妇联意见) with their decisions and dates, ordered by id, a page at a time."""
    number, after = 0, None
    while True:
        with views.store.recorder(VolunteersRegister).read() as tx:
            rows = list_volunteers(tx, texts=views.texts, region_code=region_code,
                                   after=after, limit=PAGE)
        for row in rows:
            number += 1
            yield [number, *_volunteer(form_of(row["volunteer_id"]), names)]
        if len(rows) < PAGE:
            return
        after = rows[-1]["volunteer_id"]


def _volunteer(view: VolunteerView, names: PlaceNames) -> list[Any]:
    form = view.form
    opinions: list[Any] = []
    reviews = {review.level.value: review for review in view.reviews}
    for level in LEVELS:
        review = reviews.get(level)
        opinions += ([review.opinion, _word(REVIEW_DECISION_TITLES, review.decision.value),
                      review.on.isoformat()] if review else ["", "", ""])
    return [form.name, form.birth_date.isoformat() if form.birth_date else "",
            form.political_status, form.education, form.unit, form.position, form.phone,
            form.address, form.postal_code, names.full(form.region_code), form.region_code,
            view.applied_on.isoformat(), _word(VOLUNTEER_STATUS_TITLES, view.status),
            *opinions, str(view.id)]


def pairing_rows(views: ViewRunner, region_code: str | None, school: str | None,
                 names: PlaceNames, signed_on: Callable[[str], date | None],
                 seen: Seen) -> Iterator[list[Any]]:
    """The pairing register (结对登记表) within a region and school: each pairing with the
    children it pairs (those within the scope; others are counted, not named), its caring
    mothers, principle, agreement (``signed_on``: the day its 责任状 was signed), start,
    status and end, ordered by id, a page at a time."""
    number, after = 0, None
    while True:
        with views.store.recorder(PairingsRegister).read() as tx:
            pairings = list_pairings(tx, region_code=region_code, school=school,
                                     after=after, limit=PAGE)
        children = _children(views, [c for p in pairings for c in listed(p["child_ids"])],
                             region_code, school)
        with views.store.recorder(VolunteersRegister).read() as tx:
            mothers = volunteer_rows(tx, [v for p in pairings for v in listed(p["volunteer_ids"])],
                                     views.texts)
        seen(sorted(children))
        for pairing in pairings:
            number += 1
            yield [number, *_pairing(pairing, children, mothers, names, signed_on)]
        if len(pairings) < PAGE:
            return
        after = pairings[-1]["pairing_id"]


def _children(views: ViewRunner, child_ids: Sequence[str], region_code: str | None,
              school: str | None) -> dict[str, Row]:
    """The register rows of these children that lie within the region and school."""
    wanted = sorted(set(child_ids))
    if not wanted:
        return {}
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows = opened(tx.execute(
            "SELECT child_id, name, region_code, school FROM reg_children WHERE child_id IN"
            f" ({', '.join('?' * len(wanted))})", wanted).all(), views.texts)
    return {row["child_id"]: row for row in rows
            if row["region_code"].startswith(region_code or "")
            and (not school or row["school"] == school)}


def _pairing(pairing: Row, children: dict[str, Row], mothers: dict[str, Row],
             names: PlaceNames, signed_on: Callable[[str], date | None]) -> list[Any]:
    ids = listed(pairing["child_ids"])
    shown = [children[child] for child in ids if child in children]
    others = len(ids) - len(shown)
    who = "、".join(row["name"] for row in shown) + (f"（另 {others} 名在其他地区）"
                                                      if others else "")
    places = sorted({row["region_code"] for row in shown})
    signed = signed_on(pairing["pairing_id"])
    return [who, "、".join(names.full(code) for code in places), "、".join(places),
            "、".join(sorted({row["school"] for row in shown})),
            "、".join(mothers[v]["name"] if v in mothers else v
                     for v in listed(pairing["volunteer_ids"])),
            _word(PRINCIPLE_TITLES, pairing["principle"]), _word(SHAPE_TITLES, pairing["shape"]),
            signed.isoformat() if signed else "", pairing["starts_on"],
            "已结束" if pairing["status"] == "ended" else "结对中", pairing["ended_on"] or "",
            pairing["end_reason"] or "", pairing["contacts"], pairing["last_contact_on"] or "",
            pairing["pairing_id"]]
