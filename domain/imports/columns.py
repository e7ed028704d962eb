"""The forms' columns (表头) and how a row of a register in a spreadsheet is read.

The children's register follows the 花名册 of the 摸底排查 survey; the volunteers' the
爱心妈妈登记表. A sheet's header row names its columns in Chinese, in any order: the first of
its first :data:`HEADER_ROWS` rows that holds the form's required headers, a register's title
rows above it left aside (:func:`find_header`). A 序号 column, and the columns the exported
register adds (是否留守, 结对情况, 状态, 退出日期, 年满16周岁日期, 档案编号: facts the register
keeps, which an import does not take), are passed over; a column the form does not have, or
a required one missing, refuses the sheet as a whole (:class:`HeadersRefused`). Each cell is
read as people type it: 男/女, 外出务工/在家/无监护能力/已故, 奶奶 or 祖母, dates as Excel
dates or as 2015-03-02, 2015/3/2, 2015年3月2日. A cell that
cannot be read is :class:`CellRefused`, naming its column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.errors import DomainError
from domain.vocabulary import CATEGORY_TITLES, PARENT_STATUS_TITLES, SEX_TITLES


@dataclass(frozen=True)
class Column:
    """One column of a form: its header, the field it fills, whether the sheet must have
    it, and what a clerk is told to type in it (the template's 填写说明)."""

    header: str
    field: str
    required: bool = False
    note: str = ""
    choices: tuple[str, ...] = ()


_DATE_NOTE = "日期，如 2015-03-02、2015/3/2 或 2015年3月2日，也可用 Excel 日期格式"
_PARENT_STATES = ("外出务工", "在家", "无监护能力", "已故")


def _parent(role: str, title: str) -> list[Column]:
    return [
        Column(f"{title}姓名", f"{role}.name"),
        Column(f"{title}状况", f"{role}.status", note="填写该列时须选其一",
               choices=_PARENT_STATES),
        Column(f"{title}电话", f"{role}.phone", note="7至20位数字，可含 +、- 和空格"),
        Column(f"{title}务工地", f"{role}.work_location", note="如 广东省东莞市"),
    ]


#: The children's register (花名册), column by column.
CHILD_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True, "儿童姓名，必填"),
    Column("性别", "sex", True, "必填", ("男", "女")),
    Column("出生日期", "birth_date", True, "必填；" + _DATE_NOTE + "；不能晚于今天"),
    Column("民族", "ethnicity", note="如 汉族"),
    Column("身份证号", "id_number", note="18位身份证号码：17位数字加校验码（末位数字或X）；"
           "须以文本格式填写，数字格式的单元格末几位会被 Excel 改动，不予导入"),
    Column("行政区划代码", "region_code", True,
           "必填；6位（县）、9位（乡镇）或12位（村/社区）数字，须为地名登记中已有的地方"),
    Column("所在地", "place_name", note="地名，仅供核对，以行政区划代码为准"),
    Column("学校", "school", True, "必填，如 石牌镇中心小学"),
    Column("班级", "class_name", note="如 四年级二班"),
    Column("是否寄宿", "boarding", note="是 或 否", choices=("是", "否")),
    Column("家庭住址", "address"),
    *_parent("father", "父亲"),
    *_parent("mother", "母亲"),
    Column("监护人姓名", "guardian.name", note="受委托监护人；填写时须同时填写监护人关系"),
    Column("监护人关系", "guardian.relation",
           note="如 爷爷、奶奶、外公、外婆、叔叔、姑姑、哥哥、亲戚、邻居、老师、其他",
           choices=("祖父", "祖母", "外祖父", "外祖母", "叔伯/舅舅", "姑姑/姨妈", "兄弟姐妹",
                    "其他亲属", "邻居", "老师", "其他")),
    Column("监护人年龄", "guardian.age", note="整数，1至129"),
    Column("监护人健康", "guardian.health", note="如 良好"),
    Column("监护人文化程度", "guardian.education", note="如 小学"),
    Column("监护人电话", "guardian.phone", note="7至20位数字，可含 +、- 和空格"),
    Column("类别", "categories",
           note="重点关爱类别，可填多个，用顿号或逗号分开：" + "、".join(
               title for code, title in CATEGORY_TITLES.items() if code != "both_parents_away")
           + "（双亲外出由父母状况得出，不必填写）"),
    Column("建档日期", "registered_on", note=_DATE_NOTE + "；不填则为导入当天"),
    Column("同意人", "consent.by", True,
           "必填：同意建档的父母或监护人姓名（未成年人信息须经同意）"),
    Column("同意人关系", "consent.relation", True, "必填，如 父亲、母亲、祖母"),
    Column("同意日期", "consent.on", True, "必填；" + _DATE_NOTE),
    Column("同意方式", "consent.method", True, "必填，如 书面签字",
           ("书面签字", "电话确认", "其他")),
)

