"""Every view the service keeps, by name."""

from __future__ import annotations

from projections.duplicates import LikelyDuplicates
from projections.duties import DutyView
from projections.integrity import HashChain
from projections.places.register import PlacesRegister
from projections.policies import PairingsFollowTheirMembers
from projections.projection import View
from projections.registers.access import AccessRegister
from projections.registers.activities import ActivitiesRegister
from projections.registers.children import ChildrenRegister
from projections.registers.concerns import ConcernsRegister
from projections.registers.pairings import PairingsRegister
from projections.registers.reminders import RemindersRegister
from projections.registers.reports import ReportsRegister
from projections.registers.volunteers import VolunteersRegister
from projections.reports.facts import ReportFacts
from projections.timeline import ChildTimeline

ALL_VIEWS: tuple[type[View], ...] = (
    ChildrenRegister,
    VolunteersRegister,
    PairingsRegister,
    ConcernsRegister,
    ActivitiesRegister,
    AccessRegister,
    DutyView,
    ChildTimeline,
    LikelyDuplicates,
    RemindersRegister,
    ReportFacts,
    ReportsRegister,
    PlacesRegister,
    PairingsFollowTheirMembers,  # a policy: issues commands as it follows the log
    HashChain,  # tamper evidence: the stored rows, chained
)

BY_NAME: dict[str, type[View]] = {view.name: view for view in ALL_VIEWS}
