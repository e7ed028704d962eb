"""Reminders in the background (履职提醒): the daily scan, delivery over channels, escalation."""
