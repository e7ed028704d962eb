"""Accounts over HTTP."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from api.schemas.codes import DIVISION_CODE, REGION_PREFIX
from api.schemas.common import Lines, Strict

#: What each role's scope names (the domain checks it, ``domain.users``): federation staff
#: their region, a school user its school and where it is, a volunteer user the volunteer.
SCOPES: JsonDict = {"allOf": [
    {"if": {"properties": {"role": {"const": "federation"}}}, "then": {
        "required": ["region_code"],
        "properties": {"region_code": {"type": "string", "pattern": REGION_PREFIX}}}},
    {"if": {"properties": {"role": {"const": "school"}}}, "then": {
        "required": ["region_code", "school"],
        "properties": {"region_code": {"type": "string", "pattern": DIVISION_CODE},
                       "school": {"type": "string", "pattern": r"\S"}}}},
    {"if": {"properties": {"role": {"const": "volunteer"}}}, "then": {
        "required": ["volunteer_id"],
        "properties": {"volunteer_id": {"type": "string", "format": "uuid"}}}},
]}


class UserCreate(Strict):
    model_config = ConfigDict(json_schema_extra=SCOPES)

    username: str = Field(min_length=3, max_length=64, examples=["xian_fulian_01"],
                          json_schema_extra={"pattern": r"^[A-Za-z0-9_.@-]{3,64}$"})
    password: str = Field(min_length=8, max_length=256)
    role: Literal["admin", "federation", "school", "volunteer", "auditor"]
    region_code: str | None = Field(default=None, examples=["420821"])
    school: str | None = Field(default=None, examples=["石牌镇中心小学"])
    volunteer_id: UUID | None = None


class UserPublic(BaseModel):
    id: UUID
    version: int
    username: str
    role: str
    region_code: str | None
    school: str | None
    volunteer_id: UUID | None
    active: bool


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class ScopeChange(Strict):
    model_config = ConfigDict(json_schema_extra=SCOPES)

    role: Literal["admin", "federation", "school", "volunteer", "auditor"]
    region_code: str | None = Field(default=None, examples=["420821"])
    school: str | None = Field(default=None, examples=["石牌镇中心小学"])
    volunteer_id: UUID | None = None


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class Deactivation(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["调离岗位"])
