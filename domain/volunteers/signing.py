"""Who signs a level's opinion (签署意见): one person signs one level.

The registration form has a box for each level's opinion (所在单位意见, 县妇联意见, 市州妇联意见,
省妇联意见), each signed by someone of that level. Approval is worth four levels only when
four different people gave them: one account, or one name on the paper form, cannot sign
two of the boxes.

The person is the reviewing user; an ``admin`` who keys in a paper form names who signed it
(``signed_by``, required of an admin: the admin signs no level's opinion), and then the
person is the one named.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from domain.common import Actor
from domain.errors import DomainError, InvalidRecord
from domain.vocabulary import REVIEW_LEVEL_TITLES
from domain.volunteers.form import ReviewLevel

#: Each level's box on the form, as the form names it.
LEVEL_TITLES: Mapping[str, str] = REVIEW_LEVEL_TITLES

#: The longest name a signer may be given by.
MAX_SIGNER = 100


class OneLevelPerSigner(DomainError):
    """一人只签一级意见 (逐级审核): each level's opinion on a volunteer's form is signed by a
    different person; whoever signed one level's opinion gives no other level's."""

    rule = "one_level_per_signer"


class PaperFormSigner(InvalidRecord):
    """录入纸质登记表须填写签署人: "An ``admin`` entering an opinion from the paper form may
    give any level, and then names who signed it (``signed_by``, required for an admin)."
    The admin keys the form in; the opinion is the signer's."""

    rule = "signer_required"

    def __init__(self) -> None:
        super().__init__("signed_by", "管理员录入纸质登记表上的意见时须填写签署人（signed_by）："
                         "意见由登记表上签字的人给出，管理员本人不签署任何一级意见")


def signed_by_of(actor: Actor, signed_by: str | None) -> str:
    """The signer named with a review: an admin keying in a paper form names one (required);
    another reviewer signs with their own account and names no one ("")."""
    name = " ".join((signed_by or "").split())
    if not name:
        if actor.role == "admin":
            raise PaperFormSigner()
        return ""
    if actor.role != "admin":
        raise InvalidRecord("signed_by", "只有管理员录入纸质登记表时填写签署人；"
                            "其他审核人以本人账号签署意见，不另填签署人")
    if len(name) > MAX_SIGNER:
        raise InvalidRecord("signed_by", f"签署人姓名至多 {MAX_SIGNER} 个字")
    return name


def signer(by: str, signed_by: str) -> str:
    """Who a review's person is: the named signer, or else the reviewing user.

    Names compare without regard to spacing, letter case or full-width forms."""
    if signed_by:
        folded = unicodedata.normalize("NFKC", signed_by).casefold()
        return "name:" + "".join(folded.split())
    return "user:" + by


def check_signer(earlier: Iterable[tuple[ReviewLevel, str]], level: ReviewLevel, *,
                 actor: Actor, signed_by: str) -> None:
    """Refuse ``level``'s opinion from the person who signed an earlier level's."""
    person = signer(actor.id, signed_by)
    for signed_level, signed_person in earlier:
        if signed_person == person:
            who = f"“{signed_by}”" if signed_by else "本账号"
            raise OneLevelPerSigner(
                f"一人只签一级意见：{who}已签署{LEVEL_TITLES[signed_level]}意见，"
                f"不能再签署{LEVEL_TITLES[level]}意见，{LEVEL_TITLES[level]}意见由另一人签署")


#: Who gives each level's opinion (逐级审核), as a refusal tells anyone else: "A review at
#: ``county``, ``city`` or ``province`` is given by a ``federation`` user of that level (its
#: ``region_code`` has 6, 4 or 2 digits) whose region holds the volunteer's; ``unit`` by a
#: ``federation`` or ``school`` user whose scope holds the volunteer."
WHO_GIVES: Mapping[str, str] = {
    "unit": "所在单位意见由辖区包含该志愿者的妇联工作人员或志愿者所在学校签署",
    "county": "县妇联意见由辖区包含该志愿者的县级妇联工作人员签署（区划代码 6 位）",
    "city": "市州妇联意见由辖区包含该志愿者的市州妇联工作人员签署（区划代码 4 位）",
    "province": "省妇联意见由辖区包含该志愿者的省妇联工作人员签署（区划代码 2 位）",
}
