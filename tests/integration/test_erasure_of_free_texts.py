"""An erasure leaves no free text naming the child in any file or table: every reason, note
and description stated in words about the child or its pairings is sealed in the log with a
key the erasure destroys, and erased from every view; a volunteer's opinions and reasons
are sealed with her own key, and kept in no view."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date

from domain.application import CareRegister
from domain.common import Actor
from tests.builders import REVIEWERS, STAFF, child_record, grandmother, parents_away, volunteer_form
from tests.conftest import postgres_params
from tests.integration.test_encryption import (  # the store fixture: SQLite and PostgreSQL
    ID_NUMBER,
    Store,
    _found_in_the_store,
    store,  # noqa: F401
)

NAME, PHONE = "王小花", "13800000001"
NAMED = f"{NAME}（身份证{ID_NUMBER}，电话{PHONE}）"
AUDITOR = Actor(id="auditor-1", role="auditor")
OUTSIDER = Actor(id="federation-of-another-county", role="federation")


def _a_child_named_in_every_free_text(register: CareRegister) -> tuple[object, object]:
    child = register.register_child(actor=STAFF, **child_record(id_number=ID_NUMBER))
    volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                            applied_on=date(2026, 3, 1))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve",
                                  opinion=f"同意，拟与{NAMED}结对", actor=REVIEWERS[level],
                                  on=date(2026, 3, 2))
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", actor=STAFF, starts_on=date(2026, 3, 3))
    register.record_contact(pairing, kind="home_visit", notes=f"看望{NAMED}", actor=STAFF,
                            occurred_on=date(2026, 4, 1))
    father = replace(parents_away()[0], status="home")
    register.change_parent(child, father, actor=STAFF, on=date(2026, 4, 2),
                           reason=f"{NAMED}的父亲返乡")
    register.change_guardian(child, replace(grandmother(), age=69), actor=STAFF,
                             on=date(2026, 4, 3), reason=f"{NAMED}的祖母过生日")
    register.change_categories(child, ["poor_family"], actor=STAFF, on=date(2026, 4, 4),
                               reason=f"{NAMED}家庭困难")
    concern = register.report_concern(child, kind="absence", description=f"{NAMED}旷课",
                                      actor=STAFF, occurred_on=date(2026, 4, 5))
    register.resolve_concern(child, concern, action=f"已联系{NAMED}的祖母", actor=STAFF,
                             on=date(2026, 4, 6))
    register.record_child_contact(child, kind="talk", notes=f"与{NAMED}谈心", actor=STAFF,
                                  occurred_on=date(2026, 4, 6))
    register.end_pairing(pairing, reason=f"{NAMED}随父亲转学", actor=STAFF, on=date(2026, 4, 7))
    register.exit_child(child, reason=f"{NAMED}随父亲外出就读", actor=STAFF, on=date(2026, 4, 8))
    register.suspend_volunteer(volunteer, reason=f"{NAMED}转学后暂停", actor=STAFF,
                               on=date(2026, 4, 9))
    register.reinstate_volunteer(volunteer, reason=f"另结对，不再联系{NAMED}", actor=STAFF,
                                 on=date(2026, 4, 10))
    register.commend_volunteer(volunteer, reason=f"帮扶{NAMED}成绩进步", actor=STAFF,
                               on=date(2026, 4, 11))
    register.record_read(child, what="history", actor=AUDITOR, reason=f"核查{NAMED}的档案")
    register.grant_break_glass(child, reason=f"{NAMED}走失，紧急联系其监护人", actor=OUTSIDER)
    return child, pairing


def test_no_file_or_table_holds_a_free_text_naming_the_child_after_erasure(
        store: Store) -> None:  # noqa: F811
    child, _ = _a_child_named_in_every_free_text(store.register)
    store.register.take_snapshot(child)
    store.runner.catch_up_all()  # the views held the texts before the erasure

    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    store.runner.catch_up_all()
    store.runner.store.checkpoint()  # as the erasure's route does: no old page in a WAL

    assert _found_in_the_store(store) == []
    if store.settings.store == "postgres":
        dump = _pg_dump(store.settings.postgres_schema)
        assert [secret for secret in (NAME, ID_NUMBER, PHONE) if secret in dump] == []


def _pg_dump(schema: str) -> str:
    """The schema and the views' schemas named after it, as ``pg_dump`` writes them."""
    params = postgres_params()
    dumped = subprocess.run(
        ["pg_dump", "--no-owner", "-h", params["host"], "-p", params["port"],
         "-U", params["user"], "-n", schema, "-n", f"{schema}_*", params["dbname"]],
        capture_output=True, check=True, timeout=120)
    text = dumped.stdout.decode()
    assert "COPY" in text and "tl_entries" in text  # the log and the views were dumped
    return text


def test_the_legal_ground_of_the_erasure_stays_readable(store: Store) -> None:  # noqa: F811
    child, _ = _a_child_named_in_every_free_text(store.register)
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    store.runner.catch_up_all()
    with store.runner.store.recorder(
            next(v for v in store.runner.views if v.name == "timeline")).read() as tx:
        details = [row["details"] for row in tx.execute(
            "SELECT details FROM tl_entries WHERE child_id = ? ORDER BY position",
            (str(child),)).all()]
    assert "监护人撤回同意" in details[-1]
    assert not any(NAME in entry for entry in details)


def test_the_facts_reports_count_keep_statuses_and_categories_after_erasure(
        store: Store) -> None:  # noqa: F811
    child, _ = _a_child_named_in_every_free_text(store.register)
    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    store.runner.catch_up_all()
    facts = next(v for v in store.runner.views if v.name == "report_facts")
    with store.runner.store.recorder(facts).read() as tx:
        details = {row["event"]: row["detail"] for row in tx.execute(
            "SELECT event, detail FROM rf_facts WHERE subject_id = ?", (str(child),)).all()}
    assert details["ParentChanged"] == "home"
    assert details["CategoriesChanged"] == ",poor_family,"
    assert details["ChildExited"] == "[已删除]"


def test_a_pairings_reason_naming_an_erased_child_is_erased_from_the_other_childs_timeline(
        store: Store) -> None:  # noqa: F811
    register = store.register
    child = register.register_child(actor=STAFF, **child_record(id_number=ID_NUMBER))
    sister = register.register_child(actor=STAFF, **child_record(name="王小草"))
    volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                            applied_on=date(2026, 3, 1))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  actor=REVIEWERS[level], on=date(2026, 3, 2))
    pairing = register.form_pairing(child_ids=[child, sister], volunteer_ids=[volunteer],
                                    principle="kin", actor=STAFF, starts_on=date(2026, 3, 3))
    register.end_pairing(pairing, reason=f"{NAMED}随父亲转学", actor=STAFF, on=date(2026, 4, 7))
    store.runner.catch_up_all()
    register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    store.runner.catch_up_all()
    timeline = next(v for v in store.runner.views if v.name == "timeline")
    with store.runner.store.recorder(timeline).read() as tx:
        details = [row["details"] for row in tx.execute(
            "SELECT details FROM tl_entries WHERE child_id = ?", (str(sister),)).all()]
    assert details and not any(NAME in entry for entry in details)
