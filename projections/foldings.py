"""The views a rebuild from zero folds in memory by a folding of their own
(:class:`projections.folding.Folding`), and how each folding is made; every other view is
folded by its handlers against a private database (:mod:`projections.bulk`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.duties import DutyView
from projections.duties_folding import duties_folding
from projections.folding import Folding
from projections.integrity import ChainFolding, HashChain
from projections.projection import View
from projections.registers.children import ChildrenRegister
from projections.registers.children_folding import children_folding
from projections.registers.pairings import PairingsRegister
from projections.registers.pairings_folding import pairings_folding
from projections.reports.facts import ReportFacts
from projections.reports.facts_folding import report_facts_folding
from projections.timeline import ChildTimeline
from projections.timeline_folding import timeline_folding

FOLDINGS: dict[type[View], Callable[[Any], Folding]] = {
    HashChain: ChainFolding,
    ChildTimeline: timeline_folding,
    ReportFacts: report_facts_folding,
    DutyView: duties_folding,
    PairingsRegister: pairings_folding,
    ChildrenRegister: children_folding,
}


def folding_of(view: type[View], app: Any) -> Folding | None:
    """The folding of ``view`` for ``app``'s log, if it has one of its own."""
    made = FOLDINGS.get(view)
    return None if made is None else made(app)
