"""When a pairing may start (结对起始日期): not before its volunteers were approved, nor before
its children were registered.

"A pairing cannot start before each of its volunteers was approved, nor before its children
were registered." A pairing dated before either would count, in a quarter's report, care
that the programme could not yet have given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.children import Child
from domain.errors import PairingRule
from domain.vocabulary import VOLUNTEER_STATUS_TITLES
from domain.volunteers import Volunteer


class PairingBeforeApproval(PairingRule):
    """结对不早于志愿者获批准之日: "A pairing cannot start before each of its volunteers was
    approved" (the day of the last level's approving opinion, :attr:`Volunteer.approved_on`)."""

    rule = "pairing_before_approval"


class PairingBeforeRegistration(PairingRule):
    """结对不早于儿童建档之日: "A pairing cannot start before ... its children were
    registered" (the child's ``registered_on``)."""

    rule = "pairing_before_registration"


def check_eligible(children: Sequence[Child], volunteers: Sequence[Volunteer]) -> None:
    """Only an approved, active volunteer and a child on the register are paired (结对)."""
    for volunteer in volunteers:
        if not volunteer.can_be_paired:
            raise PairingRule(
                f"只有已批准且在册有效的志愿者才能结对：志愿者 {volunteer.id} 的状态为"
                f"“{VOLUNTEER_STATUS_TITLES[volunteer.status.value]}”")
    for child in children:
        if not child.is_active:
            raise PairingRule(f"只有在册的儿童才能结对：儿童 {child.id} 已于 {child.exited_on} "
                              "退出关爱帮扶")


def check_start(children: Sequence[Child], volunteers: Sequence[Volunteer],
                starts_on: date) -> None:
    """The pairing starts on or after each volunteer's approval and each child's registration:
    refused (409) naming the volunteer or the child and both dates."""
    for volunteer in volunteers:
        approved_on = volunteer.approved_on
        if approved_on is not None and starts_on < approved_on:
            raise PairingBeforeApproval(
                f"结对不能早于志愿者获批准之日：志愿者 {volunteer.id} 于 {approved_on} 获批准，"
                f"结对开始日期 {starts_on} 早于此日")
    for child in children:
        if starts_on < child.registered_on:
            raise PairingBeforeRegistration(
                f"结对不能早于儿童建档之日：儿童 {child.id} 于 {child.registered_on} 建档，"
                f"结对开始日期 {starts_on} 早于此日")
