"""Group activities and aid (集体活动, 慰问): one record for many children."""

from domain.activities.aggregate import (
    MAX_CHILDREN,
    Activity,
    GroupActivityKind,
    yuan,
)

__all__ = ["MAX_CHILDREN", "Activity", "GroupActivityKind", "yuan"]
