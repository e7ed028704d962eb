"""Accounts over HTTP."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import Lines, Strict


class UserCreate(Strict):
    username: str = Field(min_length=3, max_length=64, examples=["xian_fulian_01"])
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
    role: Literal["admin", "federation", "school", "volunteer", "auditor"]
    region_code: str | None = Field(default=None, examples=["420821"])
    school: str | None = Field(default=None, examples=["石牌镇中心小学"])
    volunteer_id: UUID | None = None


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class Deactivation(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["调离岗位"])
