"""In a real browser: withdrawing a consent removes the partner's access on their next request."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def _context(browser, browser_context_args):  # noqa: F811
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_withdrawing_a_consent_removes_the_partners_access_on_the_next_request(
        transactional_db, pref, world, consent_to, browser, browser_context_args, live_server):  # noqa: F811
    consent = consent_to(world["person"], organisation=pref.orgs.vn, scopes=["相談・経過記録"])
    person_url = f"{live_server.url}/cases/persons/{world['person'].pk}/"

    partner_context, partner = _context(browser, browser_context_args)
    login(partner, live_server, "dave", pref.password)
    partner.goto(person_url)
    expect(partner.get_by_role("heading", name="山田 太郎")).to_be_visible()
    expect(partner.get_by_text("共有された情報")).to_be_visible()

    owner_context, owner = _context(browser, browser_context_args)
    login(owner, live_server, "alice", pref.password)
    owner.goto(f"{live_server.url}/consent/{consent.pk}/")
    owner.get_by_label("口頭").check()
    owner.get_by_label("メモ").fill("本人から電話で撤回の申出")
    owner.get_by_role("button", name="撤回を記録する").click()
    expect(owner.get_by_text("同意の撤回を記録しました")).to_be_visible()
    expect(owner.get_by_text("撤回済み").first).to_be_visible()

    response = partner.goto(person_url)
    assert response.status == 404
    expect(partner.get_by_text("ページが見つかりません")).to_be_visible()
    expect(partner.get_by_text("山田 太郎")).to_have_count(0)
    partner_context.close()
    owner_context.close()
