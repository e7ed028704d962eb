"""Access to the register's records (查阅): who may read or change what, and what a listing
holds (:mod:`domain.access.policy`, over a :class:`~domain.access.caller.Caller`); the
recorded reads and break-glass grants (:mod:`domain.access.records`).

Events recorded before the records had a module of their own are stored under topics of this
package (``domain.access:RecordRead.Read``): the names re-exported here resolve them still."""

from domain.access.records import (
    MIN_REASON,
    BreakGlass,
    RecordRead,
    break_glass_id,
    substantive_reason,
)

__all__ = ["MIN_REASON", "BreakGlass", "RecordRead", "break_glass_id", "substantive_reason"]
