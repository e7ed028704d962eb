"""The words both report files share (报送材料用语): the title, the places by name, the period
and a quarter not ended (季度未结束), percentages, and the programme's words for contact and
concern kinds; figures' titles are :func:`domain.reports.definitions.figure_title`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from docx.shared import Pt

from domain.duties import STANDARD_CONTACT_KINDS
from domain.reports import Submission, federation_of, said_to_day
from domain.reports.definitions import RATES, breakdown_word, figure_title
from domain.vocabulary import (
    AGE_BAND_TITLES,
    CONCERN_KIND_TITLES,
    CONTACT_KIND_TITLES,
    DUTY_FIGURE_TITLES,
    REPORT_FIGURE_TITLES,
    title_of,
)

#: The fonts the files name for East Asian text: 宋体 for the body, 黑体 for headings.
BODY_FONT, HEADING_FONT = "宋体", "黑体"
BAND_TITLES = AGE_BAND_TITLES
#: The size of the narrative's tables' text: 五号.
TABLE_SIZE = Pt(10.5)
#: A duty's columns in the table of duties (履职情况), in order, with their titles.
DUTY_COLUMNS = tuple((key, DUTY_FIGURE_TITLES[key]) for key in (
    "periods_due", "periods_met", "compliance_rate", "met", "due", "overdue", "escalated"))

#: Division codes' names (钟祥市, 洋梓镇), as :mod:`projections.places.names` gives them; a code
#: not in it is shown as the code.
Places = Mapping[str, str]


def place(code: str, places: Places) -> str:
    """A place by its name (钟祥市), or its code if it has none."""
    return places.get(code) or code


def place_with_code(code: str, places: Places) -> str:
    """A place in a table: its name and its code (洋梓镇（420881102）), or the code alone."""
    name = places.get(code)
    return f"{name}（{code}）" if name and name != code else code


def own_level(region_code: str) -> str:
    """The row of facts placed at the region's own code rather than in one of its townships:
    县直/未分乡镇 for a county (市直 for a city, 省直 for a province), 未分村（社区） for a
    township, with the code (县直/未分乡镇（420881）)."""
    return {2: "省直/未分乡镇", 4: "市直/未分乡镇", 6: "县直/未分乡镇"}.get(
        len(region_code), "未分村（社区）") + f"（{region_code}）"


def unit_word(region_code: str) -> str:
    """What a report's region is broken down by: 乡镇, or below a township 村（社区）."""
    return breakdown_word(region_code)


def township_rows(figures: Mapping[str, Any], places: Places,
                  columns: Sequence[str]) -> list[tuple[str, Mapping[str, Any]]]:
    """The report's townships in a table of ``columns``, each by name and code; the region's
    own code (facts placed at county level) last, as :func:`own_level`, only when one of its
    ``columns`` is not zero."""
    region = figures["meta"]["region_code"]
    rows: list[tuple[str, Mapping[str, Any]]] = [
        (place_with_code(code, places), unit)
        for code, unit in figures["townships"].items() if code != region]
    own = figures["townships"].get(region)
    if own is not None and any(own.get(column) for column in columns):
        rows.append((own_level(region), own))
    return rows


def title(figures: Mapping[str, Any], places: Places | None = None) -> str:
    """``钟祥市留守儿童关爱帮扶工作2026年第一季度报送``, and ``（季度未结束）`` after it for a
    quarter that had not ended when the report was known."""
    meta = figures["meta"]
    quarter = "一二三四"[meta["quarter"] - 1]
    return (f"{place(meta['region_code'], places or {})}留守儿童关爱帮扶工作{meta['year']}年"
            f"第{quarter}季度报送" + ("（季度未结束）" if interim(meta) else ""))


def interim(meta: Mapping[str, Any]) -> bool:
    """Whether the quarter had not ended when the report was known: it counts up to that day
    (``period_end``), not to the quarter's last day."""
    return meta.get("quarter_ended") is False


def state_day(meta: Mapping[str, Any]) -> str:
    """The day state figures are counted on, as the files say it: ``季度末`` (the quarter's last
    day), or ``截至2026-12-05`` for a quarter not ended."""
    return f"截至{meta['period_end']}" if interim(meta) else "季度末"


def period_words(meta: Mapping[str, Any]) -> str:
    """``统计期：2026-10-01至2026-12-31``, or for a quarter not ended ``统计期：2026-10-01至
    2026-12-05（季度未结束，全季度至2026-12-31）``."""
    words = f"统计期：{meta['period_start']}至{meta['period_end']}"
    if interim(meta):
        words += f"（季度未结束，全季度至{meta['quarter_end']}）"
    return words


def said(text: str, meta: Mapping[str, Any]) -> str:
    """A text of the files as an interim report says it: every 季度末 is the day counted to."""
    return said_to_day(text, meta["period_end"] if interim(meta) else None)


def file_stem(figures: Mapping[str, Any]) -> str:
    """``<region>-<year>Q<quarter>``, e.g. ``420821-2026Q1`` (ASCII, for links)."""
    meta = figures["meta"]
    return f"{meta['region_code']}-{meta['year']}Q{meta['quarter']}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def number(value: Any) -> str:
    return "—" if value is None else str(value)


