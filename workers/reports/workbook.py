"""The report's workbook (季度报送 Excel): one sheet per table, native charts for coverage and
compliance; see :mod:`workers.reports.files`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.duties import duty_title
from domain.instants import shown_instant
from domain.reports import Submission
from domain.reports.definitions import FIGURE_DEFINITIONS, TOTAL_ROW_NOTE, figure_title
from domain.vocabulary import CATEGORY_TITLES, REPORT_FIGURE_TITLES
from projections.reports.changes import report_zone
from projections.reports.tally import AGE_BANDS
from workers.reports.paper import sheet_for_print
from workers.reports.wording import (
    BAND_TITLES,
    BODY_FONT,
    DUTY_COLUMNS,
    RATES,
    SCHOOL_PLACE,
    Places,
    change_title,
    column_title,
    concern_title,
    in_kind_order,
    interim,
    kind_title,
    period_words,
    place,
    place_with_code,
    said,
    school_rows,
    school_title,
    sender,
    tiers,
    title,
    total_row,
    township_rows,
    unexplained,
    unit_word,
)

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
#: The tables by township (按乡镇), one sheet per theme, each fit to an A4 page's width at a
#: scale that prints readably (see :func:`workers.reports.paper.print_scale`).
TOWNSHIP_SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("儿童", ("children_registered", "left_behind", "left_behind_boys", "left_behind_girls",
             "special_attention", "grandparent_guardians", "concerns_reported",
             "concerns_resolved")),
    ("结对与走访", ("left_behind", "left_behind_paired", "pairing_coverage", "pairings_formed",
                 "pairings_active", "pairings_ended", "contacts", "home_visits",
                 "children_contacted", "duty_compliance", "duties_overdue", "duties_escalated")),
    ("关爱活动与志愿者", ("group_activities", "children_reached", "items_given", "aid_yuan",
                    "volunteers_applied", "volunteers_newly_approved", "volunteers_approved",
                    "volunteers_disqualified", "volunteers_commended", "volunteers_paired")),
)
#: The tables by school (按学校), likewise, each school with its township.
SCHOOL_SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("儿童", (SCHOOL_PLACE, "children_registered", "left_behind", "left_behind_boys",
             "left_behind_girls", "pupils", "left_behind_share_of_pupils", "concerns_reported",
             "concerns_resolved")),
    ("结对与走访", (SCHOOL_PLACE, "left_behind", "left_behind_paired", "pairing_coverage",
                 "pairings_active", "contacts", "home_visits", "children_contacted",
                 "items_given", "duty_compliance", "duties_overdue", "children_reached",
                 "aid_yuan")),
)


def xlsx_bytes(figures: Mapping[str, Any], changes: Mapping[str, Any] | None = None,
               places: Places | None = None, submission: Submission | None = None,
               schools: Mapping[str, str] | None = None) -> bytes:
    """The workbook: one sheet per table, native charts for coverage and compliance; places by
    name (``places``), with their codes in the tables; each school with its township
    (``schools``: the township code of each school's name); who sends it (``submission``) at
    the foot of the overview and in the notes; every sheet set up to print on A4."""
    places = places or {}
    foot = sender(figures, places, submission)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    totals = figures["totals"]
    _table(book, "总体情况", ("指标", "数值"),
           [(REPORT_FIGURE_TITLES[key], totals[key]) for key in _TOTALS],
           rate_rows={i for i, key in enumerate(_TOTALS) if key in RATES})
    _in_yuan(book["总体情况"], 2, row=_TOTALS.index("aid_yuan") + 2)
    _foot(book["总体情况"], foot)
    _composition(book, totals)
    _coverage_sheet(book, figures, places)
    _contacts_sheet(book, totals)
    _duties_sheet(book, figures)
    unit = unit_word(figures["meta"]["region_code"])
    for theme, columns in TOWNSHIP_SHEETS:
        _per_unit(book, f"按{unit}-{theme}", f"{unit}（区划代码）",
                  township_rows(figures, places, columns), columns, total=True)
    listed = school_rows(figures, places, schools or {})
    for theme, columns in SCHOOL_SHEETS:
        _per_unit(book, f"按学校-{theme}", "学校", listed, columns, total=True)
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
        ("报表", title(figures, places)), ("报送单位", foot["报送单位"]),
        ("填报人", f"{foot['填报人']}（电话：{foot['填报人电话']}）"),
        ("审核人", f"{foot['审核人']}（电话：{foot['审核人电话']}）"),
        ("填报日期", foot["填报日期"]), ("地区", place(meta["region_code"], places)),
        ("区划代码", meta["region_code"]),
        ("统计期", period_words(meta).removeprefix("统计期：")),
        ("状态类指标统计日", f"{meta['period_end']}（季度未结束，统计至当日）" if interim(meta)
         else f"{meta['period_end']}（季度末）"),
        ("数据截至（记录时间）", shown_instant(meta["known_at"], report_zone(meta))),
        ("逾期升级时限", f"{meta['escalate_after_days']}天"),
        ("说明", "依据截至上述记录时间已录入的数据生成；以同一记录时间重新生成，数字完全相同。"),
        *((f"口径变更：{figure_title(c['figure'])}", f"自{c['since']}起：{c['what']}")
          for c in meta.get("definitions_changed", ())),
        ("合计行", TOTAL_ROW_NOTE),
        *((f"指标口径：{figure_title(key)}", meaning)
          for key, meaning in FIGURE_DEFINITIONS.items()),
    ])
    notes = book["说明"]
    notes.column_dimensions["B"].width = 60
    for (cell,) in notes.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if changes is not None:
        _changes_sheets(book, changes, places, report_zone(meta))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = said(cell.value, meta)
        sheet_for_print(sheet, said(title(figures, places), meta), foot["报送单位"])
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
    special, general = tiers(totals)
    rows += [("分层", "特殊（重点）", special), ("分层", "一般", general)]
    _table(book, "留守儿童构成", ("分类", "项目", "人数"), rows)


def _coverage_sheet(book: Workbook, figures: Mapping[str, Any], places: Places) -> None:
    columns = ("left_behind", "left_behind_paired", "left_behind_unpaired", "pairing_coverage")
    rows = [(label, *(unit[column] for column in columns))
            for label, unit in township_rows(figures, places, columns)]
    totals = figures["totals"]
    unit = unit_word(figures["meta"]["region_code"])
    sheet = _table(book, "结对覆盖",
                   (f"{unit}（区划代码）", "留守儿童", "已结对", "未结对", "覆盖率"), rows,
                   rates={5})
    last = len(rows) + 1
    sheet.append(["合计", totals["left_behind"], totals["left_behind_paired"],
                  totals["left_behind_unpaired"], totals["pairing_coverage"]])
    sheet.cell(row=last + 1, column=5).number_format = "0.00%"
    if rows:
        bar = _rate_chart(sheet, f"各{unit}结对覆盖率（目标100%）", "col", column=5, rows=len(rows))
        bar.y_axis.title = "覆盖率"
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
        (kind_title(kind), n) for kind, n in in_kind_order(totals["contacts_by_kind"])]
    rows += [(REPORT_FIGURE_TITLES[k], totals[k]) for k in ("contacts", "home_visits", "activities",
                                             "group_activities", "children_contacted",
                                             "children_reached", "items_given", "aid_yuan")]
    sheet = _table(book, "联系走访", ("联系方式 / 项目", "次数 / 数量"), rows)
    _in_yuan(sheet, 2, row=len(rows) + 1)  # the money, last


def _duties_sheet(book: Workbook, figures: Mapping[str, Any]) -> None:
    duties = figures["totals"]["duties"]
    rows = [(duty_title(name), *(counts[key] for key, _ in DUTY_COLUMNS))
            for name, counts in duties.items()]
    sheet = _table(book, "履职情况", ("职责", *(label for _, label in DUTY_COLUMNS)), rows,
                   rates={4})
    if rows:
        bar = _rate_chart(sheet, "各项职责履职率", "bar", column=4, rows=len(rows))
        bar.x_axis.title = "职责"
        bar.width, bar.height = 20, 9
        sheet.add_chart(bar, "J2")


def _rate_chart(sheet: Worksheet, title: str, direction: str, *, column: int,
                rows: int) -> BarChart:
    """A bar chart (``direction``: "col" upright, "bar" lying) of the rates in ``column`` of
    the sheet's first ``rows`` data rows, named by column A, on a scale of 0 to 100 %."""
    bar = BarChart()
    bar.type = direction
    bar.title = title
    bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, 1
    bar.y_axis.number_format = "0%"
    bar.add_data(Reference(sheet, min_col=column, min_row=1, max_row=rows + 1),
                 titles_from_data=True)
    bar.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    return bar


def _per_unit(book: Workbook, name: str, first: str,
              units: Sequence[tuple[str, Mapping[str, Any]]], columns: Sequence[str], *,
              total: bool = False) -> None:
    """A table of ``units`` (places or schools), with its 合计 row when ``total``."""
    listed = [*units, total_row(units, columns)] if total and units else list(units)
    rows = [(label, *(unit.get(column) for column in columns)) for label, unit in listed]
    sheet = _table(book, name, (first, *(column_title(c) for c in columns)), rows,
                   rates={i + 2 for i, c in enumerate(columns) if c in RATES})
    if "aid_yuan" in columns:
        _in_yuan(sheet, columns.index("aid_yuan") + 2)
    if total and units:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True, name=BODY_FONT)
    for index, column in enumerate(columns, 2):  # many columns: narrow ones, headers wrapped
        sheet.column_dimensions[get_column_letter(index)].width = (
            22 if column == SCHOOL_PLACE else 10)
    sheet.column_dimensions["A"].width = 26
    for cell in sheet[1]:
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 48


