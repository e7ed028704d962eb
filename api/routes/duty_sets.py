"""/duty-sets: the duty rule sets the programme follows (帮扶责任规则), for every signed-in
user: what each duty asks, how often, and which contacts meet it.

The sets are data (the shipped TOML files in ``domain/duties/sets/`` and the programme's own
files named in ``AIXIN_DUTY_SETS``), read and checked when the service starts.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Caller, Register
from api.schemas.duty_sets import DutySetOut

router = APIRouter(prefix="/duty-sets", tags=["duties"])


@router.get("", response_model=list[DutySetOut])
def list_duty_sets(caller: Caller, register: Register) -> list[DutySetOut]:
    """The duty rule sets in force, in the order the programme's settings name them, each with
    its Chinese label and its duties (name, label, period, the kinds that meet it, and how
    many times in each period)."""
    return [DutySetOut.of(duty_set) for duty_set in register.programme.sets_in_force]
