"""What each report figure means, and the days its meaning changed (指标口径变更).

A quarterly report reproduced "as known at" an instant ``T`` reads only what the register had
been told by then, so its counts come out as they first did; but it is computed by the rules in
force today. Where the rule behind a figure changed after ``T`` (a figure added, a count that now
leaves some records out), the reproduced figure may differ from the one first produced, and the
report says so: it lists every :class:`DefinitionChange` that took effect after its ``known_at``
(:func:`changed_since`), with the figure's key, the day the change took effect and what changed,
in Chinese (口径变更说明).

Each change is one entry of :data:`DEFINITION_CHANGES`, as data: a figure's key is the dotted
name the report's figures use (``pairing_coverage``, ``duties.monthly_activity``). A change to a
figure's meaning adds an entry here, beside the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from domain.duties import duty_title
from domain.programme import Programme
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


@dataclass(frozen=True)
class DefinitionChange:
    """One figure's definition changed (口径变更) from the start of ``since`` (China's day)."""

    figure: str
    since: date
    what: str

    def as_dict(self) -> dict[str, str]:
        """``{"figure", "since", "what"}``, as the report gives it."""
        return {"figure": self.figure, "since": self.since.isoformat(), "what": self.what}


#: The day the programme's rules took the shape the documents give them: contacts name their
#: children, the duties follow the documents' kinds, the special tier and coverage are derived.
PROGRAMME_RULES = date(2026, 12, 4)

#: The day a report of a quarter still in progress began to count up to the day it is known
#: (季度未结束), and a duty missed before the quarter and still overdue to count as owed in it.
QUARTER_IN_PROGRESS = date(2026, 12, 6)

#: Every change of a figure's definition, oldest first.
DEFINITION_CHANGES: tuple[DefinitionChange, ...] = (
    DefinitionChange(
        "pairing_coverage", PROGRAMME_RULES,
        "结对覆盖率只计季度末有在岗（未暂停、未取消资格）爱心妈妈结对的留守儿童"),
    DefinitionChange(
        "left_behind_paired", PROGRAMME_RULES,
        "已结对留守儿童只计季度末有在岗（未暂停、未取消资格）爱心妈妈结对的儿童"),
    DefinitionChange(
        "left_behind_unpaired", PROGRAMME_RULES,
        "未结对留守儿童包括结对的爱心妈妈均已暂停或取消资格的儿童"),
    DefinitionChange(
        "left_behind_by_category.both_parents_away", PROGRAMME_RULES,
        "双亲外出由父母状况（均外出务工）推定，不再手工填写"),
    DefinitionChange(
        "left_behind_special", PROGRAMME_RULES,
        "有关爱类别的留守儿童中，双亲外出由父母状况推定；“特殊（重点）留守儿童”改按新指标"
        "special_attention（单亲、贫困、残疾、事实无人抚养或双亲外出）统计"),
    DefinitionChange(
        "both_parents_away", PROGRAMME_RULES,
        "新增指标：父母均外出务工的留守儿童（由父母状况推定）"),
    DefinitionChange(
        "special_attention", PROGRAMME_RULES,
        "新增指标：重点（特殊）留守儿童：单亲、家庭贫困、残疾、事实无人抚养或双亲外出"),
    DefinitionChange(
        "grandparent_guardians", PROGRAMME_RULES,
        "新增指标：由祖父母或外祖父母监护（隔代监护）的留守儿童"),
    DefinitionChange(
        "volunteers_paired", PROGRAMME_RULES,
        "新增指标：季度末在结对中的爱心妈妈（人）"),
    DefinitionChange(
        "duties.semester_teacher_visit", PROGRAMME_RULES,
        "双访：每学期与班主任取得联系即可（联系班主任或走访学校），不再只计走访"),
    DefinitionChange(
        "duties.semester_guardian_visit", PROGRAMME_RULES,
        "双访：每学期与临时监护人沟通即可（联系监护人或家访），不再只计家访"),
    DefinitionChange(
        "duties.quarterly_parent_call", PROGRAMME_RULES,
        "三个一：每季度由帮扶人与孩子父母通话（联系父母），不再计孩子的亲情电话"),
    DefinitionChange(
        "duties.monthly_activity", PROGRAMME_RULES,
        "三个一：每月帮扶包括学业辅导和心理疏导"),
    DefinitionChange(
        "duty_compliance", PROGRAMME_RULES,
        "职责按每个孩子分别计算（联系只计其所涉及的孩子），双访和三个一的计入方式随之变更"),
    DefinitionChange(
        "duties_periods_due", PROGRAMME_RULES,
        "应履职期次按结对的每个孩子分别计算（一对多结对的每个孩子各计一次）"),
    DefinitionChange(
        "duties_periods_met", PROGRAMME_RULES,
        "已履职期次按每个孩子分别计算，联系只计入其所涉及的孩子"),
    DefinitionChange(
        "duties_overdue", PROGRAMME_RULES, "季度末逾期职责按每个孩子的每项职责计数"),
    DefinitionChange(
        "duties_escalated", PROGRAMME_RULES, "逾期超过时限的职责按每个孩子的每项职责计数"),
    DefinitionChange(
        "pairings_with_overdue", PROGRAMME_RULES, "结对中任一孩子有逾期职责即计入"),
    DefinitionChange(
        "contacts", PROGRAMME_RULES,
        "联系走访另计入学校、妇联在儿童名下记录的联系（班主任谈心、家访等，不属于任何结对）"),
    DefinitionChange(
        "home_visits", PROGRAMME_RULES,
        "家访另计入学校、妇联在儿童名下记录的家访（不属于任何结对）"),
    DefinitionChange(
        "activities", PROGRAMME_RULES,
        "开展活动另计入集体活动（每次活动计一次，无论涉及多少儿童）"),
    DefinitionChange(
        "items_given", PROGRAMME_RULES, "发放物品另计入集体活动和慰问发放的物品"),
    DefinitionChange(
        "group_activities", PROGRAMME_RULES, "新增指标：集体活动、慰问（每次计一次）"),
    DefinitionChange(
        "children_reached", PROGRAMME_RULES,
        "新增指标：本季度联系走访或集体活动涉及的儿童（每人计一次；只联系班主任、监护人或父母的不计）"),
    DefinitionChange(
        "aid_yuan", PROGRAMME_RULES, "新增指标：集体活动和慰问发放的慰问金（元）"),
    DefinitionChange(
        "volunteers_approved", PROGRAMME_RULES,
        "季度末在册爱心妈妈按审核、暂停、恢复、取消资格发生的日期先后认定（补录的按其发生日期）"),
    DefinitionChange(
        "period_end", QUARTER_IN_PROGRESS,
        "季度未结束时，报表标明“季度未结束”并统计至数据截至当日：状态类数字为该日的情况，"
        "其余为季度开始至该日的发生数（此前状态类数字按尚未到来的季度末统计）"),
    DefinitionChange(
        "duties_periods_due", QUARTER_IN_PROGRESS,
        "季度末仍逾期、且最后未完成的期次在本季度之前结束的职责，计入本季度应履职期次（未履职），"
        "应履职期次不少于逾期职责数"),
)


#: What each main figure of the report counts (指标口径), in the report's words: the note (说明)
#: the files end with. "季度末" is the day state is counted on (a quarter not ended: the day
#: the report is known at).
FIGURE_DEFINITIONS: dict[str, str] = {
    "children_registered": (
        "季度末在册（已建档、未退出）的儿童人数。"),
    "left_behind": (
        "在册儿童中，季度末未满十六周岁、父母双方外出务工或一方外出务工另一方无监护能"
        "力的儿童人数（由父母状况推定，不手工填写）。"),
    "special_attention": (
        "留守儿童中单亲、家庭贫困、残疾、事实无人抚养或双亲外出的人数（一人只计一次）"
        "。"),
    "grandparent_guardians": (
        "留守儿童中由祖父母或外祖父母监护（隔代监护）的人数。"),
    "left_behind_paired": (
        "季度末有在岗（未暂停、未取消资格）爱心妈妈结对的留守儿童人数。"),
    "pairing_coverage": (
        "已结对留守儿童 ÷ 留守儿童（目标100%）。"),
    "left_behind_share_of_pupils": (
        "在已登记在校学生数的学校中，留守儿童 ÷ 在校学生数；在校学生数取各校登记的"
        "、季度末所在学期的人数（按数据截至时间已登记的为准）。"),
    "pairings_active": (
        "季度末仍在结对中的结对数（一对一、多帮一、一对多各计一对）。"),
    "contacts": (
        "本季度发生的联系走访次数：结对帮扶人的联系和学校、妇联在儿童名下记录的联系，"
        "各种方式合计（含家访）。"),
    "home_visits": (
        "联系走访中方式为家访的次数。"),
    "children_reached": (
        "本季度联系走访或集体活动涉及的儿童人数（每人计一次；只联系班主任、监护人或父"
        "母的不计）。"),
    "aid_yuan": (
        "集体活动和慰问发放的慰问金合计（元）。"),
    "duty_compliance": (
        "本季度应履职期次中已履职的比例：每个结对的每个孩子、每项职责的每个期次各计一"
        "次。"),
    "duties_overdue": (
        "季度末已过期限仍未履行的职责项数（按每个孩子的每项职责计）。"),
    "concerns_reported": (
        "本季度报告的异常情况（缺课、受伤、生病、监护缺失、情绪危机等）件数。"),
    "volunteers_approved": (
        "季度末经逐级审核通过、未暂停、未取消资格的爱心妈妈人数。"),
}
#: How the files count in every table by place: 合计 adds up the rows; shares in it are computed
#: again from the added counts.
TOTAL_ROW_NOTE = ("各分乡镇（村）、分学校表的“合计”为各行之和，其中比例由合计数重新计算；"
                  "区县本级（县直/未分乡镇）的数字只在不为零时单列一行。")


#: The figures that are shares (0 to 1), shown as percentages, by the last part of their
#: dotted names (``duties.monthly_contact.compliance_rate``).
RATES = frozenset({"pairing_coverage", "left_behind_share_of_pupils", "duty_compliance",
                   "compliance_rate"})

#: The title of each breakdown a figure's dotted name begins with, and the words of its members.
_BREAKDOWNS: dict[str, tuple[str, Mapping[str, str]]] = {
    "contacts_by_kind": ("联系走访", CONTACT_KIND_TITLES),
    "left_behind_by_category": ("留守儿童", CATEGORY_TITLES),
    "left_behind_by_age_band": ("留守儿童", AGE_BAND_TITLES),
    "pairings_active_by_shape": ("季度末在结对", SHAPE_TITLES),
    "concerns_by_kind": ("情况报告", CONCERN_KIND_TITLES),
    "exit_reasons": ("儿童退出原因", {}),
    "pairing_end_reasons": ("结对结束原因", {}),
}


def figure_title(key: str) -> str:
    """A figure's title in Chinese, by its dotted name: a total (结对覆盖率), one duty's
    (``duties.monthly_contact``: 履职：每月至少联系一次孩子) or one of its columns
    (``duties.monthly_contact.compliance_rate``: 每月至少联系一次孩子：履职率), a member of a
    breakdown (``contacts_by_kind.activity``: 联系走访：集体活动; ``left_behind_by_age.9``:
    留守儿童：9岁)."""
    head, _, rest = key.partition(".")
    if not rest:
        return title_of(REPORT_FIGURE_TITLES, key)
    if head == "duties":
        name, _, column = rest.partition(".")
        if not column:
            return f"履职：{duty_title(name)}"
        return f"{duty_title(name)}：{title_of(DUTY_FIGURE_TITLES, column)}"
    if head == "left_behind_by_age":
        return f"留守儿童：{rest}岁"
    if head in _BREAKDOWNS:
        title, words = _BREAKDOWNS[head]
        return f"{title}：{title_of(words, rest)}"
    return f"{title_of(REPORT_FIGURE_TITLES, head)}：{rest}"


def breakdown_word(region_code: str) -> str:
    """What a report of ``region_code`` is broken down by (the next level of the division
    codes): 乡镇 for a county or above, 村（社区） for a township."""
    return "乡镇" if len(region_code) < 9 else "村（社区）"


def _china_day(instant: datetime) -> date:
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(ZoneInfo(Programme.timezone)).date()


def changed_since(known_at: datetime,
                  changes: Iterable[DefinitionChange] = DEFINITION_CHANGES,
                  ) -> tuple[DefinitionChange, ...]:
    """The changes that took effect after ``known_at``: a report as known at ``known_at`` was
    first produced under the earlier definitions of these figures. In the order of
    ``changes``."""
    day = _china_day(known_at)
    return tuple(change for change in changes if day < change.since)


def definitions_changed(known_at: datetime) -> list[dict[str, str]]:
    """The report's ``definitions_changed``: ``[{"figure", "since", "what"}]``."""
    return [change.as_dict() for change in changed_since(known_at)]
