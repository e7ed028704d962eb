"""The events of the register, by their names in the programme's language.

Each aggregate declares its events as classes nested in it (``Child.Registered``), whose
fields are its command method's; this module names them once, in the programme's words,
for the read side (projections, timelines, reports) to import and annotate with.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from domain.access import BreakGlass, RecordRead
from domain.activities import Activity
from domain.children import Child
from domain.children.merging import Absorbed, MergedInto, ToldApart
from domain.pairings import Pairing
from domain.reminders import Escalation, Reminder
from domain.reports import QuarterlyReport
from domain.users import User
from domain.volunteers import Volunteer

ChildRegistered = Child.Registered
ParentChanged = Child.ParentChanged
GuardianChanged = Child.GuardianChanged
ProfileUpdated = Child.ProfileUpdated
CategoriesChanged = Child.CategoriesChanged
ConcernReported = Child.ConcernReported
ConcernResolved = Child.ConcernResolved
ChildExited = Child.Exited
ChildErased = Child.PersonalDataErased
ChildContactRecorded = Child.OwnContactRecorded
ChildMerged = MergedInto
ChildAbsorbed = Absorbed
ChildrenToldApart = ToldApart
SchoolChanged = Child.SchoolChanged
ChildTransferred = Child.Transferred
ChildCorrected = Child.Corrected

VolunteerApplied = Volunteer.Applied
VolunteerReviewed = Volunteer.Reviewed
VolunteerSuspended = Volunteer.Suspended
VolunteerReinstated = Volunteer.Reinstated
VolunteerDisqualified = Volunteer.Disqualified
VolunteerCommended = Volunteer.Commended

PairingFormed = Pairing.Formed
ContactRecorded = Pairing.ContactRecorded
PairingEnded = Pairing.Ended

ActivityRecorded = Activity.Recorded
ActivityCancelled = Activity.Cancelled

UserRegistered = User.Registered
UserScopeChanged = User.ScopeChanged
UserPasswordChanged = User.PasswordChanged
UserDeactivated = User.Deactivated

RecordWasRead = RecordRead.Read
BreakGlassOpened = BreakGlass.Opened
BreakGlassGranted = BreakGlass.Granted

ReminderIssued = Reminder.Issued
ReminderDeliveryAttempted = Reminder.DeliveryAttempted
ReminderDelivered = Reminder.Delivered
ReminderDeliveryFailed = Reminder.DeliveryFailed
DutyEscalated = Escalation.Raised

ReportRequested = QuarterlyReport.Requested
ReportStarted = QuarterlyReport.Started
ReportCompleted = QuarterlyReport.Completed
ReportFailed = QuarterlyReport.Failed

CHILD_EVENTS: tuple[type[Aggregate.Event], ...] = (
    ChildRegistered, ParentChanged, GuardianChanged, ProfileUpdated, CategoriesChanged,
    ConcernReported, ConcernResolved, ChildExited, ChildErased, ChildContactRecorded,
    SchoolChanged, ChildTransferred, ChildCorrected, ChildMerged, ChildAbsorbed,
    ChildrenToldApart)
VOLUNTEER_EVENTS: tuple[type[Aggregate.Event], ...] = (
    VolunteerApplied, VolunteerReviewed, VolunteerSuspended, VolunteerReinstated,
    VolunteerDisqualified, VolunteerCommended)
PAIRING_EVENTS: tuple[type[Aggregate.Event], ...] = (
    PairingFormed, ContactRecorded, PairingEnded)
ACTIVITY_EVENTS: tuple[type[Aggregate.Event], ...] = (ActivityRecorded, ActivityCancelled)
USER_EVENTS: tuple[type[Aggregate.Event], ...] = (
    UserRegistered, UserScopeChanged, UserPasswordChanged, UserDeactivated)
ACCESS_EVENTS: tuple[type[Aggregate.Event], ...] = (
    RecordWasRead, BreakGlassOpened, BreakGlassGranted)
REMINDER_EVENTS: tuple[type[Aggregate.Event], ...] = (
    ReminderIssued, ReminderDeliveryAttempted, ReminderDelivered, ReminderDeliveryFailed,
    DutyEscalated)
REPORT_EVENTS: tuple[type[Aggregate.Event], ...] = (
    ReportRequested, ReportStarted, ReportCompleted, ReportFailed)
ALL_EVENTS: tuple[type[Aggregate.Event], ...] = (
    CHILD_EVENTS + VOLUNTEER_EVENTS + PAIRING_EVENTS + ACTIVITY_EVENTS + USER_EVENTS + ACCESS_EVENTS
    + REMINDER_EVENTS + REPORT_EVENTS)
