"""Accounts (账号): roles with their scope, created once per username, changes on record."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import AccountRule, InvalidRecord
from domain.users import Role, Scope, User, user_id_for
from tests.builders import STAFF


def test_a_federation_user_works_within_a_division_code_prefix() -> None:
    assert Scope(role="federation", region_code="4208").region_code == "4208"
    with pytest.raises(InvalidRecord, match="region_code"):
        Scope(role="federation")


def test_a_school_user_belongs_to_a_school() -> None:
    with pytest.raises(InvalidRecord, match="school"):
        Scope(role="school", school=" ")


def test_a_volunteer_user_is_one_registered_volunteer() -> None:
    with pytest.raises(InvalidRecord, match="volunteer_id"):
        Scope(role="volunteer")
    assert Scope(role="volunteer", volunteer_id=uuid4()).role is Role.VOLUNTEER


def test_an_unknown_role_names_the_field() -> None:
    with pytest.raises(InvalidRecord, match="role"):
        Scope(role="janitor")


def test_a_username_gives_the_same_id_whatever_its_case() -> None:
    user = User.create(username="Admin", password_hash="h", scope=Scope(role="admin"),
                       actor=STAFF)
    assert (user.id, user.username) == (user_id_for("admin"), "admin")


def test_a_malformed_username_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="username"):
        User.create(username="a b", password_hash="h", scope=Scope(role="admin"), actor=STAFF)


def test_a_deactivated_account_takes_no_changes() -> None:
    user = User.create(username="teacher1", password_hash="h",
                       scope=Scope(role="school", school="石牌镇中心小学",
                                   region_code="420821101"), actor=STAFF)
    user.deactivate(reason="调离", actor=STAFF)
    with pytest.raises(AccountRule, match="deactivated"):
        user.change_password("h2", actor=STAFF)
