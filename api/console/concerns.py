"""Concerns in the console (情况报告): recording them and recording what was done."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
