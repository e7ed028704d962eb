"""The quarterly report's files (季度报送材料): an Excel workbook and a Word narrative, in Chinese.

Both are rendered from the figures of :func:`projections.reports.quarterly.compute_figures` (or
:func:`~projections.reports.quarterly.combine`) and nothing else, so they say exactly what the
JSON says; the optional ``changes`` (:func:`~projections.reports.changes.explain_changes`) add
what moved since an earlier version of the same report, and which late records moved it.

- :func:`xlsx_bytes`: one sheet per table (总体情况, 留守儿童构成, 结对覆盖, 联系走访,
  履职情况, 按乡镇, 按学校, 退出与结束原因, 情况报告, 志愿者, 说明; and, when changes are given,
  变化说明 and 补录记录), with native Excel charts: pairing coverage by township (bar) and
  paired/unpaired (pie), duty compliance by duty (bar).
- :func:`docx_bytes`: the narrative in the shape of the programme's templates ("留守儿童____人
  （男____人，女____人），年龄____至____岁" ...), with the blanks filled in, and tables by
  township, school and duty. The styles name an East Asian font (宋体, headings 黑体), so Word and
  WPS show the Chinese text as intended.

The figures are reproducible byte for byte; the files embed the time they were written (Office
metadata), so compare their contents, not their bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.duties import STANDARD_CONTACT_KINDS, duty_title
from domain.instants import shown_instant
from domain.reports import said_to_day
from domain.reports.definitions import figure_title
from domain.vocabulary import (
    AGE_BAND_TITLES,
    CATEGORY_TITLES,
    CONCERN_KIND_TITLES,
    CONTACT_KIND_TITLES,
    DUTY_FIGURE_TITLES,
    REPORT_FIGURE_TITLES,
    SHAPE_TITLES,
    title_of,
)
from projections.reports.tally import AGE_BANDS

BODY_FONT, HEADING_FONT = "宋体", "黑体"

RATES = frozenset({"pairing_coverage", "left_behind_share_of_pupils", "duty_compliance",
                   "compliance_rate"})
BAND_TITLES = AGE_BAND_TITLES
#: A duty's columns in the table of duties (履职情况), in order, with their titles.
DUTY_COLUMNS = tuple((key, DUTY_FIGURE_TITLES[key]) for key in (
    "periods_due", "periods_met", "compliance_rate", "met", "due", "overdue", "escalated"))

_TOTALS = ("children_registered", "children_registered_boys", "children_registered_girls",
           "registered_in_quarter", "exited_in_quarter", "left_behind", "left_behind_boys",
           "left_behind_girls", "left_behind_age_min", "left_behind_age_max",
           "special_attention", "both_parents_away", "grandparent_guardians",
           "left_behind_special", "left_behind_paired", "left_behind_unpaired",
           "pairing_coverage", "schools_with_pupils", "pupils",
           "left_behind_in_schools_with_pupils", "left_behind_share_of_pupils",
           "pairings_formed", "pairings_active", "pairings_ended", "contacts", "home_visits",
           "activities", "group_activities", "children_contacted", "children_reached",
           "items_given", "aid_yuan", "duties_periods_due",
           "duties_periods_met", "duty_compliance", "duties_overdue", "duties_escalated",
           "pairings_with_overdue", "escalations_raised", "concerns_reported",
           "concerns_resolved", "concerns_open",
           "volunteers_applied", "volunteers_newly_approved", "volunteers_rejected",
           "volunteers_disqualified", "volunteers_commended", "volunteers_approved",
           "volunteers_pending", "volunteers_suspended", "volunteers_paired")
_TOWNSHIP_COLUMNS = ("children_registered", "left_behind", "left_behind_boys",
                     "left_behind_girls", "left_behind_paired", "pairing_coverage",
                     "pairings_formed", "pairings_active", "pairings_ended", "contacts",
                     "home_visits", "children_contacted", "items_given", "duty_compliance",
                     "duties_overdue", "duties_escalated", "concerns_reported",
                     "concerns_resolved", "volunteers_applied", "volunteers_newly_approved",
                     "volunteers_approved", "volunteers_disqualified", "volunteers_commended",
                     "special_attention", "grandparent_guardians", "volunteers_paired",
                     "group_activities", "children_reached", "aid_yuan")
_SCHOOL_COLUMNS = ("children_registered", "left_behind", "left_behind_boys", "left_behind_girls",
                   "pupils", "left_behind_share_of_pupils", "left_behind_paired",
                   "pairing_coverage", "pairings_active", "contacts", "home_visits",
                   "children_contacted", "items_given", "duty_compliance", "duties_overdue",
                   "concerns_reported", "concerns_resolved", "children_reached", "aid_yuan")


# -- shared wording -------------------------------------------------------------------------


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


def _said(text: str, meta: Mapping[str, Any]) -> str:
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


def kind_title(kind: str) -> str:
    return title_of(CONTACT_KIND_TITLES, kind)


def concern_title(kind: str) -> str:
    """A concern's kind in words (缺课, 监护缺失); a kind typed in Chinese as it is."""
    return title_of(CONCERN_KIND_TITLES, kind)


