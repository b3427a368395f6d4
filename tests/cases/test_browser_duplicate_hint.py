"""In headless Debian chromium: 若葉町 registers a person whom 青葉市 (same 管内) has registered with the
フリガナ in katakana; the form answers with the hint that says only that the 管内 may hold the same person
and how to go on, keeps what was typed, and registers after the worker confirms."""

import datetime as dt
import shutil

import pytest
from playwright.sync_api import expect

from renkei.audit.models import AuditEvent
from renkei.cases.models import Person
from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def test_the_duplicate_hint_across_agencies_in_the_browser(transactional_db, page, live_server, pref, make_person):
    existing = make_person(birth_date=dt.date(1990, 5, 1))  # 青葉市: 山田 太郎（ヤマダ タロウ）
    login(page, live_server, "mallory", pref.password)
    page.goto(f"{live_server.url}/cases/persons/new/")
    page.locator("#id_name").fill("山田 太郎")
    page.locator("#id_kana").fill("やまだ たろう")
    page.locator("#id_birth_date").fill("1990-05-01")
    page.get_by_role("button", name="登録する").click()

    hint = page.locator(".duplicate-hint")
    expect(hint.get_by_role("heading", name="管内の他の機関に同じ方の登録がある可能性があります")).to_be_visible()
    expect(hint).to_contain_text("本人の同意を得たうえで管内の保健所（みどり県中央保健所）")
    expect(hint).not_to_contain_text("青葉市")
    expect(page.locator("#id_kana")).to_have_value("やまだ たろう")
    assert not Person.objects.filter(organisation=pref.orgs.wakaba).exists()
    assert AuditEvent.objects.filter(action="person.duplicate_hint", person_id=str(existing.pk)).count() == 1

    page.locator("#id_confirm_duplicate").check()
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_text("山田 太郎さんを登録しました。")).to_be_visible()
    assert Person.objects.get(organisation=pref.orgs.wakaba).kana == "やまだ たろう"
