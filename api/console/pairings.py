"""Pairings in the console (结对管理): forming and ending them, within the caller's region."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
