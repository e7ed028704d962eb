"""Places (地名) as the API takes and gives them: a division code and its name."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict

Level = Literal["province", "city", "county", "township", "village", "unknown"]


class PlaceIn(Strict):
    """A township (9-digit code) or village (12-digit code) and its name."""

    code: str = Field(description="The division code (区划代码): 9 or 12 digits.",
                      examples=["420881100"], json_schema_extra={"pattern": r"^\d{9}(\d{3})?$"})
    name: str = Field(min_length=1, max_length=40, description="Its name (名称).",
                      examples=["洋梓镇"])


class PlacesIn(Strict):
    """Places to name: new codes are named, known ones with another name renamed, the same
    name again records nothing."""

    places: list[PlaceIn] = Field(
        min_length=1, max_length=1000,
        description="At most 1,000 places a request; `aixin places load` takes a whole sheet.")


class PlacesNamedOut(BaseModel):
    """What was recorded: places named, renamed, and left as they were."""

    named: int
    renamed: int
    unchanged: int


class PlaceOut(BaseModel):
    """A place with its name now, its level and the names it had before (oldest first)."""

    code: str = Field(examples=["420881100"])
    name: str = Field(examples=["洋梓镇"])
    level: Level = Field(examples=["township"])
    former_names: list[str] = Field(default_factory=list, examples=[["洋梓乡"]])
