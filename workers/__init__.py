"""Background work on Celery: reminders and quarterly reports."""
