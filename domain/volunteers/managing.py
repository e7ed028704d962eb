"""Who registers and manages a volunteer (登记, 暂停, 恢复, 取消资格, 表彰): a refusal
says it so."""

from __future__ import annotations

#: A registration refused to one whose region does not hold the volunteer's division code.
WHO_REGISTERS = ("只能登记本辖区内的爱心妈妈：登记表的行政区划代码须在您的辖区之内"
                 "（register volunteers within your region）")
#: Suspending, reinstating, disqualifying or commending, refused to anyone else.
WHO_MANAGES = ("只有管理员和辖区包含该志愿者的妇联工作人员可以暂停、恢复、取消资格或表彰"
               "（only admin and federation staff whose region holds her do this）")

#: The statuses from which each change of standing may be made (暂停 an approved volunteer,
#: 恢复 a suspended one, 取消资格 either, 表彰 an approved one), and the change in words.
STANDING_CHANGES: dict[str, tuple[tuple[str, ...], str]] = {
    "suspended": (("approved",), "暂停"),
    "reinstated": (("suspended",), "恢复"),
    "disqualified": (("approved", "suspended"), "取消资格"),
    "commended": (("approved",), "表彰"),
}


def allows(status: str, change: str) -> bool:
    """Whether a volunteer of ``status`` may be ``change``d (a key of :data:`STANDING_CHANGES`)."""
    return status in STANDING_CHANGES[change][0]