def school_title(name: str) -> str:
    return name or "（未填学校）"


def _shown(key: str, value: Any) -> str:
    return percent(value) if key in RATES else number(value)


# -- the workbook ---------------------------------------------------------------------------


def xlsx_bytes(figures: Mapping[str, Any], changes: Mapping[str, Any] | None = None,
               places: Places | None = None) -> bytes:
    """The workbook: one sheet per table, native charts for coverage and compliance; places by
    name (``places``), with their codes in the tables."""
    places = places or {}
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    totals = figures["totals"]
    _table(book, "总体情况", ("指标", "数值"),
           [(REPORT_FIGURE_TITLES[key], totals[key]) for key in _TOTALS],
           rate_rows={i for i, key in enumerate(_TOTALS) if key in RATES})
    _composition(book, totals)
    _coverage_sheet(book, figures, places)
    _contacts_sheet(book, totals)
    _duties_sheet(book, figures)
    _per_unit(book, "按乡镇", "乡镇（区划代码）", figures["townships"], _TOWNSHIP_COLUMNS,
              lambda code: place_with_code(code, places))
    _per_unit(book, "按学校", "学校", figures["schools"], _SCHOOL_COLUMNS, school_title)
    _table(book, "退出与结束原因", ("类别", "原因", "数量"),
           [("儿童退出", reason, n) for reason, n in sorted(totals["exit_reasons"].items())]
           + [("结对结束", reason, n)
              for reason, n in sorted(totals["pairing_end_reasons"].items())])
    _table(book, "情况报告", ("项目", "数量"),
           [(REPORT_FIGURE_TITLES[k], totals[k]) for k in ("concerns_reported", "concerns_resolved",
                                             "concerns_open")]
           + [(f"类别：{concern_title(kind)}", n)
              for kind, n in sorted(totals["concerns_by_kind"].items())])
    _table(book, "志愿者", ("项目", "人数"),
           [(REPORT_FIGURE_TITLES[k], totals[k]) for k in _TOTALS if k.startswith("volunteers_")])
    meta = figures["meta"]
    _table(book, "说明", ("项目", "内容"), [
        ("报表", title(figures, places)), ("地区", place(meta["region_code"], places)),
        ("区划代码", meta["region_code"]),
        ("统计期", period_words(meta).removeprefix("统计期：")),
        ("状态类指标统计日", f"{meta['period_end']}（季度未结束，统计至当日）" if interim(meta)
         else f"{meta['period_end']}（季度末）"),
        ("数据截至（记录时间）", shown_instant(meta["known_at"])),
        ("逾期升级时限", f"{meta['escalate_after_days']}天"),
        ("说明", "依据截至上述记录时间已录入的数据生成；以同一记录时间重新生成，数字完全相同。"),
        *((f"口径变更：{figure_title(c['figure'])}", f"自{c['since']}起：{c['what']}")
          for c in meta.get("definitions_changed", ())),
    ])
    if changes is not None:
        _changes_sheets(book, changes, places)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = _said(cell.value, meta)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, name: str, header: Sequence[str]) -> Worksheet:
    sheet = book.create_sheet(name)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True, name=BODY_FONT)
        cell.alignment = Alignment(horizontal="center")
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.column_dimensions["A"].width = 32
    sheet.freeze_panes = "A2"
    return sheet


