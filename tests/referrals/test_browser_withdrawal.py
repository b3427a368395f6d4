"""In headless Debian chromium: the consent behind a referral in progress is withdrawn; the sender sees
on the referral and the case page that it is on hold because of the withdrawal, with the next steps,
and records a new consent as the new basis; the receiver is told and was offered no 完了にする meanwhile."""

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


def test_the_withdrawal_is_shown_to_the_sender_with_the_next_steps(transactional_db, browser, live_server,
                                                                   browser_context_args, pref, net,  # noqa: F811
                                                                   case, consent_to, refer, move):
    consent = consent_to(case, net.anshin)
    r = refer(case, net.anshin, consent=consent)
    move(r, net.ivy_m, "accepted")
    move(r, net.ivy_m, "in-progress")

    alice = logged_in_page(browser, live_server, browser_context_args, "alice", pref.password)
    alice.goto(f"{live_server.url}/consent/{consent.pk}/")
    alice.get_by_label("口頭").check()
    alice.get_by_role("button", name="撤回を記録する").click()
    expect(alice.get_by_text("同意の撤回を記録しました")).to_be_visible()

    alice.goto(f"{live_server.url}/referrals/{r.pk}/")
    expect(alice.locator("#referral-status")).to_have_text("保留")
    expect(alice.get_by_role("heading", name="共有の根拠が終了したため保留中です（同意の撤回）")).to_be_visible()
    expect(alice.get_by_role("link", name="新しい同意を記録")).to_be_visible()
    expect(alice.get_by_role("button", name="取り下げる")).to_be_visible()

    alice.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(alice.get_by_text(f"連携依頼 #{r.pk}（{net.anshin.name}）は「同意の撤回」のため保留中です。")).to_be_visible()

    alice.goto(f"{live_server.url}/referrals/notifications/")
    expect(alice.get_by_text("を保留にしました（理由: 同意の撤回）").first).to_be_visible()

    ivy = logged_in_page(browser, live_server, browser_context_args, "ivy", pref.password)
    ivy.goto(f"{live_server.url}/referrals/{r.pk}/")
    expect(ivy.get_by_role("heading", name="共有の根拠が終了したため保留中です（同意の撤回）")).to_be_visible()
    expect(ivy.get_by_role("button", name="完了にする")).to_have_count(0)
    expect(ivy.get_by_role("button", name="対応を再開する")).to_have_count(0)

    renewed = consent_to(case, net.anshin)
    alice.goto(f"{live_server.url}/referrals/{r.pk}/")
    alice.locator(f"input[name=rebase-consent_ids][value='{renewed.pk}']").check()
    alice.get_by_role("button", name="新しい根拠を記録する").click()
    expect(alice.get_by_text("共有の根拠を記録し直し、連携依頼を「対応中」に戻しました。")).to_be_visible()
    expect(alice.locator("#referral-status")).to_have_text("対応中")

    ivy.goto(f"{live_server.url}/referrals/{r.pk}/")
    expect(ivy.get_by_role("button", name="完了にする")).to_be_visible()
