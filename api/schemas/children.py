"""The child's record as it travels over HTTP (留守儿童档案)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool, WithJsonSchema

from api.schemas.codes import DIVISION_CODE
from api.schemas.common import Day, Lines, Strict, phone_field
from domain.children import CATEGORIES
from domain.children.record import RELATION_WORDS
from domain.common import PHONE_SHAPE

ParentStatus = Literal["away", "home", "incapable", "deceased"]
#: A special-attention category (重点/特殊): the domain checks it and names those it knows.
Category = Annotated[str, WithJsonSchema({"type": "string", "enum": list(CATEGORIES)})]


class ParentIn(Strict):
    role: Literal["father", "mother"]
    status: ParentStatus
    name: str = Field(default="", max_length=100, examples=["王建国"])
    phone: str = phone_field(optional=True)
    work_location: str = Field(default="", max_length=200, examples=["广东省东莞市"])


class ParentChange(Strict):
    status: ParentStatus
    name: str | None = Field(default=None, max_length=100, examples=["李秀英"])
    phone: str | None = Field(default=None, max_length=20, json_schema_extra={
        "pattern": f"^(?:{PHONE_SHAPE})?$"}, description="as a parent's phone (电话号码为7至20位)")
    work_location: str | None = Field(default=None, max_length=200, examples=["湖北省钟祥市"])
    reason: Lines = Field(default="", max_length=2000, examples=["返乡就业"])
    on: Day | None = None


class GuardianIn(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["张桂兰"])
    relation: str = Field(
        min_length=1, max_length=50, examples=["grandmother", "奶奶"],
        json_schema_extra={"enum": list(RELATION_WORDS)},
        description="One of grandfather, grandmother, maternal_grandfather, "
        "maternal_grandmother, uncle, aunt, sibling, relative, neighbour, teacher, other; "
        "Chinese words are read as their relation (爷爷/祖父, 奶奶/祖母, 外公/姥爷/外祖父, "
        "外婆/姥姥/外祖母, 叔叔/伯伯/舅舅, 姑姑/姨妈/阿姨/舅妈/婶婶, 哥哥/姐姐, 亲戚, 邻居, "
        "老师, 其他); anything else is 422 naming guardian.relation.")
    age: int | None = Field(default=None, ge=1, le=129)
    health: str = Field(default="", max_length=200, examples=["良好"])
    education: str = Field(default="", max_length=100, examples=["小学"])
    phone: str = phone_field(optional=True)


class GuardianChange(GuardianIn):
    reason: Lines = Field(default="", max_length=2000, examples=["祖母年迈，改由姑姑照看"])
    on: Day | None = None


class ConsentIn(Strict):
    by: str = Field(min_length=1, max_length=100, examples=["王建国"])
    relation: str = Field(min_length=1, max_length=50, examples=["父亲"])
    on: Day
    method: str = Field(min_length=1, max_length=100, examples=["书面签字"])


class ProfileIn(Strict):
    health: Lines = Field(default="", max_length=2000, examples=["身体健康"])
    study: Lines = Field(default="", max_length=2000, examples=["成绩中等，数学较弱"])
    psychology: Lines = Field(default="", max_length=2000, examples=["性格内向，想念父母"])
    on: Day | None = None


class ChildCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["王小花"])
    sex: Literal["male", "female"]
    birth_date: Day
    region_code: str = Field(examples=["420821101"],
                             json_schema_extra={"pattern": DIVISION_CODE})
    school: str = Field(min_length=1, max_length=200, examples=["石牌镇中心小学"])
    class_name: str = Field(default="", max_length=100, examples=["四年级二班"])
    parents: list[ParentIn] = Field(max_length=2, json_schema_extra={"allOf": [
        {"contains": {"properties": {"role": {"const": role}}}, "minContains": 0,
         "maxContains": 1} for role in ("father", "mother")]})  # each role once
    guardian: GuardianIn | None = None
    categories: list[Category] = Field(
        default_factory=list, max_length=20,
        description="The special-attention categories typed in (重点关爱类别). "
        "both_parents_away (双亲外出) is derived from the parents' statuses (both away) on "
        "each day: given here it is left out, and the record reads it as the parents say.")
    consent: ConsentIn
    registered_on: Day | None = None
    ethnicity: str = Field(default="", max_length=50, examples=["汉族"])
    id_number: str = Field(
        default="", max_length=30, examples=["420821201605200027"],
        description="The resident ID number (居民身份证号码), if known: 18 characters, 17 digits "
        "and a check character (a digit or X) that agrees with them (GB 11643); spaces and "
        "full-width digits are read as typed by hand. Another is refused (422 naming "
        "id_number).")
    boarding: StrictBool = False
    address: str = Field(default="", max_length=300, examples=["湖北省钟祥市石牌镇彭墩村三组"])
    village_contact: str = Field(default="", max_length=200, examples=["村妇联主席 刘芳"])
    income_source: str = Field(default="", max_length=200, examples=["父母务工收入"])
    profile: ProfileIn | None = None


class CategoriesChange(Strict):
    categories: list[Category] = Field(
        max_length=20,
        description="The special-attention categories typed in (重点关爱类别). "
        "both_parents_away (双亲外出) is derived from the parents' statuses (both away) on "
        "each day: given here it is left out, and the record reads it as the parents say.")
    reason: Lines = Field(default="", max_length=2000, examples=["父亲外出务工"])
    on: Day | None = None


class ExitIn(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["随父母迁往城市"])
    on: Day | None = None


class ConcernIn(Strict):
    kind: str = Field(min_length=1, max_length=50, examples=["absence"])
    description: Lines = Field(min_length=1, max_length=4000, examples=["连续三天未到校"])
    occurred_on: Day | None = None


class ResolutionIn(Strict):
    action: Lines = Field(min_length=1, max_length=4000, examples=["家访后已返校"])
    on: Day | None = None


class ParentOut(BaseModel):
    role: str
    status: str
    name: str
    phone: str
    work_location: str


class GuardianOut(BaseModel):
    name: str
    relation: str = Field(description="One of the relations (see the guardian's input).")
    age: int | None
    health: str
    education: str
    phone: str
    relation_words: str = Field(default="", description="The relation as an older record "
                                "wrote it, where its words were none of the relations (its "
                                "relation then reads other).")


class ConsentOut(BaseModel):
    by: str
    relation: str
    on: date
    method: str


class ProfileOut(BaseModel):
    health: str
    study: str
    psychology: str


class ConcernOut(BaseModel):
    id: str
    kind: str
    description: str
    occurred_on: date
    resolved_on: date | None
    action: str


class ChildRecordCommon(BaseModel):
    """What every reader of a child's record sees; each role's view adds to it."""

    id: UUID
    version: int
    name: str
    sex: str
    birth_date: date
    age: int
    region_code: str
    school: str
    class_name: str
    boarding: bool
    address: str
    village_contact: str
    profile: ProfileOut
    categories: list[str]
    left_behind: bool
    status: Literal["active", "exited"]
    exited_on: date | None


class ChildPublic(ChildRecordCommon):
    """The child's record as it stands on a date; ``left_behind`` is derived. The whole
    record, as staff (admin, federation, school) and auditors read it."""

    view: Literal["full"] = Field(default="full", description="Which view of the record "
                                  "this is: `full` (staff, auditors) or `volunteer`.")
    ethnicity: str
    id_number: str
    income_source: str
    parents: list[ParentOut]
    guardian: GuardianOut | None
    consent: ConsentOut
    registered_on: date
    exit_reason: str
    concerns: list[ConcernOut]
    merged_into: UUID | None = Field(description=(
        "合并重复档案: the record this one was merged into, a second record of the same child "
        "(read that one for the child's care from then); null for a record not merged. A "
        "merge is recorded as an exit: a merged record's `status` is `exited`, `exited_on` "
        "the day of the merge and `exit_reason` its reason."))


class ParentForVolunteer(BaseModel):
    """A parent as a caring mother sees them: who, and whether away (no phone, no work
    location: guided calls to the parents go through the child and its guardian)."""

    role: str
    status: str
    name: str


class ParentToCall(ParentForVolunteer):
    """A parent as a caring mother sees them when her duties include speaking with the
    parents about the child (``parent_contact``, 三个一: "每三个月与孩子父母通一次电话"):
    also their phone, never their work location."""

    phone: str


class GuardianForVolunteer(BaseModel):
    """The entrusted guardian as a caring mother sees them: whom to call and visit."""

    name: str
    relation: str
    phone: str


class ChildForVolunteer(ChildRecordCommon):
    """The child's record as a caring mother (爱心妈妈) paired with it reads it: only what
    her duties need (最小必要). She contacts the child and its guardian, visits the home and
    the school, guides calls to the parents and helps by need, so she sees the child's
    school and class, home address and village contact, the guardian's name, relation and
    phone, the parents' names and whether they are away, the special-attention categories
    and the care notes; the parents' phones only when a duty set in force, or one of her
    pairings with the child, asks her to speak with the parents (``parent_contact``). Never
    the ID number (身份证号), the parents' work locations, the guardian's age, health or
    schooling, the family's income, the consent, the concern reports or the exit reason."""

    view: Literal["volunteer"] = Field(default="volunteer", description="Which view of the "
                                       "record this is: `volunteer` (最小必要).")
    parents: list[ParentToCall | ParentForVolunteer] = Field(
        description="The parents; each with its `phone` only when her duties include speaking "
        "with the parents (`parent_contact`).")
    guardian: GuardianForVolunteer | None

    @classmethod
    def of(cls, record: dict[str, Any], *, parents_phones: bool) -> ChildForVolunteer:
        """The volunteer's view of a record (a child view as a dict); ``parents_phones``:
        whether her duties have her speak with the parents."""
        parent = ParentToCall if parents_phones else ParentForVolunteer
        return cls.model_validate({**record, "parents": [
            parent.model_validate(each).model_dump() for each in record["parents"]]})


#: The record as the caller's role may read it (least privilege), told apart by ``view``.
ChildForRole = Annotated[ChildPublic | ChildForVolunteer, Field(discriminator="view")]


class ChildListed(BaseModel):
    """A child as the register lists it."""

    id: UUID
    version: int
    name: str
    sex: str
    birth_date: date
    region_code: str
    school: str
    class_name: str
    categories: list[str]
    left_behind: bool
    status: str
    paired: bool
    exited_on: date | None


class ConcernListed(BaseModel):
    """A concern in the list of concerns (情况报告): where its child is and whether it is
    resolved; what it says is read on the child's record."""

    id: str
    version: int = Field(description="The child's record version when the concern last "
                         "changed (reported or resolved).")
    child_id: UUID
    kind: str
    occurred_on: date
    status: Literal["open", "resolved"]
    resolved_on: date | None
    region_code: str
    school: str


class ConcernCreated(BaseModel):
    id: str
    child_id: UUID
    version: int
