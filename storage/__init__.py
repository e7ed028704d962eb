"""Storage adapters: the SQL beneath the views, the tables beside the event log, and privacy.

Everything here talks to SQLite or PostgreSQL for the rest of the service: ``sql`` (one
statement dialect for both engines), ``beside`` (tables kept in the log's own database),
``views`` and ``recorders`` (where each view's generations live), ``stored_log`` (the log
read as rows), ``idempotency`` and ``throttle`` (the API's durable tables) and ``privacy``
(data keys and the sealing of personal fields). The domain knows none of it; the views,
the API, the workers and the composition root (``aixin.bootstrap``) use it.
"""