def _table(book: Workbook, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
           *, rates: set[int] | None = None, rate_rows: set[int] | None = None) -> Worksheet:
    """A sheet of ``rows``; values in the ``rates`` columns (1-based) or ``rate_rows`` (0-based
    data rows, last column) are shown as percentages."""
    sheet = _sheet(book, name, header)
    for index, row in enumerate(rows):
        sheet.append(list(row))
        for column in rates or ():
            sheet.cell(row=index + 2, column=column).number_format = "0.00%"
        if rate_rows and index in rate_rows:
            sheet.cell(row=index + 2, column=len(row)).number_format = "0.00%"
    return sheet


def _composition(book: Workbook, totals: Mapping[str, Any]) -> None:
    rows: list[tuple[str, str, int]] = [
        ("性别", "男", totals["left_behind_boys"]), ("性别", "女", totals["left_behind_girls"])]
    rows += [("年龄段", BAND_TITLES[band], totals["left_behind_by_age_band"][band])
             for band, _, _ in AGE_BANDS]
    rows += [("年龄", f"{age}岁", n) for age, n in
             sorted(totals["left_behind_by_age"].items(), key=lambda item: int(item[0]))]
    rows += [("关爱类别", word, totals["left_behind_by_category"].get(c, 0))
             for c, word in CATEGORY_TITLES.items()]
    rows += [("分层", "特殊（重点）", totals["left_behind_special"]),
             ("分层", "一般", totals["left_behind"] - totals["left_behind_special"])]
    _table(book, "留守儿童构成", ("分类", "项目", "人数"), rows)


def _coverage_sheet(book: Workbook, figures: Mapping[str, Any], places: Places) -> None:
    rows = [(place_with_code(code, places), unit["left_behind"], unit["left_behind_paired"],
             unit["left_behind_unpaired"], unit["pairing_coverage"])
            for code, unit in figures["townships"].items()]
    totals = figures["totals"]
    sheet = _table(book, "结对覆盖", ("乡镇（区划代码）", "留守儿童", "已结对", "未结对", "覆盖率"),
                   rows, rates={5})
    last = len(rows) + 1
    sheet.append(["合计", totals["left_behind"], totals["left_behind_paired"],
                  totals["left_behind_unpaired"], totals["pairing_coverage"]])
    sheet.cell(row=last + 1, column=5).number_format = "0.00%"
    if rows:
        bar = BarChart()
        bar.type = "col"
        bar.title = "各乡镇结对覆盖率（目标100%）"
        bar.y_axis.title = "覆盖率"
        bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, 1
        bar.y_axis.number_format = "0%"
        bar.add_data(Reference(sheet, min_col=5, min_row=1, max_row=last), titles_from_data=True)
        bar.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
        bar.width, bar.height = 18, 8
        sheet.add_chart(bar, "G2")
    # the pie reads two cells of its own: paired and unpaired in the whole region
    sheet.cell(row=last + 3, column=1, value="已结对")
    sheet.cell(row=last + 3, column=2, value=totals["left_behind_paired"])
    sheet.cell(row=last + 4, column=1, value="未结对")
    sheet.cell(row=last + 4, column=2, value=totals["left_behind_unpaired"])
    pie = PieChart()
    pie.title = "留守儿童结对情况"
    pie.add_data(Reference(sheet, min_col=2, min_row=last + 3, max_row=last + 4))
    pie.set_categories(Reference(sheet, min_col=1, min_row=last + 3, max_row=last + 4))
    sheet.add_chart(pie, "G20")


def _contacts_sheet(book: Workbook, totals: Mapping[str, Any]) -> None:
    rows: list[tuple[str, int]] = [
        (kind_title(kind), n) for kind, n in _in_kind_order(totals["contacts_by_kind"])]
    rows += [(REPORT_FIGURE_TITLES[k], totals[k]) for k in ("contacts", "home_visits", "activities",
                                             "group_activities", "children_contacted",
                                             "children_reached", "items_given", "aid_yuan")]
    _table(book, "联系走访", ("联系方式 / 项目", "次数 / 数量"), rows)


