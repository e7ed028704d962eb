"""The work-lists and reminders in the console (待办清单)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
