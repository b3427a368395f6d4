"""End to end in headless Debian chromium: a phone call logged by keyboard alone, the person registered
and found, a case opened, record entries added and one amended with its history visible, the record found
again by a two- and a five-character query, and a concurrent edit refused without loss: both versions side
by side with the difference marked, refused again until the newer version is taken."""

import os
import shutil

import pytest
from playwright.sync_api import expect

from renkei.cases.models import Case, Consultation
from tests.browser.conftest import CHROMIUM, login
from tests.browser.conftest import browser_context_args as browser_context_args  # noqa: F401 — fixtures
from tests.browser.conftest import browser_type_launch_args as browser_type_launch_args  # noqa: F401
from tests.browser.conftest import page as page  # noqa: F401
from tests.conftest import build_prefecture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None and os.environ.get("BROWSER_TESTS") != "1",
                       reason=f"no chromium at {CHROMIUM}"),
]

CALL = "母親から電話。息子が半年ほど自室から出ない。就労支援事業所について知りたい。"
VISIT = "同行訪問を実施。本人と母親に会えた。"
AMENDED = "同行訪問を実施。本人と母親に会えた。職業訓練校の話に関心を示した。"


@pytest.fixture
def world(transactional_db):
    return build_prefecture()


def _tab_to(page, locator):
    page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def test_a_phone_call_logged_by_keyboard_becomes_a_case_record_found_again(page, live_server, world, browser,
                                                                           browser_context_args):
    url = live_server.url
    login(page, live_server, "alice", world.password)

    # --- register the person: keyboard only -------------------------------------------------------
    page.goto(f"{url}/cases/persons/new/")
    expect(page.locator("main").get_by_label("氏名")).to_be_focused()
    page.keyboard.type("山田 一郎")
    _tab_to(page, page.locator("main").get_by_label("フリガナ"))
    page.keyboard.type("やまだ いちろう")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="山田 一郎")).to_be_visible()

    # --- the phone call: keyboard only (type, Tab, arrows, Enter) ------------------------------------
    page.goto(f"{url}/cases/consultations/new/")
    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()
    lookup = page.locator("main").get_by_label("本人を探す（氏名・フリガナ・ケース番号）")
    expect(lookup).to_be_focused()
    page.keyboard.type("ヤマダ")  # katakana finds the hiragana フリガナ
    found = page.get_by_role("radio", name="山田 一郎", exact=False)
    expect(found).to_be_visible()
    page.keyboard.press("Enter")  # Enter in the lookup picks the first match instead of submitting
    expect(found).to_be_focused()
    expect(found).to_be_checked()
    _tab_to(page, page.locator("main").get_by_label("対象者（未登録のとき）"))
    _tab_to(page, page.locator("main").get_by_label("匿名の相談"))
    _tab_to(page, page.locator("main").get_by_label("相談者"))
    page.keyboard.press("ArrowDown")  # 本人 → 家族
    expect(page.locator("main").get_by_label("相談者")).to_have_value("family")
    _tab_to(page, page.locator("main").get_by_label("相談の種類"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("main").get_by_label("相談の種類")).not_to_have_value("")
    _tab_to(page, page.locator("main").get_by_label("内容"))
    page.keyboard.type(CALL)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("相談を記録しました（山田 一郎・電話）")).to_be_visible()
    consultation = Consultation.objects.get()
    assert (consultation.person.name, consultation.channel, consultation.consulter) == ("山田 一郎", "phone", "family")
    assert consultation.staff.username == "alice" and consultation.content == CALL

    # --- open a case, add record entries --------------------------------------------------------------
    page.get_by_role("link", name="山田 一郎").click()
    page.get_by_role("link", name="ケースを開始").click()
    page.locator("main").get_by_label("主訴・概要").fill("ひきこもり状態の長男について母親から相談。")
    page.get_by_role("button", name="ケースを開始する").click()
    expect(page.get_by_text("を開始しました")).to_be_visible()
    case = Case.objects.get()
    for kind, body in [("訪問", VISIT), ("電話", "電話で様子を確認。変化なし。")]:
        page.locator("main").get_by_label("種別").select_option(label=kind)
        page.locator("main").get_by_label("内容").fill(body)
        page.get_by_role("button", name="記録を追加").click()
        expect(page.get_by_text("経過記録を追加しました。")).to_be_visible()
    visit = case.entries.get(kind="visit")

    # --- amend one: the earlier text stays, with who and when ----------------------------------------
    page.locator(f"#entry-{visit.pk}").get_by_role("link", name="修正・誤記入").click()
    page.locator("main").get_by_label("内容").fill(AMENDED)
    page.locator("main").get_by_label("修正の理由").fill("本人の発言を追記")
    page.get_by_role("button", name="修正を保存する").click()
    expect(page.get_by_text("修正前の記載は履歴に残っています")).to_be_visible()
    item = page.locator(f"#entry-{visit.pk}")
    expect(item.get_by_text("修正あり（第2版）")).to_be_visible()
    item.get_by_text("修正の履歴").click()
    history = item.locator("ol.revisions > li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("第1版")
    expect(history.nth(0)).to_contain_text(VISIT)
    expect(history.nth(1)).to_contain_text("第2版")
    expect(history.nth(1)).to_contain_text("青葉 アリス")
    expect(history.nth(1)).to_contain_text("理由: 本人の発言を追記")

    # --- found again from the search page: two and five characters ------------------------------------
    for query, expected in [("訓練", "経過記録"), ("職業訓練校", "経過記録"), ("就労支援事", "相談")]:
        page.goto(f"{url}/cases/search/")
        box = page.locator("main form[role=search] input[name=q]")
        box.fill(query)
        box.press("Enter")
        hits = page.locator("ol.hits > li")
        expect(hits.first).to_contain_text(expected)
        expect(hits.first.locator("mark")).to_have_text(query)
    page.locator("ol.hits > li a").first.click()  # the 就労支援事 hit: the consultation
    expect(page.get_by_text(CALL)).to_be_visible()
    page.goto(f"{url}/cases/search/?q=職業訓練校")
    page.locator("ol.hits > li a").first.click()
    expect(page).to_have_url(f"{url}/cases/{case.pk}/#entry-{visit.pk}")

    # --- a concurrent edit: two sessions on the same case -----------------------------------------------
    other = browser.new_context(**browser_context_args)
    try:
        bob = other.new_page()
        login(bob, live_server, "bob", world.password)
        page.goto(f"{url}/cases/{case.pk}/edit/")
        bob.goto(f"{url}/cases/{case.pk}/edit/")
        page.locator("main").get_by_label("主訴・概要").fill("本人の希望: 就労に向けて動きたい。")
        page.get_by_role("button", name="保存する").click()
        expect(page.get_by_text("ケースを更新しました。")).to_be_visible()
        bob.locator("main").get_by_label("主訴・概要").fill("母親の希望: まず通院を再開させたい。")
        bob.get_by_role("button", name="保存する").click()
        expect(bob.locator("div.error[role=alert]")).to_contain_text("ほかの職員が先に更新しました。保存されていません。")
        panel = bob.locator("section.conflict")
        expect(panel.locator("tr.differs")).to_have_count(1)
        row = panel.locator("tr.differs")
        expect(row.locator("th")).to_contain_text("主訴・概要")
        expect(row.locator("th .diff-flag")).to_have_text("違いあり")
        expect(row.locator("td.conflict-theirs mark")).not_to_have_count(0)
        expect(row.locator("td.conflict-theirs")).to_contain_text("本人の希望: 就労に向けて動きたい。")
        expect(row.locator("td.conflict-yours")).to_contain_text("母親の希望: まず通院を再開させたい。")
        expect(bob.locator("main").get_by_label("主訴・概要")).to_have_value("母親の希望: まず通院を再開させたい。")
        # pressing 保存 again is refused again: the form is still based on version 1
        bob.get_by_role("button", name="保存する").click()
        expect(bob.locator("section.conflict")).to_contain_text("ほかの職員が先に保存しました（現在の記録・第2版）")
        case.refresh_from_db()
        assert case.summary == "本人の希望: 就労に向けて動きたい。" and case.version == 2
        # bob takes version 2 explicitly (his input stays), merges, and only then the save is accepted
        bob.get_by_role("button", name="第2版を確認した").click()
        expect(bob.locator("section.conflict")).to_contain_text("現在の記録（第2版）を基に編集しています")
        expect(bob.locator("main").get_by_label("主訴・概要")).to_have_value("母親の希望: まず通院を再開させたい。")
        bob.locator("main").get_by_label("主訴・概要").fill("本人の希望: 就労に向けて動きたい。母親はまず通院を望む。")
        bob.get_by_role("button", name="保存する").click()
        expect(bob.get_by_text("ケースを更新しました。")).to_be_visible()
        case.refresh_from_db()
        assert case.version == 3 and "母親はまず通院を望む" in case.summary
    finally:
        other.close()
