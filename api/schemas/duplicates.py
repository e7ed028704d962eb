"""Likely duplicates (疑似重复档案) and the merge of two records of one child."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Lines, Strict


class ChildOfPair(BaseModel):
    """One child of a likely pair, as a clerk compares them."""

    id: UUID
    name: str
    birth_date: date
    school: str
    region_code: str
    registered_on: date


class LikelyPair(BaseModel):
    """Two children on the register who may be one child registered twice."""

    key: str = Field(description="The pair's key: the two ids (hex), the lesser first, "
                                 "joined by `~`; pages go by it.")
    reason_code: Literal["same_name_and_birth_date", "close_name_same_phone"]
    reason: str = Field(description="Why they are listed, in Chinese: 同名同出生日期 (the same "
                                    "name and birth date in one county) or 姓名相近且监护人电话"
                                    "相同 (a close name and a guardian's or parent's phone in "
                                    "common).")
    children: list[ChildOfPair] = Field(min_length=2, max_length=2)


class MergeIn(Strict):
    """Merge the record ``duplicate_id`` into the record of the path (合并重复档案)."""

    duplicate_id: UUID = Field(description="The second record of the same child: it leaves "
                                           "the register, its history joining this one's.")
    reason: Lines = Field(min_length=1, max_length=2000,
                          examples=["同一儿童由学校和乡镇各登记一次"])


class DistinctionIn(Strict):
    """The record ``other_id`` and the record of the path are two children (不是同一人)."""

    other_id: UUID = Field(description="The other record of the likely pair.")
    reason: Lines = Field(min_length=1, max_length=2000,
                          examples=["双胞胎姐妹，出生日期相同，姓名相近"])


class Distinguished(BaseModel):
    """Two records found to be two children: the pair's key, no longer listed."""

    key: str
    child_ids: list[UUID] = Field(min_length=2, max_length=2)
    version: int = Field(description="The record of the path's new version.")