#: The volunteers' register (爱心妈妈登记表), column by column.
VOLUNTEER_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True, "必填"),
    Column("单位", "unit", note="工作单位"),
    Column("家庭住址", "address"),
    Column("出生日期", "birth_date", note=_DATE_NOTE),
    Column("邮政编码", "postal_code", note="6位数字"),
    Column("政治面貌", "political_status", note="如 中共党员、群众",
           choices=("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")),
    Column("职务", "position"),
    Column("联系电话", "phone", True, "必填；7至20位数字，可含 +、- 和空格"),
    Column("文化程度", "education", note="如 大专"),
    Column("个人经历", "experience"),
    Column("电子邮箱", "email", note="可不填；填写后提醒可发至该邮箱"),
    Column("行政区划代码", "region_code", True,
           "必填；6位、9位或12位数字，须为地名登记中已有的地方"),
    Column("申请日期", "applied_on", note=_DATE_NOTE + "；不填则为导入当天"),
)

COLUMNS: Mapping[str, tuple[Column, ...]] = {
    "children": CHILD_COLUMNS, "volunteers": VOLUNTEER_COLUMNS}
#: What each kind of register is called on the form.
TITLES: Mapping[str, str] = {"children": "留守儿童花名册", "volunteers": "爱心妈妈登记表"}


#: How many rows at the top of a sheet may hold its header row (title rows above it).
HEADER_ROWS = 5
#: Headers read and passed over: the row's number (序号), and for the children's register
#: the columns its export adds, facts the register keeps that no import sets.
IGNORED: Mapping[str, frozenset[str]] = {
    "children": frozenset({"序号", "是否留守", "结对情况", "状态", "退出日期", "年满16周岁日期",
                           "档案编号"}),
    "volunteers": frozenset({"序号"}),
}


def _header_text(cell: object) -> str:
    """A header cell as the form names it: no spaces, no ``*`` marking a required column."""
    text = "" if cell is None else re.sub(r"\s+", "", str(cell))
    return text.rstrip("*＊")


