"""The events of the register, by their names in the programme's language.

The aggregates define their events through their command methods; this module names
them once for the read side (projections, timelines, reports) to import.
"""

from __future__ import annotations

from typing import Any

from domain.access import BreakGlass, RecordRead
from domain.children import Child
from domain.pairings import Pairing
from domain.reminders import Escalation, Reminder
from domain.reports import QuarterlyReport
from domain.users import User
from domain.volunteers import Volunteer

_c: Any = Child
_v: Any = Volunteer
_p: Any = Pairing
_u: Any = User
_r: Any = Reminder
_e: Any = Escalation
_q: Any = QuarterlyReport

ChildRegistered: type = _c.Registered
ParentChanged: type = _c.ParentChanged
GuardianChanged: type = _c.GuardianChanged
ProfileUpdated: type = _c.ProfileUpdated
CategoriesChanged: type = _c.CategoriesChanged
ConcernReported: type = _c.ConcernReported
ConcernResolved: type = _c.ConcernResolved
ChildExited: type = _c.Exited
ChildErased: type = _c.PersonalDataErased

VolunteerApplied: type = _v.Applied
VolunteerReviewed: type = _v.Reviewed
VolunteerSuspended: type = _v.Suspended
VolunteerReinstated: type = _v.Reinstated
VolunteerDisqualified: type = _v.Disqualified
VolunteerCommended: type = _v.Commended

PairingFormed: type = _p.Formed
ContactRecorded: type = _p.ContactRecorded
PairingEnded: type = _p.Ended

UserRegistered: type = _u.Registered
UserScopeChanged: type = _u.ScopeChanged
UserPasswordChanged: type = _u.PasswordChanged
UserDeactivated: type = _u.Deactivated

CHILD_EVENTS = (ChildRegistered, ParentChanged, GuardianChanged, ProfileUpdated,
                CategoriesChanged, ConcernReported, ConcernResolved, ChildExited, ChildErased)
VOLUNTEER_EVENTS = (VolunteerApplied, VolunteerReviewed, VolunteerSuspended,
                    VolunteerReinstated, VolunteerDisqualified, VolunteerCommended)
PAIRING_EVENTS = (PairingFormed, ContactRecorded, PairingEnded)
RecordWasRead: type = RecordRead.Read  # type: ignore[attr-defined]
BreakGlassOpened: type = BreakGlass.Opened  # type: ignore[attr-defined]
BreakGlassGranted: type = BreakGlass.Granted  # type: ignore[attr-defined]
ACCESS_EVENTS = (RecordWasRead, BreakGlassOpened, BreakGlassGranted)

USER_EVENTS = (UserRegistered, UserScopeChanged, UserPasswordChanged, UserDeactivated)

ReminderIssued: type = _r.Issued
ReminderDeliveryAttempted: type = _r.DeliveryAttempted
ReminderDelivered: type = _r.Delivered
ReminderDeliveryFailed: type = _r.DeliveryFailed
DutyEscalated: type = _e.Raised

REMINDER_EVENTS = (ReminderIssued, ReminderDeliveryAttempted, ReminderDelivered,
                   ReminderDeliveryFailed, DutyEscalated)
ReportRequested: type = _q.Requested
ReportStarted: type = _q.Started
ReportCompleted: type = _q.Completed
ReportFailed: type = _q.Failed

REPORT_EVENTS = (ReportRequested, ReportStarted, ReportCompleted, ReportFailed)
ALL_EVENTS = (CHILD_EVENTS + VOLUNTEER_EVENTS + PAIRING_EVENTS + USER_EVENTS + ACCESS_EVENTS
              + REMINDER_EVENTS + REPORT_EVENTS)
