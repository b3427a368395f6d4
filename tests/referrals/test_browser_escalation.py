"""The escalation ladder in the browser: a municipal worker asks 中央保健所 for a 同行訪問 on a complex
case, as the guideline's layering suggests; the 保健所's worker receives and accepts it."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401
    CHROMIUM,
    browser_context_args,
    browser_type_launch_args,
    logged_in_page,
    login,
)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def test_health_centre_answers_a_request_to_accompany_a_home_visit(transactional_db, browser, live_server,
                                                                  browser_context_args, pref, case,  # noqa: F811
                                                                  consent_to):
    consent_to(case, pref.orgs.hc)
    alice = logged_in_page(browser, live_server, browser_context_args, "alice", pref.password)
    alice.goto(f"{live_server.url}/cases/{case.pk}/")
    ask = alice.get_by_role("link", name="みどり県中央保健所に", exact=False).first
    expect(ask).to_be_visible()
    expect(alice.get_by_text("根拠: 運営要領", exact=False).first).to_be_visible()
    ask.click()
    alice.get_by_label("本人にとっての目的").fill("本人が安心して医療につながれるよう、保健所と一緒に訪問したい")
    alice.get_by_role("checkbox", name="同行訪問", exact=True).check()
    consents = alice.locator("input[name=consent_ids]")
    if consents.count():
        consents.first.check()
    alice.get_by_role("button", name="保存する").click()
    expect(alice.locator("#referral-status")).to_have_text("依頼中")
    request_url = alice.url

    hana = logged_in_page(browser, live_server, browser_context_args, "hana", pref.password)
    hana.goto(f"{live_server.url}/referrals/")
    expect(hana.get_by_role("row", name=f"{case.number} 青葉市 → みどり県中央保健所", exact=False)).to_contain_text(
        "依頼中")
    hana.goto(request_url)
    expect(hana.get_by_text("同行訪問").first).to_be_visible()
    hana.get_by_role("button", name="受け付ける").click()
    expect(hana.locator("#referral-status")).to_have_text("受付済み")
    hana.get_by_role("button", name="受諾する").click()
    expect(hana.locator("#referral-status")).to_have_text("受諾")

    alice.goto(request_url)
    expect(alice.locator("#referral-status")).to_have_text("受諾")
    hana.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(hana.get_by_role("heading", name=case.number, exact=False).first).to_be_visible()