def _duties_sheet(book: Workbook, figures: Mapping[str, Any]) -> None:
    duties = figures["totals"]["duties"]
    rows = [(duty_title(name), *(counts[key] for key, _ in DUTY_COLUMNS))
            for name, counts in duties.items()]
    sheet = _table(book, "履职情况", ("职责", *(label for _, label in DUTY_COLUMNS)), rows,
                   rates={4})
    if rows:
        bar = BarChart()
        bar.type = "bar"
        bar.title = "各项职责履职率"
        bar.x_axis.title = "职责"
        bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, 1
        bar.y_axis.number_format = "0%"
        bar.add_data(Reference(sheet, min_col=4, min_row=1, max_row=len(rows) + 1),
                     titles_from_data=True)
        bar.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
        bar.width, bar.height = 20, 9
        sheet.add_chart(bar, "J2")


def _per_unit(book: Workbook, name: str, first: str, units: Mapping[str, Mapping[str, Any]],
              columns: Sequence[str], label: Any) -> None:
    rows = [(label(key), *(unit.get(column) for column in columns))
            for key, unit in units.items()]
    _table(book, name, (first, *(REPORT_FIGURE_TITLES[c] for c in columns)), rows,
           rates={i + 2 for i, c in enumerate(columns) if c in RATES})


def _changes_sheets(book: Workbook, changes: Mapping[str, Any], places: Places) -> None:
    """What moved since the earlier version (变化说明), and the late records that moved it."""
    _table(book, "变化说明", ("指标", "原数值", "现数值"),
           [(figure_title(c["figure"]), c["before"], c["after"]) for c in changes["figures"]])
    _table(book, "补录记录", ("补录事件", "发生日期", "记录时间", "乡镇", "学校", "内容"),
           [(e["event_title"], e["occurred_on"], shown_instant(e["recorded_at"]),
             place_with_code(e["township"], places),
             school_title(e["school"]), e["summary"]) for e in changes["events"]])


# -- the narrative --------------------------------------------------------------------------


