"""In a real browser: a 退院後支援計画 is refused without the person's consent, made with it and printed as
a PDF; an inpatient visit-support request goes from intake to report."""

import datetime as dt
import shutil
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from renkei.discharge import work_actions as work
from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


@pytest.fixture
def page(browser, browser_context_args):  # noqa: F811
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_plan_is_refused_without_consent_made_with_it_and_printed(transactional_db, pref, hospital, inpatient,
                                                                  consent_for, page, live_server):
    login(page, live_server, "hana", pref.password)
    page.goto(f"{live_server.url}/cases/{inpatient.pk}/")
    page.get_by_role("link", name="こちら").click()
    expect(page.get_by_text("本人の同意（範囲「支援計画」）が記録されていません")).to_be_visible()
    page.get_by_role("link", name="退院後支援計画を作成する").click()

    def fill():
        page.get_by_label("入院先の病院").select_option(label="県立みどり病院")
        page.get_by_label("病棟").fill("第3病棟")
        page.get_by_label("退院後生活環境相談員（職員）").select_option(label="吉田 翔")
        page.get_by_label("本人の希望（本人の言葉で）").fill("アパートで一人暮らしをしたい。")
        page.get_by_label("支援の必要性・課題").fill("住まいの確保と服薬の継続。")
        page.get_by_label("支援の内容 1", exact=True).fill("訪問看護（週1回）")
        page.get_by_label("担当機関 1", exact=True).select_option(label="訪問看護ステーション みどり")
        page.get_by_label("症状が悪化したときの対応（クライシスプラン）").fill("眠れない日が続いたら訪問看護に連絡する。")

    fill()
    page.get_by_role("button", name="計画を作成").click()
    expect(page.get_by_role("alert")).to_contain_text("退院後支援計画は作成できません")

    consent_for(inpatient.person, hospital)
    page.goto(page.url)
    expect(page.get_by_text("本人の同意: ")).to_be_visible()
    fill()
    page.get_by_role("button", name="計画を作成").click()
    expect(page.get_by_role("heading", name="退院後支援計画")).to_contain_text("第1版")
    expect(page.get_by_text("アパートで一人暮らしをしたい。")).to_be_visible()

    pdf_link = page.get_by_role("link", name="PDFで印刷（署名欄つき）")
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages)
    for expected in ["退院後支援計画", "川口 美和", "アパートで一人暮らしをしたい", "本人の署名"]:
        assert expected in text, expected


def test_visit_support_request_goes_from_intake_to_report(transactional_db, pref, hospital, page, live_server):
    office = pref.memberships.sam
    trained = timezone.localdate() - dt.timedelta(days=60)
    for name, user in [("ピア エリン", pref.users.erin), ("訪問 次郎", None)]:
        work.do_register_supporter(request=None, membership=office, name=name, user=user, trained_on=trained,
                                   secrecy_pledged=True)
    login(page, live_server, "sam", pref.password)
    page.goto(f"{live_server.url}/discharge/visit-support/")
    page.get_by_role("link", name="申込みを受け付ける").click()
    page.get_by_label("本人の氏名").fill("石田 勝")
    page.get_by_label("年齢").fill("67")
    page.get_by_label("入院先の病院").select_option(label="県立みどり病院")
    page.get_by_label("入院形態").select_option(label="医療保護入院（市町村長同意）")
    page.get_by_label("申込みの経路").select_option(label="病院の退院後生活環境相談員")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.locator("#request-status")).to_have_text("受付")

    page.get_by_label("ピア エリン").check()
    page.get_by_label("訪問 次郎").check()
    page.get_by_role("button", name="選任する").click()
    expect(page.get_by_role("alert").get_by_text("本人の意向を確認した日と方法を記録してから")).to_be_visible()

    page.get_by_label("確認の方法").select_option(label="電話")
    page.get_by_label("本人の意向（確認した内容）").fill("訪問支援員の面会を希望すると明言。")
    page.get_by_role("button", name="意向の確認を記録").click()
    expect(page.locator("#request-status")).to_have_text("本人の意向確認済み")

    page.get_by_label("ピア エリン").check()
    page.get_by_label("訪問 次郎").check()
    page.get_by_role("button", name="選任する").click()
    expect(page.locator("#request-status")).to_have_text("訪問支援員を選任")

    now = timezone.localtime()  # earlier today, never yesterday (the request was received today)
    visit_at = max(now - dt.timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
    page.get_by_label("訪問日時").fill(visit_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("病院の窓口（部署・担当者）").fill("地域医療連携室 吉田")
    page.get_by_role("button", name="日程を記録").click()
    expect(page.locator("#request-status")).to_have_text("日程調整済み")

    # the supporter sees the visit on her side, and reports
    page.context.clear_cookies()
    login(page, live_server, "erin", pref.password)
    page.goto(f"{live_server.url}/discharge/visit-support/mine/")
    page.get_by_role("link", name="石田 勝さん").click()
    expect(page.get_by_text("訪問に必要な情報だけを表示しています")).to_be_visible()
    page.get_by_label("訪問の報告").fill("2名で面会。本人は穏やかに話し、次回も希望。")
    page.get_by_role("button", name="報告を記録").click()
    expect(page.get_by_text("訪問の報告を記録しました")).to_be_visible()
    expect(page.get_by_text("訪問・報告済み")).to_be_visible()
