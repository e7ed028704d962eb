"""The report's narrative (季度报送 Word): in the shape of the programme's templates, blanks
filled in, with tables by township and school; see :mod:`workers.reports.files`."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from copy import deepcopy
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell

from domain.duties import duty_title
from domain.instants import shown_instant
from domain.reports import Submission
from domain.reports.definitions import FIGURE_DEFINITIONS, TOTAL_ROW_NOTE, figure_title
from domain.vocabulary import CATEGORY_TITLES, SHAPE_TITLES
from projections.reports.changes import report_zone
from projections.reports.tally import AGE_BANDS
from workers.reports.paper import a4_with_page_numbers
from workers.reports.wording import (
    BAND_TITLES,
    BODY_FONT,
    HEADING_FONT,
    SCHOOL_PLACE,
    TABLE_SIZE,
    Places,
    change_title,
    column_title,
    concern_title,
    definitions_note,
    in_kind_order,
    interim,
    kind_title,
    percent,
    period_words,
    place_with_code,
    said,
    school_rows,
    school_title,
    sender,
    shown,
    tiers,
    title,
    total_row,
    township_rows,
    unexplained,
    unit_word,
)


def docx_bytes(figures: Mapping[str, Any], changes: Mapping[str, Any] | None = None,
               places: Places | None = None, submission: Submission | None = None,
               schools: Mapping[str, str] | None = None) -> bytes:
    """The narrative report in Chinese, in the shape of the programme's templates; places by
    name (``places``), with their codes in the tables; each school with its township
    (``schools``: the township code of each school's name); who sends it (``submission``)
    under the title and at the foot; A4, with 第 X 页 共 Y 页 in the footer."""
    places = places or {}
    foot = sender(figures, places, submission)
    document = Document()
    _fonts(document)
    a4_with_page_numbers(document)
    meta, t = figures["meta"], figures["totals"]
    special, general = tiers(t)
    heading = document.add_heading(title(figures, places), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"报送单位：{foot['报送单位']}    填报日期：{foot['填报日期']}")
    document.add_paragraph(
        f"{period_words(meta)}；状态类数字统计至"
        + (f"{meta['period_end']}（当日）" if interim(meta) else f"季度末（{meta['period_end']}）")
        + f"；数据截至{shown_instant(meta['known_at'], report_zone(meta))}已录入的记录。")

    document.add_heading("一、留守儿童基本情况", level=1)
    ages = (f"年龄{t['left_behind_age_min']}至{t['left_behind_age_max']}岁"
            if t["left_behind_age_min"] is not None else "暂无留守儿童")
    document.add_paragraph(
        f"截至{meta['period_end']}，在册儿童{t['children_registered']}人"
        f"（男{t['children_registered_boys']}人，女{t['children_registered_girls']}人），"
        f"其中留守儿童{t['left_behind']}人（男{t['left_behind_boys']}人，"
        f"女{t['left_behind_girls']}人），{ages}。"
        f"特殊（重点）留守儿童{special}人（其中双亲外出"
        f"{t['both_parents_away']}人），一般留守儿童{general}人；隔代监护{t['grandparent_guardians']}人。"
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
    kinds = "，".join(f"{kind_title(k)}{n}次" for k, n in in_kind_order(t["contacts_by_kind"])
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
        done = (f"应履职{counts['periods_due']}期次，已履职{counts['periods_met']}期次，"
                f"履职率{percent(counts['compliance_rate'])}" if counts["periods_due"]
                else "本季度无到期的期次（不计履职率）")
        document.add_paragraph(f"{duty_title(name)}：{done}；季度末逾期{counts['overdue']}项。",
                               style="List Bullet")

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

    unit = unit_word(meta["region_code"])
    document.add_heading(f"七、分{unit}情况", level=1)
    columns = ("left_behind", "left_behind_paired", "pairing_coverage", "contacts",
               "home_visits", "items_given", "duty_compliance", "concerns_reported")
    _docx_table(document, f"{unit}（区划代码）", township_rows(figures, places, columns), columns)
    document.add_heading("八、分学校情况", level=1)
    _docx_table(document, "学校", school_rows(figures, places, schools or {}),
                (SCHOOL_PLACE, "left_behind", "pupils", "left_behind_share_of_pupils",
                 "pairing_coverage", "contacts", "home_visits"))

    if changes is not None:
        _docx_changes(document, changes, places, report_zone(meta))
    document.add_heading("说明", level=1)
    document.add_paragraph(
        "本报告由系统依据截至上述记录时间已录入的数据自动生成；以同一记录时间重新生成，数字完全相同。"
        "状态类数字（在册、留守、结对、逾期、在册志愿者）统计至"
        + (f"{meta['period_end']}当日（季度未结束），其余为本季度开始至该日的发生数。"
           if interim(meta) else "季度末当日，其余为季度内发生数。") +
        "留守儿童按“未满十六周岁、父母双方外出务工或一方外出务工另一方无监护能力”认定。")
    if note := definitions_note(meta):
        document.add_paragraph(note)
    document.add_paragraph(TOTAL_ROW_NOTE)
    document.add_paragraph("主要指标口径：")
    for key, meaning in FIGURE_DEFINITIONS.items():
        document.add_paragraph(f"{figure_title(key)}：{meaning}", style="List Bullet")
    _sign_off(document, foot)
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
            run.text = said(run.text, meta)


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


def _reasons(reasons: Mapping[str, int], unit: str) -> str:
    if not reasons:
        return ""
    return "（" + "，".join(f"{reason}{n}{unit}" for reason, n in reasons.items()) + "）"


def _docx_table(document: Any, first: str, units: Sequence[tuple[str, Mapping[str, Any]]],
                columns: Sequence[str]) -> None:
    """A table of ``units`` (places or schools), its header repeated on every page, and its
    合计 row; every cell's text at 五号 (10.5 pt), so the columns fit the page's width unbroken.

    A county has some two thousand rows: python-docx's ``add_row`` and ``cell.text`` look up
    and insert each element one by one, so one row is made with them and copied for the
    others, with only the texts changed; the XML is the same as adding every row."""
    if not units:
        document.add_paragraph("无。")
        return
    table = document.add_table(rows=1, cols=len(columns) + 1)
    table.style = "Table Grid"
    _fill(table.rows[0], (first, *(column_title(c) for c in columns)))
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    rows = [(label, *(shown(column, unit.get(column)) for column in columns))
            for label, unit in [*units, total_row(units, columns)]]
    model = _fill(table.add_row(), ["0"] * len(rows[0]))
    for texts in rows[:-1]:
        row = deepcopy(model)
        _retext(table, row, texts)
        model.addprevious(row)
    model.getparent().remove(model)
    _fill(table.add_row(), rows[-1], bold=True)


def _fill(row: Any, texts: Sequence[str], *, bold: bool = False) -> Any:
    """Write ``texts`` into the cells of ``row`` (a python-docx row); returns its element."""
    for cell, text in zip(row.cells, texts, strict=True):
        _write(cell, text, bold=bold)
    return row._tr


def _write(cell: _Cell, text: str, *, bold: bool = False) -> None:
    """A table cell's text, at the tables' size (五号, 10.5 pt), bold if asked."""
    cell.text = text
    for run in cell.paragraphs[0].runs:
        if bold:
            run.bold = True
        run.font.size = TABLE_SIZE


def _retext(table: Any, row: Any, texts: Sequence[str]) -> None:
    """Change the texts of a copied row (a ``w:tr`` whose cells each hold one ``w:t``): a
    text python-docx writes as one plain ``w:t`` replaces it; any other (empty, with tabs or
    line breaks, spaces at its ends) is written again as ``cell.text`` writes it."""
    for tc, text in zip(row.iterchildren(qn("w:tc")), texts, strict=True):
        if text and text == text.strip() and not any(c in text for c in "\t\n\r"):
            next(tc.iter(qn("w:t"))).text = text
        else:
            _write(_Cell(tc, table), text)


def _sign_off(document: Any, foot: Mapping[str, str]) -> None:
    """The foot an office signs (落款): who prepared and who checked the report, with their
    phones; the reporting unit and the day, on the right."""
    document.add_paragraph(f"填报人：{foot['填报人']}    联系电话：{foot['填报人电话']}")
    document.add_paragraph(f"审核人：{foot['审核人']}    联系电话：{foot['审核人电话']}")
    for text in (foot["报送单位"], foot["填报日期"]):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_changes(document: Any, changes: Mapping[str, Any], places: Places,
                  zone: str) -> None:
    """What moved since the report sent before, and the records that moved it: those entered
    late and the corrections (学校在校生人数更正 among them); never a reason left blank."""
    document.add_heading("九、与上次报送相比的变化", level=1)
    events = changes["events"]
    document.add_paragraph(
        f"上次报送数据截至{shown_instant(changes['since'], zone)}，本次截至"
        f"{shown_instant(changes['until'], zone)}。"
        + (f"其间补录或更正了影响本季度数字的记录{len(events)}条。" if events else
           "其间没有补录或更正影响本季度数字的记录。")
        + ("以下数字随之变化：" if changes["figures"] else "各项数字无变化。"))
    for change in changes["figures"]:
        key = change["figure"].rsplit(".", 1)[-1]
        document.add_paragraph(
            f"{change_title(change['figure'])}：由{shown(key, change['before'])}"
            f"变为{shown(key, change['after'])}", style="List Bullet")
    if not events:
        if changes["figures"]:
            document.add_paragraph(f"原因：{unexplained()}")
        return
    document.add_paragraph("原因（补录或更正的记录）：" if changes["figures"]
                           else "其间补录或更正的记录（未改变上述数字）：")
    for event in events:
        where = [place_with_code(event["township"], places)]
        if event["school"] not in event["summary"]:
            where.append(school_title(event["school"]))
        document.add_paragraph(f"{event['summary']}（{'，'.join(where)}）", style="List Bullet")
