"""The report's workbook (季度报送 Excel): one sheet per table, native charts for coverage and
compliance; see :mod:`workers.reports.files`."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
    the foot of the overview and in the notes; every sheet set up to print on A4.

    Each sheet is laid out in full (:class:`_Layout`) and then streamed row by row through
    openpyxl's write-only mode, which keeps no cell objects: a county's tables by township
    and by school are tens of thousands of cells."""
    places = places or {}
    foot = sender(figures, places, submission)
    totals = figures["totals"]
    meta = figures["meta"]
    overview = _table("总体情况", ("指标", "数值"),
                      [(REPORT_FIGURE_TITLES[key], totals[key]) for key in _TOTALS],
                      rate_rows={i for i, key in enumerate(_TOTALS) if key in RATES})
    overview.format(_TOTALS.index("aid_yuan") + 2, 2, YUAN)
    _foot(overview, foot)
    layouts = [overview, _composition(totals), _coverage_sheet(figures, places),
               _contacts_sheet(totals), _duties_sheet(figures)]
    unit = unit_word(meta["region_code"])
    for theme, columns in TOWNSHIP_SHEETS:
        layouts.append(_per_unit(f"按{unit}-{theme}", f"{unit}（区划代码）",
                                 township_rows(figures, places, columns), columns, total=True))
    listed = school_rows(figures, places, schools or {})
    for theme, columns in SCHOOL_SHEETS:
        layouts.append(_per_unit(f"按学校-{theme}", "学校", listed, columns, total=True))
    layouts.append(_table(
        "退出与结束原因", ("类别", "原因", "数量"),
        [("儿童退出", reason, n) for reason, n in sorted(totals["exit_reasons"].items())]
        + [("结对结束", reason, n) for reason, n in sorted(totals["pairing_end_reasons"].items())]))
    layouts.append(_table(
        "情况报告", ("项目", "数量"),
        [(REPORT_FIGURE_TITLES[k], totals[k]) for k in ("concerns_reported", "concerns_resolved",
                                                         "concerns_open")]
        + [(f"类别：{concern_title(kind)}", n)
           for kind, n in sorted(totals["concerns_by_kind"].items())]))
    layouts.append(_table(
        "志愿者", ("项目", "人数"),
        [(REPORT_FIGURE_TITLES[k], totals[k]) for k in _TOTALS if k.startswith("volunteers_")]))
    notes = _table("说明", ("项目", "内容"), [
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
    notes.wrap(2, width=60)
    layouts.append(notes)
    if changes is not None:
        layouts += _changes_sheets(changes, places, report_zone(meta))
    book = Workbook(write_only=True)
    heading = said(title(figures, places), meta)
    for layout in layouts:
        layout.write(book, meta, heading, foot["报送单位"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: The number formats of the workbook: a rate as a percentage, money in yuan with its fen.
PERCENT, YUAN = "0.00%", "0.00"
_BOLD = Font(bold=True, name=BODY_FONT)
_CENTRED = Alignment(horizontal="center")
_WRAPPED_HEADER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
#: Draws a chart on the sheet once it exists (a chart refers to the sheet's cells by name).
Chart = Callable[[WriteOnlyWorksheet], None]


class _Layout:
    """A sheet laid out before it is written: its header and rows, the number format of each
    cell that has one, its bold rows and wrapped columns, its columns' widths and its charts.
    The header row is frozen, bold and centred, and repeated on every printed page."""

    def __init__(self, name: str, header: Sequence[str]) -> None:
        self.name, self.header = name, list(header)
        self.rows: list[list[Any]] = []
        self.widths = {index: 16.0 for index in range(1, len(header) + 1)} | {1: 32.0}
        self.header_alignment = _CENTRED
        self.header_height: float | None = None
        self.formats: dict[tuple[int, int], str] = {}  # (sheet row, column), from 1
        self.bold: set[int] = set()
        self.wrapped: set[int] = set()
        self.charts: list[Chart] = []

    def append(self, row: Sequence[Any]) -> int:
        """Add a row below the others; its row number on the sheet."""
        self.rows.append(list(row))
        return len(self.rows) + 1

    @property
    def last(self) -> int:
        """The sheet's last row number (1: the header alone)."""
        return len(self.rows) + 1

    def format(self, row: int, column: int, number_format: str) -> None:
        self.formats[row, column] = number_format

    def wrap(self, column: int, *, width: float) -> None:
        """The column's data cells wrapped and aligned to their tops, ``width`` wide."""
        self.wrapped.add(column)
        self.widths[column] = width

    def write(self, book: Workbook, meta: Mapping[str, Any], heading: str, unit: str) -> None:
        """Stream the sheet into ``book`` (write-only): its columns' widths, frozen header
        and page set-up before the first row (they are written at the sheet's top), each
        row's cells with their styles, the charts last. Each text as an interim report says
        it (:func:`~workers.reports.wording.said`)."""
        sheet = book.create_sheet(self.name)
        for index, width in self.widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = width
        if self.header_height is not None:
            sheet.row_dimensions[1].height = self.header_height
        sheet.freeze_panes = "A2"
        columns = max(len(row) for row in (self.header, *self.rows))
        sheet_for_print(sheet, heading, unit, columns=columns)
        header = []
        for value in self.header:
            cell = WriteOnlyCell(sheet, said(value, meta))
            cell.font, cell.alignment = _BOLD, self.header_alignment
            header.append(cell)
        sheet.append(header)
        for number, row in enumerate(self.rows, 2):
            bold = number in self.bold
            cells: list[Any] = []
            for column, value in enumerate(row, 1):
                if isinstance(value, str):
                    value = said(value, meta)
                number_format = self.formats.get((number, column))
                if not (bold or number_format or column in self.wrapped) or value is None:
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(sheet, value)
                if number_format:
                    cell.number_format = number_format
                if bold:
                    cell.font = _BOLD
                if column in self.wrapped:
                    cell.alignment = _WRAPPED
                cells.append(cell)
            sheet.append(cells)
        for chart in self.charts:
            chart(sheet)


def _table(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
           rates: set[int] | None = None, rate_rows: set[int] | None = None) -> _Layout:
    """A sheet of ``rows``; values in the ``rates`` columns (1-based) or ``rate_rows`` (0-based
    data rows, last column) are shown as percentages."""
    layout = _Layout(name, header)
    for index, row in enumerate(rows):
        number = layout.append(row)
        for column in rates or ():
            layout.format(number, column, PERCENT)
        if rate_rows and index in rate_rows:
            layout.format(number, len(row), PERCENT)
    return layout


def _composition(totals: Mapping[str, Any]) -> _Layout:
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
    return _table("留守儿童构成", ("分类", "项目", "人数"), rows)


def _coverage_sheet(figures: Mapping[str, Any], places: Places) -> _Layout:
    columns = ("left_behind", "left_behind_paired", "left_behind_unpaired", "pairing_coverage")
    rows = [(label, *(unit[column] for column in columns))
            for label, unit in township_rows(figures, places, columns)]
    totals = figures["totals"]
    unit = unit_word(figures["meta"]["region_code"])
    layout = _table("结对覆盖", (f"{unit}（区划代码）", "留守儿童", "已结对", "未结对", "覆盖率"),
                    rows, rates={5})
    total = layout.append(["合计", totals["left_behind"], totals["left_behind_paired"],
                           totals["left_behind_unpaired"], totals["pairing_coverage"]])
    layout.format(total, 5, PERCENT)
    if rows:
        def bar(sheet: WriteOnlyWorksheet) -> None:
            chart = _rate_chart(sheet, f"各{unit}结对覆盖率（目标100%）", "col", column=5,
                                rows=len(rows))
            chart.y_axis.title = "覆盖率"
            chart.width, chart.height = 18, 8
            sheet.add_chart(chart, "G2")
        layout.charts.append(bar)
    # the pie reads two cells of its own: paired and unpaired in the whole region
    layout.append([])
    paired = layout.append(["已结对", totals["left_behind_paired"]])
    layout.append(["未结对", totals["left_behind_unpaired"]])

    def pie(sheet: WriteOnlyWorksheet) -> None:
        chart = PieChart()
        chart.title = "留守儿童结对情况"
        chart.add_data(Reference(sheet, min_col=2, min_row=paired, max_row=paired + 1))
        chart.set_categories(Reference(sheet, min_col=1, min_row=paired, max_row=paired + 1))
        sheet.add_chart(chart, "G20")
    layout.charts.append(pie)
    return layout


def _contacts_sheet(totals: Mapping[str, Any]) -> _Layout:
    rows: list[tuple[str, int]] = [
        (kind_title(kind), n) for kind, n in in_kind_order(totals["contacts_by_kind"])]
    rows += [(REPORT_FIGURE_TITLES[k], totals[k]) for k in ("contacts", "home_visits", "activities",
                                             "group_activities", "children_contacted",
                                             "children_reached", "items_given", "aid_yuan")]
    layout = _table("联系走访", ("联系方式 / 项目", "次数 / 数量"), rows)
    layout.format(layout.last, 2, YUAN)  # the money, last
    return layout


def _duties_sheet(figures: Mapping[str, Any]) -> _Layout:
    duties = figures["totals"]["duties"]
    rows = [(duty_title(name), *(counts[key] for key, _ in DUTY_COLUMNS))
            for name, counts in duties.items()]
    layout = _table("履职情况", ("职责", *(label for _, label in DUTY_COLUMNS)), rows,
                    rates={4})
    if rows:
        def bar(sheet: WriteOnlyWorksheet) -> None:
            chart = _rate_chart(sheet, "各项职责履职率", "bar", column=4, rows=len(rows))
            chart.x_axis.title = "职责"
            chart.width, chart.height = 20, 9
            sheet.add_chart(chart, "J2")
        layout.charts.append(bar)
    return layout


def _rate_chart(sheet: WriteOnlyWorksheet, title: str, direction: str, *, column: int,
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


def _per_unit(name: str, first: str, units: Sequence[tuple[str, Mapping[str, Any]]],
              columns: Sequence[str], *, total: bool = False) -> _Layout:
    """A table of ``units`` (places or schools), with its 合计 row when ``total``."""
    listed = [*units, total_row(units, columns)] if total and units else list(units)
    rows = [(label, *(unit.get(column) for column in columns)) for label, unit in listed]
    layout = _table(name, (first, *(column_title(c) for c in columns)), rows,
                    rates={i + 2 for i, c in enumerate(columns) if c in RATES})
    if "aid_yuan" in columns:
        money = columns.index("aid_yuan") + 2
        for number in range(2, layout.last + 1):
            layout.format(number, money, YUAN)
    if total and units:
        layout.bold.add(layout.last)
    for index, column in enumerate(columns, 2):  # many columns: narrow ones, headers wrapped
        layout.widths[index] = 22 if column == SCHOOL_PLACE else 10
    layout.widths[1] = 26
    layout.header_alignment, layout.header_height = _WRAPPED_HEADER, 48
    return layout


def _foot(layout: _Layout, foot: Mapping[str, str]) -> None:
    """Who sends the report (报送单位, 填报人, 审核人, 填报日期), below the overview's figures."""
    layout.append([])
    for label, value in (("报送单位", foot["报送单位"]),
                         ("填报人", f"{foot['填报人']}    联系电话：{foot['填报人电话']}"),
                         ("审核人", f"{foot['审核人']}    联系电话：{foot['审核人电话']}"),
                         ("填报日期", foot["填报日期"])):
        layout.append([label, value])


def _changes_sheets(changes: Mapping[str, Any], places: Places, zone: str) -> list[_Layout]:
    """What moved since the earlier version (变化说明), and the late records that moved it,
    recorded at instants shown in the programme's ``zone``."""
    moved = _table("变化说明", ("指标", "原数值", "现数值"),
                   [(change_title(c["figure"]), c["before"], c["after"])
                    for c in changes["figures"]]
                   + ([("原因", "见“补录记录”表" if changes["events"] else unexplained(), None)]
                      if changes["figures"] else []))
    late = _table("补录记录", ("补录事件", "发生日期", "记录时间", "乡镇", "学校", "内容"),
                  [(e["event_title"], e["occurred_on"], shown_instant(e["recorded_at"], zone),
                    place_with_code(e["township"], places),
                    school_title(e["school"]), e["summary"]) for e in changes["events"]])
    if not changes["events"]:
        late.append(["无", None, None, None, None, unexplained()])
    late.wrap(6, width=60)
    return [moved, late]