def _in_yuan(sheet: Worksheet, column: int, *, row: int | None = None) -> None:
    """Money in yuan with its fen (20740.00): the ``column``'s data rows, or its one ``row``."""
    rows = range(row, row + 1) if row else range(2, sheet.max_row + 1)
    for index in rows:
        sheet.cell(row=index, column=column).number_format = "0.00"


def _foot(sheet: Worksheet, foot: Mapping[str, str]) -> None:
    """Who sends the report (报送单位, 填报人, 审核人, 填报日期), below the overview's figures."""
    sheet.append([])
    for label, value in (("报送单位", foot["报送单位"]),
                         ("填报人", f"{foot['填报人']}    联系电话：{foot['填报人电话']}"),
                         ("审核人", f"{foot['审核人']}    联系电话：{foot['审核人电话']}"),
                         ("填报日期", foot["填报日期"])):
        sheet.append([label, value])


def _changes_sheets(book: Workbook, changes: Mapping[str, Any], places: Places,
                    zone: str) -> None:
    """What moved since the earlier version (变化说明), and the late records that moved it,
    recorded at instants shown in the programme's ``zone``."""
    _table(book, "变化说明", ("指标", "原数值", "现数值"),
           [(change_title(c["figure"]), c["before"], c["after"]) for c in changes["figures"]]
           + ([("原因", "见“补录记录”表" if changes["events"] else unexplained(), None)]
              if changes["figures"] else []))
    sheet = _table(book, "补录记录", ("补录事件", "发生日期", "记录时间", "乡镇", "学校", "内容"),
                   [(e["event_title"], e["occurred_on"], shown_instant(e["recorded_at"], zone),
                     place_with_code(e["township"], places),
                     school_title(e["school"]), e["summary"]) for e in changes["events"]])
    if not changes["events"]:
        sheet.append(["无", None, None, None, None, unexplained()])
    sheet.column_dimensions["F"].width = 60
    for (cell,) in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
