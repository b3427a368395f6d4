"""In a real browser: two windows revise the same 退院後支援計画. The second save is refused with the
colleague's version beside the worker's input, the difference marked; pressing 保存 again does not revert
the colleague's change; only after taking the colleague's version is a new version made."""

import shutil

import pytest
from playwright.sync_api import expect

from renkei.discharge.models import DischargePlan
from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def test_two_workers_revising_one_plan_never_revert_each_other(transactional_db, pref, make_plan, browser,
                                                                browser_context_args, live_server):  # noqa: F811
    plan = make_plan()
    url = f"{live_server.url}/discharge/plans/{plan.pk}/revise/"
    first, second = (browser.new_context(**browser_context_args) for _ in range(2))
    try:
        a, b = first.new_page(), second.new_page()
        for page in (a, b):
            page.set_default_timeout(60_000)
            login(page, live_server, "hana", pref.password)
            page.goto(url)
        a.get_by_label("本人の希望（本人の言葉で）").fill("グループホームで暮らしたい。")
        a.get_by_label("変更の理由").fill("本人の希望が変わった")
        a.get_by_role("button", name="新しい版として保存").click()
        expect(a.get_by_text("計画の第2版を作成しました。")).to_be_visible()

        b.get_by_label("支援の必要性・課題").fill("日中の居場所を見つける。")
        b.get_by_label("変更の理由").fill("会議での意見")
        b.get_by_role("button", name="新しい版として保存").click()
        panel = b.locator("section.conflict")
        expect(panel).to_contain_text("ほかの職員が先に保存しました（現在の記録・第2版）")
        wishes = panel.locator("tr.differs", has_text="本人の希望（本人の言葉で）")
        expect(wishes.locator(".diff-flag")).to_have_text("違いあり")
        expect(wishes.locator("td.conflict-theirs mark")).to_contain_text("グループホームで暮らしたい。")
        expect(wishes.locator("td.conflict-yours mark")).to_contain_text("アパートで一人暮らしをしたい。")
        expect(panel.locator("tr.differs", has_text="支援の必要性・課題")).to_contain_text("日中の居場所を見つける。")
        expect(b.get_by_label("支援の必要性・課題")).to_have_value("日中の居場所を見つける。")

        b.get_by_role("button", name="新しい版として保存").click()   # again: still refused, nothing reverted
        expect(b.locator("section.conflict")).to_contain_text("ほかの職員が先に保存しました")
        fresh = DischargePlan.objects.get(pk=plan.pk)
        assert (fresh.current_number, fresh.current.wishes) == (2, "グループホームで暮らしたい。")

        b.get_by_role("button", name="第2版を確認した").click()
        expect(b.locator("section.conflict")).to_contain_text("現在の記録（第2版）を基に編集しています")
        b.get_by_label("本人の希望（本人の言葉で）").fill("グループホームで暮らしたい。")   # keeps the colleague's change
        b.get_by_role("button", name="新しい版として保存").click()
        expect(b.get_by_text("計画の第3版を作成しました。")).to_be_visible()
        fresh = DischargePlan.objects.get(pk=plan.pk)
        assert (fresh.current_number, fresh.current.wishes, fresh.current.needs) == (
            3, "グループホームで暮らしたい。", "日中の居場所を見つける。")
    finally:
        first.close()
        second.close()
