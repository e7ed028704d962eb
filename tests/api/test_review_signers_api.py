"""Reviews of a volunteer over HTTP: one person signs one level (一人只签一级意见), and each
level is given by staff of that level (who may do what)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, SIGNERS, VOLUNTEER, create

Headers = dict[str, str]
LEVELS = ("unit", "county", "city", "province")
TOWNSHIP = "420821101"  # 石牌镇, in 钟祥市 (420821), 荆门市 (4208), 湖北省 (42)


def review(client: TestClient, headers: Headers, volunteer_id: str, level: str,
           **extra: Any) -> Any:
    return client.post(f"/api/v1/volunteers/{volunteer_id}/reviews", headers=headers,
                       json={"level": level, "decision": "approve", "opinion": "同意",
                             "on": "2026-02-01", **extra})


def township_volunteer(client: TestClient, admin: Headers) -> str:
    return str(create(client, "/api/v1/volunteers",
                      {**VOLUNTEER, "region_code": TOWNSHIP}, admin)["id"])


def test_one_township_account_cannot_approve_a_volunteer_at_every_level_and_pair_her(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    township = user("federation", region_code=TOWNSHIP)
    volunteer_id = township_volunteer(client, admin)
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    answers = [review(client, township, volunteer_id, level).status_code for level in LEVELS]
    assert answers[0] == 200 and all(answer in (403, 409) for answer in answers[1:]), answers
    volunteer = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=township).json()
    assert (volunteer["status"], volunteer["level_reached"]) == ("pending", "unit")
    pairing = client.post("/api/v1/pairings", headers=township, json={
        "child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "nearby",
        "agreement_signed_on": "2026-03-05", "starts_on": "2026-03-10"})
    assert pairing.status_code == 409, pairing.text


def test_a_second_levels_opinion_from_the_same_account_is_409_naming_the_rule(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    county = user("federation", region_code="420821")
    volunteer_id = township_volunteer(client, admin)
    assert review(client, county, volunteer_id, "unit").status_code == 200
    refused = review(client, county, volunteer_id, "county")
    assert (refused.status_code, refused.json()["rule"]) == (409, "one_level_per_signer")
    assert "一人只签一级意见" in refused.json()["detail"]
    assert "所在单位意见" in refused.json()["detail"] and "县妇联意见" in refused.json()["detail"]


def test_an_admin_without_signed_by_is_422_naming_it_and_records_nothing(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = township_volunteer(client, admin)
    refused = review(client, admin, volunteer_id, "unit")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "signed_by"]
    assert "须填写签署人" in refused.json()["detail"][0]["msg"]
    volunteer = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=admin).json()
    assert (volunteer["version"], volunteer["reviews"]) == (1, [])


def test_an_admin_keying_in_the_paper_form_names_each_levels_signer_and_they_are_shown(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = township_volunteer(client, admin)
    for level in LEVELS:
        assert review(client, admin, volunteer_id, level,
                      signed_by=SIGNERS[level]).status_code == 200
    volunteer = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=admin).json()
    assert volunteer["status"] == "approved"
    assert [(r["level"], r["signed_by"]) for r in volunteer["reviews"]] == [
        (level, SIGNERS[level]) for level in LEVELS]


def test_the_same_signer_named_for_two_levels_is_409(
        client: TestClient, admin: Headers) -> None:
    volunteer_id = township_volunteer(client, admin)
    assert review(client, admin, volunteer_id, "unit", signed_by="王敏").status_code == 200
    refused = review(client, admin, volunteer_id, "county", signed_by="王敏")
    assert (refused.status_code, refused.json()["rule"]) == (409, "one_level_per_signer")
    assert "“王敏”" in refused.json()["detail"]


def test_only_an_admin_names_who_signed(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    township = user("federation", region_code=TOWNSHIP)
    response = review(client, township, township_volunteer(client, admin), "unit",
                      signed_by="王敏")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "signed_by"]


def test_a_review_signed_by_the_reviewing_user_shows_no_signer(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    township = user("federation", region_code=TOWNSHIP)
    reviewed = review(client, township, township_volunteer(client, admin), "unit").json()
    assert reviewed["reviews"][0]["signed_by"] is None


def test_county_city_and_province_opinions_come_from_staff_of_that_level(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    volunteer_id = township_volunteer(client, admin)
    staff = {"unit": user("federation", region_code=TOWNSHIP),
             "county": user("federation", region_code="420821"),
             "city": user("federation", region_code="4208"),
             "province": user("federation", region_code="42")}
    for level in LEVELS:
        assert review(client, staff[level], volunteer_id, level).status_code == 200, level
    volunteer = client.get(f"/api/v1/volunteers/{volunteer_id}", headers=admin).json()
    assert volunteer["status"] == "approved"


def test_a_level_given_by_staff_of_another_level_is_403(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    volunteer_id = township_volunteer(client, admin)
    assert review(client, admin, volunteer_id, "unit", signed_by="王敏").status_code == 200
    for region_code in (TOWNSHIP, "4208", "42"):
        refused = review(client, user("federation", region_code=region_code), volunteer_id,
                         "county")
        assert refused.status_code == 403, region_code
        assert "县妇联意见" in refused.json()["detail"]


def test_staff_of_the_level_whose_region_does_not_hold_the_volunteer_do_not_see_her(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    volunteer_id = township_volunteer(client, admin)
    assert review(client, admin, volunteer_id, "unit", signed_by="王敏").status_code == 200
    other_county = user("federation", region_code="420822")
    assert review(client, other_county, volunteer_id, "county").status_code == 404


def test_the_unit_opinion_may_come_from_the_school_the_volunteer_works_at(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    teacher = str(create(client, "/api/v1/volunteers", {
        **VOLUNTEER, "region_code": TOWNSHIP, "unit": "石牌镇中心小学"}, admin)["id"])
    her_school = user("school", school="石牌镇中心小学", region_code=TOWNSHIP)
    assert review(client, her_school, teacher, "unit").status_code == 200
    assert review(client, her_school, teacher, "county").status_code == 403


def test_a_school_is_no_unit_of_a_volunteer_working_elsewhere(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    volunteer_id = township_volunteer(client, admin)  # works at 钟祥市妇联
    school = user("school", school="石牌镇中心小学", region_code=TOWNSHIP)
    assert review(client, school, volunteer_id, "unit").status_code == 404


def test_auditors_give_no_opinion(client: TestClient, admin: Headers,
                                  user: Callable[..., Headers]) -> None:
    response = review(client, user("auditor"), township_volunteer(client, admin), "unit")
    assert response.status_code == 403
