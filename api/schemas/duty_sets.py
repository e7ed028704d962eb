"""Duty rule sets (帮扶责任规则) as the API shows them: the sets in force and their duties."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from domain.duties import STANDARD_CONTACT_KINDS, DutyRule, DutySet
from domain.vocabulary import CONTACT_KIND_TITLES

#: What a contact's ``kind`` may be, as the OpenAPI document says it.
CONTACT_KIND_DESCRIPTION = (
    "The kind of contact (联系/走访方式): "
    + ", ".join(f"`{kind}` ({CONTACT_KIND_TITLES[kind]})" for kind in STANDARD_CONTACT_KINDS)
    + ", or one the programme added (AIXIN_EXTRA_CONTACT_KINDS). `parent_call` is the child's "
    "guided call or letter to its parents; `parent_contact` is the helper speaking with the "
    "parents about the child (三个一). `GET /duty-sets` says which kinds meet which duty.")

Period = Literal["month", "quarter", "half_year", "semester", "semester_third", "year"]


class DutyOut(BaseModel):
    """One duty: at least ``times`` contacts of one of ``kinds`` in every ``period``."""

    name: str = Field(description="The duty's stable name (reports and reminders key on it).",
                      examples=["monthly_contact"])
    label: str = Field(description="The duty in the programme's words (Chinese).",
                       examples=["每月至少联系一次孩子"])
    period: Period = Field(description="How often it recurs: month, quarter, half_year, "
                           "semester, semester_third (the start, middle and end of each "
                           "term) or year.")
    kinds: list[str] = Field(description="The contact kinds that meet it.",
                             examples=[["phone", "meeting", "home_visit"]])
    times: int = Field(ge=1, description="How many qualifying contacts each period needs.")

    @classmethod
    def of(cls, rule: DutyRule) -> DutyOut:
        return cls(name=rule.name, label=rule.title, period=rule.period.value,
                   kinds=sorted(rule.kinds), times=rule.times)


class DutySetOut(BaseModel):
    """A duty rule set in force (e.g. 五个一), with its duties."""

    name: str = Field(description="How settings and pairings name the set.",
                      examples=["five_ones"])
    label: str = Field(description="The set's name in the programme's words (Chinese).",
                       examples=["五个一"])
    duties: list[DutyOut]

    @classmethod
    def of(cls, duty_set: DutySet) -> DutySetOut:
        return cls(name=duty_set.name, label=duty_set.title,
                   duties=[DutyOut.of(rule) for rule in duty_set.rules])