def docx_bytes(figures: Mapping[str, Any], changes: Mapping[str, Any] | None = None,
               places: Places | None = None) -> bytes:
    """The narrative report in Chinese, in the shape of the programme's templates; places by
    name (``places``), with their codes in the tables."""
    places = places or {}
    document = Document()
    _fonts(document)
    meta, t = figures["meta"], figures["totals"]
    heading = document.add_heading(title(figures, places), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        f"{period_words(meta)}；状态类数字统计至"
        + (f"{meta['period_end']}（当日）" if interim(meta) else f"季度末（{meta['period_end']}）")
        + f"；数据截至{shown_instant(meta['known_at'])}已录入的记录。")

    document.add_heading("一、留守儿童基本情况", level=1)
    ages = (f"年龄{t['left_behind_age_min']}至{t['left_behind_age_max']}岁"
            if t["left_behind_age_min"] is not None else "暂无留守儿童")
    document.add_paragraph(
        f"截至{meta['period_end']}，在册儿童{t['children_registered']}人"
        f"（男{t['children_registered_boys']}人，女{t['children_registered_girls']}人），"
        f"其中留守儿童{t['left_behind']}人（男{t['left_behind_boys']}人，"
        f"女{t['left_behind_girls']}人），{ages}。"
        f"特殊（重点）留守儿童{t['special_attention']}人（其中双亲外出"
        f"{t['both_parents_away']}人），一般留守儿童"
        f"{t['left_behind'] - t['special_attention']}人；隔代监护{t['grandparent_guardians']}人。"
        f"本季度新建档{t['registered_in_quarter']}人，退出{t['exited_in_quarter']}人"
        + _reasons(t["exit_reasons"], "人") + "。")
    bands = "，".join(f"{BAND_TITLES[band]}{t['left_behind_by_age_band'][band]}人"
                     for band, _, _ in AGE_BANDS)
    categories = "，".join(f"{CATEGORY_TITLES[c]}{n}人"
                          for c, n in t["left_behind_by_category"].items() if n) or "无"
    document.add_paragraph(f"按年龄段：{bands}。按关爱类别：{categories}。")
    if t["schools_with_pupils"]:
        document.add_paragraph(
            f"在已知在校学生数的{t['schools_with_pupils']}所学校中，在校学生{t['pupils']}人，"
            f"留守儿童{t['left_behind_in_schools_with_pupils']}人，留守儿童占在校学生比例"
            f"{percent(t['left_behind_share_of_pupils'])}。")
    else:
        document.add_paragraph("各学校在校学生数未报，暂不计算留守儿童占在校学生比例。")

    document.add_heading("二、结对帮扶", level=1)
    shapes = "，".join(f"{SHAPE_TITLES[s]}{n}对"
                      for s, n in t["pairings_active_by_shape"].items() if n) or "无"
    document.add_paragraph(
        f"本季度新结对{t['pairings_formed']}对，季度末在结对{t['pairings_active']}对"
        f"（{shapes}），本季度结束结对{t['pairings_ended']}对"
        + _reasons(t["pairing_end_reasons"], "对") + "。"
        f"结对覆盖率{percent(t['pairing_coverage'])}（目标100%），已结对留守儿童"
        f"{t['left_behind_paired']}人（结对的爱心妈妈在岗），尚未结对{t['left_behind_unpaired']}"
        f"人；季度末在结对爱心妈妈{t['volunteers_paired']}人。")

    document.add_heading("三、联系走访", level=1)
    kinds = "，".join(f"{kind_title(k)}{n}次" for k, n in _in_kind_order(t["contacts_by_kind"])
                     if n)
    document.add_paragraph(
        f"本季度联系走访{t['contacts']}次，其中家访{t['home_visits']}次，开展活动"
        f"{t['activities']}次（其中集体活动{t['group_activities']}次）；走访（联系）儿童"
        f"{t['children_contacted']}人，发放物品{t['items_given']}件，发放慰问金"
        f"{t['aid_yuan']:.2f}元；联系走访和集体活动慰问儿童{t['children_reached']}人（只联系"
        "班主任、监护人或父母的不计）。" + (f"按方式：{kinds}。" if kinds else ""))

    document.add_heading("四、履职情况", level=1)
    document.add_paragraph(
        f"本季度应履职{t['duties_periods_due']}期次，已履职{t['duties_periods_met']}期次，"
        f"总体履职率{percent(t['duty_compliance'])}。季度末逾期职责{t['duties_overdue']}项"
        f"（涉及结对{t['pairings_with_overdue']}对），其中逾期{meta['escalate_after_days']}天"
        f"以上{t['duties_escalated']}项；本季度逾期上报{t['escalations_raised']}次。")
    for name, counts in t["duties"].items():
        document.add_paragraph(
            f"{duty_title(name)}：应履职{counts['periods_due']}期次，已履职"
            f"{counts['periods_met']}期次，履职率{percent(counts['compliance_rate'])}；"
            f"季度末逾期{counts['overdue']}项。", style="List Bullet")

    document.add_heading("五、情况报告", level=1)
    kinds = "，".join(f"{concern_title(k)}{n}件" for k, n in t["concerns_by_kind"].items())
    document.add_paragraph(
        f"本季度报告异常情况{t['concerns_reported']}件" + (f"（{kinds}）" if kinds else "")
        + f"，办结{t['concerns_resolved']}件，季度末尚未办结{t['concerns_open']}件。")

    document.add_heading("六、志愿者（爱心妈妈）队伍", level=1)
    document.add_paragraph(
        f"本季度申请{t['volunteers_applied']}人，批准{t['volunteers_newly_approved']}人，"
        f"未通过{t['volunteers_rejected']}人，取消资格{t['volunteers_disqualified']}人，"
        f"表彰{t['volunteers_commended']}人。季度末在册爱心妈妈{t['volunteers_approved']}人，"
        f"审核中{t['volunteers_pending']}人，暂停{t['volunteers_suspended']}人。")

    document.add_heading("七、分乡镇情况", level=1)
    _docx_table(document, "乡镇（区划代码）", figures["townships"],
                ("left_behind", "left_behind_paired", "pairing_coverage", "contacts",
                 "home_visits", "items_given", "duty_compliance", "concerns_reported"),
                lambda code: place_with_code(code, places))
    document.add_heading("八、分学校情况", level=1)
    _docx_table(document, "学校", figures["schools"],
                ("left_behind", "pupils", "left_behind_share_of_pupils", "pairing_coverage",
                 "contacts", "home_visits"), school_title)

    if changes is not None:
        _docx_changes(document, changes, places)
    document.add_heading("数据说明", level=1)
    document.add_paragraph(
        "本报告由系统依据截至上述记录时间已录入的数据自动生成；以同一记录时间重新生成，数字完全相同。"
        "状态类数字（在册、留守、结对、逾期、在册志愿者）统计至"
        + (f"{meta['period_end']}当日（季度未结束），其余为本季度开始至该日的发生数。"
           if interim(meta) else "季度末当日，其余为季度内发生数。") +
        "留守儿童按“未满十六周岁、父母双方外出务工或一方外出务工另一方无监护能力”认定。")
    if note := definitions_note(meta):
        document.add_paragraph(note)
    if interim(meta):
        _say_interim(document, meta)
    core = document.core_properties
    core.title, core.language = title(figures, places), "zh-CN"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _say_interim(document: Any, meta: Mapping[str, Any]) -> None:
    """Every 季度末 of the narrative and its tables as the day counted to (:func:`_said`)."""
    cells = (cell for table in document.tables for row in table.rows for cell in row.cells)
    paragraphs = [*document.paragraphs, *(p for cell in cells for p in cell.paragraphs)]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            run.text = _said(run.text, meta)


