"""Dynamic management (动态管理) as it travels over HTTP: a change of school, a transfer to
another region, a correction of the record."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.codes import DIVISION_CODE
from api.schemas.common import Day, Lines, Strict

#: The parts of the record a correction (更正) puts right.
CorrectableField = Literal["name", "sex", "birth_date", "id_number", "ethnicity"]


class SchoolingIn(Strict):
    """升学、转学 within the region: the school and class from ``on`` (default today)."""

    school: str = Field(min_length=1, max_length=200, examples=["石牌镇初级中学"])
    class_name: str = Field(default="", max_length=100, examples=["七年级一班"])
    on: Day | None = None
    reason: Lines = Field(default="", max_length=2000, examples=["小学毕业升入初中"])


class TransferIn(Strict):
    """迁出: the child moves to another region (a division code) from ``on`` (default today)."""

    region_code: str = Field(examples=["420822100"], json_schema_extra={
        "pattern": DIVISION_CODE}, description="The division code of the place the child "
        "moves to (6, 9 or 12 digits); another than where it lives.")
    on: Day | None = None
    reason: Lines = Field(min_length=1, max_length=2000, examples=["随祖父母迁往沙洋县"])
    school: str = Field(default="", max_length=200, examples=["沙洋县实验小学"],
                        description="The school the child attends in the new region from "
                        "`on` (a move to another county changes the school too); left "
                        "empty, the record keeps its school until a change of school is "
                        "recorded.")
    class_name: str = Field(default="", max_length=100, examples=["四年级二班"],
                            description="The child's class at `school`.")


class CorrectionIn(Strict):
    """更正: a part of the record typed wrong, put right, with the reason."""

    field: CorrectableField = Field(description="The part of the record put right.")
    value: str = Field(max_length=100, examples=["王晓花", "female", "2015-03-08"],
                       description="The right value, by the registration's rules: a name "
                       "(required), sex `male` or `female`, a birth date (YYYY-MM-DD, not in "
                       "the future, under 16 when registered), a national ID number or an "
                       "ethnicity (either may be left empty where none is known).")
    reason: Lines = Field(min_length=1, max_length=2000, examples=["建档时姓名录入错误"])
