"""The use cases (application layer): methods take ids and plain values, return ids or values."""

from domain.application.access import AccessService, BreakGlassGrant
from domain.application.activities import ActivitiesService, ActivityView
from domain.application.base import AixinApplication, Clock, programme_today
from domain.application.child_care import ChildCareService, OwedDuty
from domain.application.children import ChildrenService
from domain.application.dynamic import DynamicManagementService
from domain.application.history import HistoryService
from domain.application.imports import ImportOutcome, ImportsService, ImportView
from domain.application.merging import Merged, MergingService
from domain.application.pairings import PairingsService
from domain.application.places import PlacesNamed, PlacesService
from domain.application.reading import OpenedChild, ReadingService
from domain.application.reminders import Issued, RemindersService, ReminderView
from domain.application.reports import ReportsService, ReportView
from domain.application.schools import EnrolmentNoted, SchoolsService
from domain.application.users import UsersService, UserView
from domain.application.views import ChildView, PairingView, Recorded, VolunteerView
from domain.application.volunteers import VolunteersService


class CareRegister(ImportsService, ReadingService, ChildCareService, ChildrenService,
                   DynamicManagementService,
                   MergingService, VolunteersService,
                   PairingsService, UsersService, AccessService, HistoryService,
                   RemindersService, ReportsService, ActivitiesService, PlacesService,
                   SchoolsService):
    """The programme's register of record (关爱帮扶台账): children, volunteers, pairings,
    and the reminders and escalations the background workers issue about their duties.

    One event log, so a pairing and the children and volunteers in it are ordered
    together and every projection follows one sequence.
    """


__all__ = [
    "AccessService",
    "ActivitiesService",
    "ActivityView",
    "AixinApplication",
    "BreakGlassGrant",
    "CareRegister",
    "ChildCareService",
    "ChildView",
    "ChildrenService",
    "Clock",
    "DynamicManagementService",
    "EnrolmentNoted",
    "HistoryService",
    "ImportOutcome",
    "ImportView",
    "ImportsService",
    "Issued",
    "Merged",
    "MergingService",
    "OpenedChild",
    "OwedDuty",
    "PairingView",
    "PairingsService",
    "PlacesNamed",
    "PlacesService",
    "ReadingService",
    "Recorded",
    "ReminderView",
    "RemindersService",
    "ReportView",
    "ReportsService",
    "SchoolsService",
    "UserView",
    "UsersService",
    "VolunteerView",
    "VolunteersService",
    "programme_today",
]
