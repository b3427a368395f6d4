"""The issue's 'Done when' flow in headless Debian chromium: a municipal worker refers a person to a
housing-support agency; its staff receive and reject it with a reason; the worker sees it back with
alternatives and refers to the next agency, which accepts and completes it with an outcome."""

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


def test_refer_reject_see_alternatives_refer_again_accept_complete(transactional_db, browser, live_server,
                                                                  browser_context_args, pref, net,  # noqa: F811
                                                                  case, consent_to):
    consent_to(case, pref.orgs.housing)
    consent_to(case, net.anshin)
    alice = logged_in_page(browser, live_server, browser_context_args, "alice", pref.password)

    # 1. the municipal worker refers the person to a housing-support agency (from the case page)
    alice.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(alice.get_by_role("heading", name="連携依頼")).to_be_visible()
    alice.goto(f"{live_server.url}/referrals/case/{case.pk}/new/?service={net.sumai_service.pk}"
               f"&need={net.housing_term.pk}")
    alice.get_by_label("本人にとっての目的").fill("「アパートで暮らし続けたい」")
    alice.get_by_role("checkbox", name="受け入れ", exact=True).check()
    alice.get_by_role("checkbox", name="相談・経過記録", exact=True).check()
    alice.locator("input[name=consent_ids]").first.check()
    alice.get_by_role("button", name="保存する").click()
    expect(alice.get_by_role("status")).to_contain_text("連携依頼を送りました")
    expect(alice.locator("#referral-status")).to_have_text("依頼中")
    first_url = alice.url

    # 2. the agency's staff receive it and reject it with a reason
    henry = logged_in_page(browser, live_server, browser_context_args, "henry", pref.password)
    henry.goto(f"{live_server.url}/referrals/")
    henry.goto(first_url)
    expect(henry.get_by_text("山田 太郎")).to_be_visible()
    henry.get_by_role("button", name="受け付ける").click()
    expect(henry.locator("#referral-status")).to_have_text("受付済み")
    henry.get_by_label("お断りする理由").select_option("no-capacity")
    henry.get_by_role("button", name="お断りする").click()
    expect(henry.locator("#referral-status")).to_have_text("お断り")

    # 3. the worker sees it back with the reason and the next best agencies
    alice.goto(f"{live_server.url}/")
    expect(alice.locator(".returned")).to_contain_text("受け入れ枠がない")
    alice.goto(first_url)
    expect(alice.get_by_role("heading", name="次に依頼できる機関（マッチング）")).to_be_visible()
    expect(alice.locator(".alternatives")).to_contain_text("あんしん住まいネット")

    # 4. …and refers to the next agency
    alice.get_by_role("link", name="この機関に依頼する").first.click()
    alice.get_by_label("本人にとっての目的").fill("「アパートで暮らし続けたい」")
    alice.get_by_role("checkbox", name="受け入れ", exact=True).check()
    alice.locator("input[name=consent_ids]").first.check()
    alice.get_by_role("button", name="保存する").click()
    expect(alice.locator("#referral-status")).to_have_text("依頼中")
    second_url = alice.url

    # 5. which accepts and completes it with an outcome
    ivy = logged_in_page(browser, live_server, browser_context_args, "ivy", pref.password)
    ivy.goto(second_url)
    ivy.get_by_role("button", name="受諾する").click()
    expect(ivy.locator("#referral-status")).to_have_text("受諾")
    ivy.get_by_label("結果（本人にとってどうなったか）").fill("見守り付きの住宅に入居できた")
    ivy.get_by_role("button", name="完了にする").click()
    expect(ivy.locator("#referral-status")).to_have_text("完了")

    alice.goto(second_url)
    expect(alice.locator(".outcome")).to_contain_text("見守り付きの住宅に入居できた")
    alice.screenshot(path="test-results/referral-completed.png", full_page=True)