def definitions_note(meta: Mapping[str, Any]) -> str:
    """The report's sentence on the figures whose definition changed after its ``known_at``
    (口径变更), or ``""`` when none did."""
    changed = meta.get("definitions_changed") or ()
    if not changed:
        return ""
    return ("本报告按现行口径重新生成；以下指标的统计口径在数据截至时间之后有变更，数字可能与当时"
            "生成的报告不同：" + "；".join(
                f"{figure_title(c['figure'])}（自{c['since']}起：{c['what']}）"
                for c in changed) + "。")


def tiers(totals: Mapping[str, Any]) -> tuple[int, int]:
    """The left-behind children by tier (分层), as every page and file says them: the special
    tier (特殊（重点）, ``special_attention``) and the rest (一般)."""
    special = int(totals["special_attention"])
    return special, int(totals["left_behind"]) - special


def kind_title(kind: str) -> str:
    return title_of(CONTACT_KIND_TITLES, kind)


def concern_title(kind: str) -> str:
    """A concern's kind in words (缺课, 监护缺失); a kind typed in Chinese as it is."""
    return title_of(CONCERN_KIND_TITLES, kind)


def school_title(name: str) -> str:
    return name or "（未填学校）"


#: The column of a school's township in the tables of schools (学校所在乡镇及区划代码).
SCHOOL_PLACE = "school_township"
#: Column titles where a table says a figure otherwise than the narrative's sentences do.
_COLUMN_TITLES = {SCHOOL_PLACE: "所在乡镇（区划代码）", "pupils": "在校学生（人）"}


def column_title(key: str) -> str:
    """A figure's title at the head of a table's column (在校学生（人）)."""
    return _COLUMN_TITLES.get(key) or REPORT_FIGURE_TITLES[key]


def change_title(figure: str) -> str:
    """A figure that moved, as the change section names it (``figure``: its dotted key)."""
    if figure.rsplit(".", 1)[-1] == "pupils":
        return "已报在校学生数的学校在校学生合计（人）"
    return figure_title(figure)


def unexplained() -> str:
    """What the change section says when figures moved and no late record was found."""
    return ("其间没有补录或更正影响本季度数字的记录；数字的变化来自统计口径的变更（见说明）"
            "或依法删除的档案。")


def school_rows(figures: Mapping[str, Any], places: Places,
                townships: Mapping[str, str]) -> list[tuple[str, Mapping[str, Any]]]:
    """The report's schools in a table, each with its township by name and code
    (:data:`SCHOOL_PLACE`), sorted by the township's division code, then by the school's
    name; schools of no known township last."""
    rows = [(name, {**unit, SCHOOL_PLACE: townships.get(name, "")})
            for name, unit in figures["schools"].items()]
    rows.sort(key=lambda row: (row[1][SCHOOL_PLACE] == "", row[1][SCHOOL_PLACE], row[0]))
    return [(school_title(name), {**unit, SCHOOL_PLACE: place_with_code(code, places)
                                  if code else "（未知）"})
            for name, unit in rows for code in (unit[SCHOOL_PLACE],)]


def shown(key: str, value: Any) -> str:
    """A figure's value in a table: a share as a percentage (87.50%), none as —."""
    return percent(value) if key in RATES else number(value)


def in_kind_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The standard contact kinds in their usual order, then any others by name."""
    order = {kind: index for index, kind in enumerate(STANDARD_CONTACT_KINDS)}
    return sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


#: A blank for a pen where a name, a phone or a day was not given.
BLANK = "__________"


def sender(figures: Mapping[str, Any], places: Places,
           submission: Submission | None) -> dict[str, str]:
    """The foot of the report as an office sends it: 报送单位 (the region's federation unless
    another was given), 填报人, 审核人 and their phones, 填报日期; blanks where not given."""
    given = submission or Submission()
    named = places.get(figures["meta"]["region_code"])
    federation = federation_of(named) if named else BLANK
    day = given.prepared_on
    return {"报送单位": given.unit_or(federation),
            "填报人": given.preparer or BLANK, "填报人电话": given.preparer_phone or BLANK,
            "审核人": given.reviewer or BLANK, "审核人电话": given.reviewer_phone or BLANK,
            "填报日期": f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"}


#: How each share is computed again from the counts of a total row: (part, whole).
_SHARES = {"pairing_coverage": ("left_behind_paired", "left_behind"),
           "duty_compliance": ("duties_periods_met", "duties_periods_due")}


def total_row(units: Sequence[tuple[str, Mapping[str, Any]]],
              columns: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """The 合计 row of a table of ``units``: each count summed over the rows, each share
    computed again from the summed counts (the pupils' share over the schools whose pupils
    are known), the money from the summed fen."""
    def summed(key: str) -> int:
        return sum(int(unit.get(key) or 0) for _, unit in units)

    row: dict[str, Any] = {}
    for column in columns:
        if column == SCHOOL_PLACE:
            row[column] = ""
        elif column in _SHARES:
            part, whole = (summed(key) for key in _SHARES[column])
            row[column] = round(part / whole, 4) if whole else None
        elif column == "left_behind_share_of_pupils":
            pupils = summed("pupils")
            counted = sum(int(unit.get("left_behind") or 0) for _, unit in units
                          if unit.get("pupils"))
            row[column] = round(counted / pupils, 4) if pupils else None
        elif column == "pupils":
            row[column] = summed("pupils") or None
        elif column == "aid_yuan":
            row[column] = round(summed("aid_fen") / 100, 2)
        else:
            row[column] = summed(column)
    return "合计", row
