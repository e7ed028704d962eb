"""The library's own test cases of an application recorder, run against the recorder that
commits appends in groups (``storage.group_commit``), as the service builds it."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.tests import persistence as cases
from eventsourcing.utils import Environment

from aixin.bootstrap import event_store_env
from storage.group_commit import GroupCommitRecorder
from tests.conformance.stores import OurStore

pytestmark = [pytest.mark.conformance, pytest.mark.postgres]


class TestGroupCommitRecorder(OurStore, cases.ApplicationRecorderTestCase):
    store = "postgres"

    def setUp(self) -> None:
        super().setUp()
        self.env = Environment("conformance", event_store_env(self.settings))

    def create_recorder(self) -> ApplicationRecorder:
        recorder = self.factory().application_recorder()
        assert isinstance(recorder, GroupCommitRecorder) and recorder.writer is not None
        return recorder