def _fonts(document: Any) -> None:
    """宋体 for the body, 黑体 for headings, named for East Asian text as Word needs it."""
    for style in document.styles:
        if not hasattr(style, "font") or style.type != 1:  # paragraph styles only
            continue
        font_name = HEADING_FONT if style.name.startswith(("Heading", "Title")) else BODY_FONT
        style.font.name = font_name
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font_name)
    document.styles["Normal"].font.size = Pt(12)


def _in_kind_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The standard contact kinds in their usual order, then any others by name."""
    order = {kind: index for index, kind in enumerate(STANDARD_CONTACT_KINDS)}
    return sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def _reasons(reasons: Mapping[str, int], unit: str) -> str:
    if not reasons:
        return ""
    return "（" + "，".join(f"{reason}{n}{unit}" for reason, n in reasons.items()) + "）"


def _docx_table(document: Any, first: str, units: Mapping[str, Mapping[str, Any]],
                columns: Sequence[str], label: Any) -> None:
    if not units:
        document.add_paragraph("无。")
        return
    table = document.add_table(rows=1, cols=len(columns) + 1)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (first, *(REPORT_FIGURE_TITLES[c] for c in columns)),
                          strict=True):
        cell.text = text
    for key, unit in units.items():
        cells = table.add_row().cells
        cells[0].text = label(key)
        for cell, column in zip(cells[1:], columns, strict=True):
            cell.text = _shown(column, unit.get(column))


def _docx_changes(document: Any, changes: Mapping[str, Any], places: Places) -> None:
    document.add_heading("九、与上次报送相比的变化", level=1)
    document.add_paragraph(
        f"上次报送数据截至{shown_instant(changes['since'])}，本次截至"
        f"{shown_instant(changes['until'])}。其间补录了本季度（或影响季度末状态）的记录"
        f"{len(changes['events'])}条，以下数字随之变化：")
    if not changes["figures"]:
        document.add_paragraph("各项数字无变化。")
    for change in changes["figures"]:
        key = change["figure"].rsplit(".", 1)[-1]
        document.add_paragraph(
            f"{figure_title(change['figure'])}：由{_shown(key, change['before'])}"
            f"变为{_shown(key, change['after'])}", style="List Bullet")
    document.add_paragraph("原因（补录的记录）：")
    for event in changes["events"]:
        document.add_paragraph(
            f"{event['summary']}（{place_with_code(event['township'], places)}，"
            f"{school_title(event['school'])}）",
            style="List Bullet")


# -- both, on disk --------------------------------------------------------------------------


def write_files(figures: Mapping[str, Any], folder: Path,
                changes: Mapping[str, Any] | None = None,
                places: Places | None = None) -> dict[str, Path]:
    """Write ``<stem>.xlsx`` and ``<stem>.docx`` into ``folder``; returns them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(figures)
    written = {f"{stem}.xlsx": xlsx_bytes(figures, changes, places),
               f"{stem}.docx": docx_bytes(figures, changes, places)}
    paths = {}
    for name, content in written.items():
        path = folder / name
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(content)
        temporary.replace(path)  # a re-run (a re-delivered task) replaces it whole
        paths[name] = path
    return paths
