"""The staff's dashboard (工作概览): the console's landing page for those who keep the registers."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
