"""Access to children's records (查阅): the recorded reads and break-glass grants
(:mod:`domain.access.records`)."""

from domain.access.records import (
    MIN_REASON,
    BreakGlass,
    RecordRead,
    break_glass_id,
    substantive_reason,
)

__all__ = ["MIN_REASON", "BreakGlass", "RecordRead", "break_glass_id", "substantive_reason"]
