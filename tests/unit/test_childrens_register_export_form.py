"""The children's register exported as the office's form (花名册): every column of the
import's template is filled, in the words the template offers, and only those who read a
child's record in full export it."""

from __future__ import annotations

from api.routes.exports import READ_CHILDREN, READ_PAIRINGS
from domain.access.caller import Caller
from domain.access.policy import may_read_history, reads_in_full
from domain.imports.columns import BOARDING, CHILD_COLUMNS, PARENT_STATUSES, SEXES
from domain.users import Role
from domain.vocabulary import READ_TITLES
from projections.exports.children import (
    BOARDING_WORDS,
    CELLS,
    CHILDREN,
    EXTRAS,
    PARENT_STATUS_WORDS,
    SEX_WORDS,
    form_header,
)


def test_every_column_of_the_template_has_a_cell_in_the_export() -> None:
    filled = {*CELLS, "place_name"}  # 所在地: the full name of the division code
    assert [c.field for c in CHILD_COLUMNS if c.field not in filled] == []


def test_the_export_has_a_serial_number_then_the_forms_columns_then_its_own() -> None:
    assert CHILDREN.headers == ["序号", *(form_header(c) for c in CHILD_COLUMNS),
                                *(header for header, _ in EXTRAS)]


def test_the_words_written_are_among_those_the_template_offers_and_read_back() -> None:
    sex = next(c for c in CHILD_COLUMNS if c.field == "sex")
    mother = next(c for c in CHILD_COLUMNS if c.field == "mother.status")
    boarding = next(c for c in CHILD_COLUMNS if c.field == "boarding")
    for words, column, read in ((SEX_WORDS, sex, SEXES),
                                (PARENT_STATUS_WORDS, mother, PARENT_STATUSES),
                                (BOARDING_WORDS, boarding, BOARDING)):
        assert set(words.values()) <= set(column.choices)
        assert all(read[word] == code for code, word in words.items())
    assert PARENT_STATUS_WORDS["deceased"] == "已故"


def test_every_role_that_exports_the_register_reads_a_childs_record_in_full() -> None:
    for role in Role:
        caller = Caller("u", role, region_code="420821", school="石牌镇中心小学")
        assert not may_read_history(caller) or reads_in_full(caller), role


def test_each_exports_reads_are_named_by_their_register() -> None:
    assert (READ_TITLES[READ_CHILDREN], READ_TITLES[READ_PAIRINGS]) == (
        "档案（导出花名册）", "档案（导出结对登记表）")
