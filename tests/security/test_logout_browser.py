"""In a real browser: pressing ログアウト says so, not that the session expired."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def test_logout_lands_on_a_page_saying_logged_out(transactional_db, pref, page, live_server):
    login(page, live_server, "alice", pref.password)
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("status").filter(has_text="ログアウトしました。")).to_be_visible()
    expect(page.get_by_text("一定時間操作がなかった")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("一定時間操作がなかった")).to_have_count(0)
    expect(page.get_by_role("button", name="ログイン")).to_be_visible()