class HeadersRefused(DomainError):
    """The sheet has no header row that is the form's: nothing in it is read."""

    rule = "import_headers"

    def __init__(self, message: str, *, missing: Sequence[str] = (),
                 unknown: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing, self.unknown = tuple(missing), tuple(unknown)


class CellRefused(DomainError):
    """A cell cannot be read as its column says."""

    rule = "import_cell"

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column, self.reason = column, message


@dataclass(frozen=True)
class Layout:
    """Where each of the form's columns is in a sheet: its header row, read."""

    kind: str
    positions: Mapping[str, int]  # field → index in the row

    @classmethod
    def of(cls, kind: str, header: Sequence[object]) -> Layout:
        """The layout of a sheet whose first row is ``header``; HeadersRefused naming the
        headers missing and those the form does not have."""
        columns = {column.header: column for column in COLUMNS[kind]}
        positions: dict[str, int] = {}
        unknown: list[str] = []
        repeated: list[str] = []
        for index, cell in enumerate(header):
            text = _header_text(cell)
            if not text or text in IGNORED[kind]:
                continue
            column = columns.get(text)
            if column is None:
                unknown.append(text)
            elif column.field in positions:
                repeated.append(text)
            else:
                positions[column.field] = index
        missing = [c.header for c in COLUMNS[kind] if c.required and c.field not in positions]
        if not positions and not unknown:
            raise HeadersRefused("表格为空：第一行应为表头（the sheet is empty: its first row "
                                 "names the columns）")
        if missing or unknown or repeated:
            parts = []
            if missing:
                parts.append(f"缺少表头：{'、'.join(missing)}")
            if unknown:
                parts.append(f"无法识别的表头：{'、'.join(unknown)}")
            if repeated:
                parts.append(f"重复的表头：{'、'.join(repeated)}")
            raise HeadersRefused(
                f"{TITLES[kind]}的表头不符，整张表未导入：{'；'.join(parts)}（the sheet's headers "
                f"are not the form's; nothing was imported: missing {list(missing)}, unknown "
                f"{unknown}, repeated {repeated}）", missing=missing, unknown=unknown)
        return cls(kind, positions)

    def cells(self, row: Sequence[object]) -> dict[str, object]:
        """The row's cells by field (an empty cell is left out)."""
        found: dict[str, object] = {}
        for field, index in self.positions.items():
            value = row[index] if index < len(row) else None
            if isinstance(value, str):
                value = value.strip()
            if value is not None and value != "":
                found[field] = value
        return found

    def header(self, field: str) -> str:
        """The header of ``field``'s column, or of the first column of a part of the form
        (``consent`` → 同意人); "" for none."""
        for column in COLUMNS[self.kind]:
            if column.field == field or column.field.startswith(field + "."):
                return column.header
        return ""


def holds_required_headers(kind: str, row: Sequence[object]) -> bool:
    """Whether ``row`` names every column the form requires (a header row, not a title)."""
    named = {_header_text(cell) for cell in row}
    return all(column.header in named for column in COLUMNS[kind] if column.required)


def find_header(kind: str, lines: Iterator[Sequence[object]]) -> tuple[Layout, int]:
    """Read the top of a sheet from ``lines`` up to its header row: the first of the first
    :data:`HEADER_ROWS` rows holding the form's required headers (rows above it are titles).
    Returns the layout and the header's row number in the sheet (the first row is 1);
    ``lines`` then goes on with the row below it. HeadersRefused when no row is the form's
    header (naming what the first row that is not blank misses or adds) or the top of the
    sheet is empty."""
    first: Sequence[object] | None = None
    for number in range(1, HEADER_ROWS + 1):
        row = next(lines, None)
        if row is None:
            break
        if holds_required_headers(kind, row):
            return Layout.of(kind, row), number
        if first is None and not is_blank(row):
            first = row
    if first is None:
        raise HeadersRefused("表格为空：前几行中没有表头（the sheet is empty: none of its first "
                             "rows names the columns）")
    return Layout.of(kind, first), 0  # refused: it names what the form misses or adds


def is_blank(row: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


# -- reading a cell ------------------------------------------------------------------------

_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def text(value: object) -> str:
    """A cell as text: a number typed in a text column (a phone, a code) without ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def day(header: str, value: object) -> date:
    """A date cell: an Excel date, or 2015-03-02, 2015/3/2, 2015.3.2, 2015年3月2日, 20150302."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    written = text(value)
    found = _DAY.match(written) or _COMPACT_DAY.match(written)
    if found:
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            pass
    raise CellRefused(header, "所填不是日期，请写成 2015-03-02、2015/3/2 或 "
                      "2015年3月2日（not a date）")


def choice(header: str, value: object, words: Mapping[str, str]) -> str:
    """A cell typed as one of ``words`` (a word or its code) → the code."""
    written = text(value)
    code = words.get(written) or words.get(written.lower())
    if code is None:
        shown = "、".join(dict.fromkeys(w for w in words if not w.isascii()))
        raise CellRefused(header, f"所填不是可选的值，可选：{shown}"
                          f"（not one of the allowed values）")
    return code


def _with_codes(titles: Mapping[str, str], **more: str) -> dict[str, str]:
    return {**{title: code for code, title in titles.items()}, **more,
            **{code: code for code in titles}}


SEXES = _with_codes(SEX_TITLES, 男性="male", 女性="female")
PARENT_STATUSES = _with_codes(PARENT_STATUS_TITLES, 已故="deceased", 外出="away",
                              务工="away", 死亡="deceased")
BOARDING = {"是": "yes", "寄宿": "yes", "住校": "yes", "否": "no", "走读": "no",
            "yes": "yes", "no": "no"}
CATEGORY_WORDS = _with_codes(CATEGORY_TITLES, 单亲="single_parent", 贫困="poor_family",
                             低保="subsistence_allowance", 建档立卡="registered_poor",
                             事实无人抚养儿童="unsupported", 心理困难="psychological_difficulty",
                             行为困难="behaviour_difficulty")


def categories(header: str, value: object) -> tuple[str, ...]:
    return tuple(choice(header, part, CATEGORY_WORDS)
                 for part in re.split(r"[、,，;；/\s]+", text(value)) if part)


def whole_number(header: str, value: object) -> int:
    written = text(value)
    if not re.fullmatch(r"\d{1,3}", written):
        raise CellRefused(header, "所填不是整数（not a whole number）")
    return int(written)


def cells_of(values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The cells of one part of the form (``father.``, ``guardian.``), by their own name."""
    return {field[len(prefix):]: value for field, value in values.items()
            if field.startswith(prefix)}
