"""In a real browser: a record entry too large for the server answers a Japanese page naming the limit,
and the text typed is offered back as a draft on the form; after a successful save the draft is gone.
The counter under the field counts as the server does."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401
from tests.conftest import build_prefecture

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def test_text_over_the_request_limit_is_kept_as_a_draft_and_cleared_after_saving(transactional_db, browser,
                                                                                  browser_context_args,  # noqa: F811
                                                                                  live_server, settings):
    from renkei.cases import actions

    world = build_prefecture()
    person = actions.do_register_person(request=None, membership=world.memberships.alice, confirm_duplicate=True,
                                        data={"name": "山田 太郎", "kana": "ヤマダ タロウ", "sex": "male"})
    case = actions.do_open_case(request=None, membership=world.memberships.alice, person=person)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024
    text = "本人宅を訪問し、母親と話した。\n" * 200   # 3,200 characters: about 28 KB once form-encoded
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        login(page, live_server, "alice", world.password)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        body = page.locator("#entry-form").get_by_label("内容")
        body.fill(text)
        counter = page.locator("#entry-form p.counter")
        expect(counter).to_have_text(f"{len(text) + text.count(chr(10)):,} / 100,000文字")
        page.locator("#entry-form").get_by_role("button", name="記録を追加").click()
        expect(page.get_by_role("heading", name="送信内容が大きすぎます")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("上限 8,192バイト")
        assert "Bad Request" not in page.content()

        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        body = page.locator("#entry-form").get_by_label("内容")
        expect(body).to_have_value("")
        page.get_by_role("button", name="下書きを戻す").click()
        assert body.input_value() == text.replace("\r\n", "\n")
        page.locator("#entry-form").get_by_role("button", name="記録を追加").click()
        expect(page.get_by_text("経過記録を追加しました。")).to_be_visible()
        assert case.entries.get().body.startswith("本人宅を訪問し、母親と話した。")
        drafts = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('renkei-draft:'))")
        assert drafts == []
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.get_by_role("button", name="下書きを戻す")).to_have_count(0)
    finally:
        context.close()
