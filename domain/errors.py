"""Domain errors: one small hierarchy whose messages name the rule that was broken."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a rule of the programme; nothing was recorded.

    ``rule`` is a stable code for the rule (for clients and tests); the message
    says in words which rule it is.
    """

    rule: str = "domain_rule"

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        if rule is not None:
            self.rule = rule

    @property
    def message(self) -> str:
        return str(self.args[0])


class InvalidRecord(DomainError):
    """A value in a record is not acceptable (e.g. a malformed division code)."""

    rule = "invalid_record"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        #: What is wrong, without the field's name (a form shows it beside the field).
        self.reason = message


class DateInFuture(InvalidRecord):
    """Facts about the world are recorded after they happen, never before."""

    rule = "date_not_in_future"

    def __init__(self, field: str, value: object, today: object) -> None:
        super().__init__(field, f"日期 {value} 晚于今天（{today}）：已发生的事实可以补录，"
                         "尚未发生的不能登记（date_not_in_future: "
                         f"{value} is in the future (today is {today}); "
                         "a fact can be recorded late but never before it happens）")


class NotFound(DomainError):
    """No such child, volunteer, pairing or concern."""

    rule = "not_found"


class ChildHasExited(DomainError):
    """A child who has left the programme keeps its history but takes no new facts."""

    rule = "child_exited"


class ApprovalOutOfOrder(DomainError):
    """Approval runs level by level: unit → county → city → province."""

    rule = "approval_order"


class ApplicationClosed(DomainError):
    """A volunteer's application was already rejected or fully approved."""

    rule = "application_closed"


class VolunteerStatusRule(DomainError):
    """Suspension, reinstatement, disqualification and commendation follow the status."""

    rule = "volunteer_status"


class PairingRule(DomainError):
    """Only approved, active volunteers and active children can be paired (结对帮扶)."""

    rule = "pairing_eligibility"


class PairingHasEnded(DomainError):
    """No contact can be recorded on, and no change made to, an ended pairing."""

    rule = "pairing_ended"


class ContactRule(DomainError):
    """A contact happens within the pairing's life and is of a kind the programme knows."""

    rule = "contact_rule"


class VolunteerNotInGoodStanding(ContactRule):
    """Contacts are recorded in good standing (在册有效): "a volunteer who is suspended,
    disqualified or rejected records no contacts"
    (暂停、取消资格或未通过审核的志愿者不能记录联系)."""

    rule = "volunteer_not_in_good_standing"


class ActivityRule(DomainError):
    """A group activity (集体活动, 慰问) reaches children already on the register, and is
    cancelled once."""

    rule = "activity_rule"


class ConcernRule(DomainError):
    """An anomaly report (情况报告) is resolved once, after it was reported."""

    rule = "concern_rule"


class BreakGlassRule(DomainError):
    """Break-glass access (紧急调阅): federation staff, outside their scope, with a reason."""

    rule = "break_glass"


class DataErased(DomainError):
    """The child's personal data was erased (个人信息已删除): its record takes no new facts."""

    rule = "personal_data_erased"


class StaleVersion(DomainError):
    """The record changed since the caller read it (If-Match); nothing was recorded."""

    rule = "stale_version"


class AccountRule(DomainError):
    """Accounts: a username is taken once; a deactivated account changes no more."""

    rule = "account_rule"


class WrongPassword(AccountRule):
    """A password is changed by its owner only with the current one (当前密码)."""

    rule = "wrong_password"


class ReminderRule(DomainError):
    """A reminder (提醒) is issued once per duty per period, and each delivery of it is
    attempted by one worker at a time and settled once."""

    rule = "reminder_rule"


class ReportRule(DomainError):
    """A report (季度报送) is produced by one attempt at a time and settled once: done or
    failed, it takes no further attempt or outcome."""

    rule = "report_rule"


class IdempotencyKeyReused(InvalidRecord):
    """An idempotency key names one command: sent again, it must be the same request."""

    rule = "idempotency_key_reused"
    #: What the caller is told, wherever the reuse is found.
    MESSAGE = ("该 Idempotency-Key 已用于另一个不同的请求，新的请求须使用新的键（this "
               "Idempotency-Key was used with a different request; use a new key for a new "
               "request）")

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__("Idempotency-Key", message)


class TransferRule(DomainError):
    """A transfer (迁出) moves a child to another region, and only a child whose active
    pairings have ended: its caring mothers work in the region it leaves."""

    rule = "transfer_rule"
