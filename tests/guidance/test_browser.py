"""In a real browser (Debian chromium): the form updates the results in place (htmx) and the address
stays shareable. Skipped where no chromium is installed."""

import os
import shutil

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture
def prefecture(transactional_db):
    from tests.conftest import PASSWORD, build_prefecture

    build_prefecture()
    return PASSWORD


def test_a_worker_describes_a_situation_and_sees_the_guideline_update_in_place(page, live_server, prefecture):
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザーID").fill("alice")
    page.get_by_label("パスワード").fill(prefecture)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.get_by_role("link", name="連携ガイダンス").click()

    page.get_by_label("住まい").check()
    expect(page.locator("#rule-mu-3-housing")).to_contain_text("住宅部局や居住支援関係者とも連携")
    assert "need_domains=housing" in page.url

    page.get_by_label("時期").select_option("inpatient")
    page.get_by_label("地域での生活を希望（地域移行）").check()
    expect(page.locator("#rule-mu-3-community-transition")).to_contain_text("退院後生活環境相談員")

    page.get_by_label("年齢").fill("200")
    page.get_by_role("button", name="連携の指針を表示する").click()
    expect(page.get_by_role("alert").first).to_contain_text("入力に誤りがあります")
    expect(page.locator(".guidance-item")).to_have_count(0)

    shared = page.url.replace("age=200", "age=15")
    page.goto(shared)
    expect(page.locator("#rule-mu-3-community-transition")).to_be_visible()
