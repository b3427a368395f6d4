"""Scenario 2 and 5 end to end in headless Debian chromium, entirely through the pages (issue 7, "Done when").

A 保健所 worker registers a woman in hospital and opens her case, forms the support team with the hospital's
退院後生活環境相談員, a 青葉市 worker and a ピアサポーター, writes the shared purpose and convenes a 退院前会議
where each attendee's agreement to the information rules is recorded. A 退院後支援計画 is refused while the
person's consent is missing and nothing is saved; her written consent is recorded on the consent pages for
the support team; the plan is then made, agreed at the conference and printed as an A4 PDF whose Japanese
text is extracted back. Action items reach each owner's own dashboard (own browser context). Finally the
prefecture's office takes a 入院者訪問支援 request from intake, through the wish confirmation and two
trained supporters, to the supporter's report.

Screenshots of the key pages (scenario2-*.png, scenario5-*.png) and the printed plan go to pytest-playwright's
--output folder (test-results/ unless told).
"""

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from renkei.accounts.models import Membership, Organisation, OrganisationType, User
from renkei.cases.models import Case, Person
from renkei.consent.models import Consent
from renkei.discharge.dates import add_months
from renkei.discharge.models import DischargePlan
from tests.browser.conftest import login
from tests.conftest import build_prefecture

pytestmark = pytest.mark.browser

PURPOSE = "本人が望むアパートでの一人暮らしを続けられる"
NAME = "緑川 春香"
WISHES = "アパートで一人暮らしを続けたい。日中は作業所に通いたい。"
CRISIS = "眠れない日が3日続いたら訪問看護に連絡する。夜間は県立みどり病院の病棟へ電話する。"
TEAM = {  # username → (display name, 構成員 option text fragment, チームでの役割)
    "yoshida": ("吉田 翔", "退院後生活環境相談員", "退院後生活環境相談員"),
    "alice": ("青葉 アリス", "青葉市", "市町村"),
    "erin": ("ピア エリン", "ピアサポートの会", "ピアサポート"),
}
TASKS = {"yoshida": "外泊訓練の結果を共有する", "alice": "自立生活援助の申請を案内する",
         "erin": "病棟を訪ねて自分の体験を話す"}


@pytest.fixture
def world(transactional_db):
    """The shared prefecture, plus 県立みどり病院 with its 退院後生活環境相談員 and the prefecture's
    入院者訪問支援 office (みどり県 障害福祉課)."""
    pref = build_prefecture()
    types = {t.code: t for t in OrganisationType.objects.filter(code__in=["psychiatric_hospital", "prefecture"])}
    hospital = Organisation.objects.create(
        code="midori-hospital", name="県立みどり病院", kana="ケンリツミドリビョウイン", is_public=True,
        type=types["psychiatric_hospital"], municipality=pref.orgs.aoba, phone="0990-31-0101")
    prefecture = Organisation.objects.create(code="midori-pref", name="みどり県", kana="ミドリケン", is_public=True,
                                             type=types["prefecture"])
    for username, name, kana, org, role, title in [
            ("yoshida", "吉田 翔", "ヨシダ ショウ", hospital, "partner", "退院後生活環境相談員"),
            ("okamoto", "岡本 由香", "オカモト ユカ", prefecture, "caseworker", "入院者訪問支援事業 担当")]:
        user = User(username=username, display_name=name, kana=kana, email=f"{username}@example.jp")
        user.set_password(pref.password)
        user.save()
        Membership.objects.create(user=user, organisation=org, role=role, title=title)
    return pref


@pytest.fixture
def shots(pytestconfig):
    """Where screenshots go: pytest-playwright's --output folder (test-results/ unless told)."""
    folder = Path(pytestconfig.getoption("--output"))

    def shot(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # playwright makes the folder
    shot.folder = folder
    return shot


def _user(browser, browser_context_args, live_server, username, password):
    """A person at their own desk: a separate browser context, logged in."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, username, password)
    return page


def _main(page):
    return page.locator("main")


def _fill_plan(page, today):
    main = _main(page)
    main.get_by_label("入院先の病院").select_option(label="県立みどり病院")
    main.get_by_label("病棟").fill("第3病棟（女子開放）")
    main.get_by_label("退院後生活環境相談員（職員）").select_option(label="吉田 翔")
    main.get_by_label("退院予定日").fill((today + dt.timedelta(days=30)).isoformat())
    main.get_by_label("本人の希望（本人の言葉で）").fill(WISHES)
    main.get_by_label("家族の意見").fill("姉は一人暮らしを応援している。週末に様子を見に行く。")
    main.get_by_label("支援の必要性・課題").fill("住まいの確保、服薬の継続、日中の居場所。")
    for i, (content, org, contact) in enumerate([
            ("訪問看護（週1回）・服薬の確認", "訪問看護ステーション みどり", "0990-33-1212"),
            ("アパート探しと契約の支援", "NPO法人 すまいサポートみどり", ""),
            ("ピアサポーターとの面会・外出の同行", "ピアサポートの会 つばさ", ""),
            ("自立生活援助・障害福祉サービスの申請", "青葉市", "障害福祉課")], start=1):
        main.get_by_label(f"支援の内容 {i}", exact=True).fill(content)
        main.get_by_label(f"担当機関 {i}", exact=True).select_option(label=org)
        main.get_by_label(f"担当者・連絡先 {i}", exact=True).fill(contact)
    main.get_by_label("症状が悪化したときの対応（クライシスプラン）").fill(CRISIS)
    main.get_by_label("連絡先（緊急時を含む）").fill("中央保健所 0990-20-1000（平日）／県立みどり病院 0990-31-0101（夜間）")
    main.get_by_label("計画期間（開始）").fill(today.isoformat())
    main.get_by_label("計画期間（終了）").fill((add_months(today, 6) - dt.timedelta(days=1)).isoformat())
    main.get_by_label("見直しの予定日").fill(add_months(today, 3).isoformat())


def _pdf_fonts(reader):
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in (page["/Resources"].get("/Font") or {}).values()}


def test_scenario_2_and_5_from_the_health_centre_to_the_owners_and_the_visit_report(
        world, browser, browser_context_args, live_server, shots):
    url, pw = live_server.url, world.password
    today = timezone.localdate()
    hana = _user(browser, browser_context_args, live_server, "hana", pw)
    main = _main(hana)

    # --- 1. the 保健所 worker registers the woman in hospital and opens her case -------------------------
    hana.goto(f"{url}/cases/persons/new/")
    main.get_by_label("氏名").fill(NAME)
    main.get_by_label("フリガナ").fill("ミドリカワ ハルカ")
    main.get_by_label("生年月日").fill("1981-04-01")
    main.get_by_label("性別").select_option(label="女性")
    main.get_by_label("居住市町村").select_option(label="青葉市")
    main.get_by_label("住所").fill("県立みどり病院 第3病棟に入院中")
    main.get_by_role("button", name="登録する").click()
    expect(hana.get_by_role("heading", name=NAME)).to_be_visible()
    hana.get_by_role("link", name="ケースを開始").click()
    main.get_by_label("主訴・概要").fill("措置入院中。病院の退院後生活環境相談員から、地域での生活を希望していると連絡。")
    main.get_by_role("button", name="ケースを開始する").click()
    expect(hana.get_by_text("を開始しました")).to_be_visible()
    case = Case.objects.get(person__name=NAME)
    assert case.organisation == world.orgs.hc and case.lead.username == "hana"
    case_url = hana.url

    # --- the support team: the shared purpose and its members ---------------------------------------------
    hana.get_by_role("link", name="支援チーム・会議へ").click()
    hana.get_by_role("link", name="書く").click()
    main.get_by_label("目的（チームで共有する目的）").fill(PURPOSE)
    main.get_by_label("目標").fill("3か月後の見直しまでに退院し、訪問看護とピアサポートを受けながら暮らす。")
    main.get_by_role("button", name="保存する").click()
    expect(hana.locator(".purpose-text")).to_have_text(PURPOSE)
    for name, option, role in TEAM.values():
        if not hana.locator("details.add-member[open]").count():
            hana.locator("details.add-member > summary").click()
        value = hana.locator("#id_membership option", has_text=name).filter(has_text=option).get_attribute("value")
        main.get_by_label("職員（どの機関でも）").select_option(value)
        main.get_by_label("チームでの役割").select_option(label=role)
        main.get_by_role("button", name="加える", exact=True).click()
        expect(hana.get_by_role("status")).to_contain_text(f"{name}さんをチームに加えました")
    members = hana.locator("table.team-members")
    for name, _, _ in TEAM.values():
        expect(members).to_contain_text(name)
    shots(hana, "scenario2-01-team")

    # --- the 退院前会議: attendees and each one's agreement to the information rules -------------------------
    hana.get_by_role("link", name="会議を招集する").click()
    held = timezone.localtime() - dt.timedelta(hours=1)
    main.get_by_label("会議の種類").select_option(label="退院前会議")
    main.get_by_label("日時").fill(held.strftime("%Y-%m-%dT%H:%M"))
    main.get_by_label("場所").fill("県立みどり病院 面談室")
    main.get_by_label("議題").fill("退院後の住まいと支援の分担、退院後支援計画の案")
    main.get_by_role("button", name="招集する").click()
    expect(hana.get_by_role("heading", name="情報の取扱いルール")).to_be_visible()
    conference_url = hana.url
    for name, _, _ in TEAM.values():
        hana.locator("details.add-attendee > summary").click()
        choice = next(o for o in hana.locator("#id_team_member option").all_inner_texts() if o.startswith(name))
        main.get_by_label("チームの構成員から").select_option(label=choice)
        main.get_by_role("button", name="加える", exact=True).click()
        expect(hana.get_by_role("status")).to_contain_text(f"{name}さんを出席者に加えました")
    # no consent yet: the partners' attendance is flagged by the privacy layer
    expect(hana.locator('tr[data-attendee="吉田 翔"]')).to_contain_text("本人の同意（会議記録）がありません")
    for name in ["中央 はな"] + [n for n, _, _ in TEAM.values()]:
        row = hana.locator(f'tr[data-attendee="{name}"]')
        row.get_by_label(f"{name}さんにルールを説明し、同意を得た").check()
        row.get_by_role("button", name="同意を記録").click()
        expect(hana.locator(f'tr[data-attendee="{name}"]')).to_contain_text("同意済み")
    shots(hana, "scenario2-02-conference-agreements")

    # --- 2. the plan is refused without the person's consent, and nothing is saved -------------------------
    hana.goto(case_url)
    hana.locator("section.discharge-progress").get_by_role("link", name="こちら").click()
    expect(hana.get_by_text("本人の同意（範囲「支援計画」）が記録されていません")).to_be_visible()
    hana.get_by_role("link", name="退院後支援計画を作成する").click()
    _fill_plan(hana, today)
    hana.get_by_role("button", name="計画を作成").click()
    expect(hana.get_by_role("alert")).to_contain_text("退院後支援計画は作成できません")
    expect(main.get_by_label("本人の希望（本人の言葉で）")).to_have_value(WISHES)  # nothing typed is lost
    shots(hana, "scenario2-03-plan-refused-without-consent")
    assert not DischargePlan.objects.exists()

    # --- her written consent, recorded on the consent pages for the support team -----------------------------
    hana.get_by_role("link", name="本人の同意を記録する").click()
    expect(hana.get_by_role("heading", name="同意を記録")).to_contain_text(NAME)
    main.get_by_label("支援チーム（チームの構成員である職員）").check()
    main.get_by_label("提供先の支援チーム").select_option(index=1)
    main.get_by_label("利用目的").fill("退院前会議と退院後支援計画の作成・実施のため（支援チームの構成員との共有）")
    for scope in ["基本情報", "会議記録", "支援計画"]:
        main.get_by_label(f"{scope}（").check()
    main.get_by_label("有効期間（終了）").fill((today + dt.timedelta(days=200)).isoformat())
    main.get_by_label("書面").check()
    main.get_by_label("同意を得た日時").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    main.get_by_label("メモ").fill("病棟の面談室で説明し、同意書に本人が署名した。撤回はいつでもできることを伝えた。")
    shots(hana, "scenario2-04-consent-form")
    main.get_by_role("button", name="記録する").click()
    expect(hana.get_by_role("status")).to_contain_text("同意を記録しました")
    expect(main.locator("table.consent-table")).to_contain_text("支援チーム（ケース")
    consent = Consent.objects.get(person__name=NAME)
    assert consent.recipient_kind == "support_team" and "支援計画" in consent.scopes

    # with the team consent the staff partners may read the minutes; the peer supporter's role reaches only
    # 基本情報, so her attendance stays flagged
    hana.goto(conference_url)
    for name in ["吉田 翔", "青葉 アリス"]:
        expect(hana.locator(f'tr[data-attendee="{name}"]')).not_to_contain_text("議事録を見られません")
    expect(hana.locator('tr[data-attendee="ピア エリン"]')).to_contain_text("議事録を見られません")

    # --- the plan, made with the consent, agreed at the conference ------------------------------------------
    hana.goto(case_url)
    hana.locator("section.discharge-progress").get_by_role("link", name="こちら").click()
    expect(hana.get_by_text(f"同意#{consent.pk}")).to_be_visible()
    hana.get_by_role("link", name="退院後支援計画を作成する").click()
    _fill_plan(hana, today)
    hana.get_by_role("button", name="計画を作成").click()
    expect(hana.get_by_role("heading", name="退院後支援計画")).to_contain_text("第1版")
    expect(main.get_by_text(WISHES)).to_be_visible()
    expect(main.locator("table.items")).to_contain_text("NPO法人 すまいサポートみどり")
    plan = DischargePlan.objects.get()
    assert plan.consent_id == consent.pk and plan.current.period_end <= add_months(today, 6)
    main.get_by_label("合意した会議（記録済みの会議から選ぶ）").select_option(index=1)
    main.get_by_role("button", name="合意を記録").click()
    expect(hana.get_by_role("status")).to_contain_text("会議での合意を記録しました")
    expect(main.get_by_text("退院前会議（")).to_be_visible()
    shots(hana, "scenario2-05-plan")

    # --- printed as an A4 PDF whose Japanese text renders in BIZ UDGothic --------------------------------------
    href = hana.get_by_role("link", name="PDFで印刷（署名欄つき）").get_attribute("href")
    response = hana.request.get(url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.body()))
    shots.folder.mkdir(parents=True, exist_ok=True)
    (shots.folder / "scenario2-06-plan.pdf").write_bytes(response.body())
    text = "".join(p.extract_text() for p in reader.pages)
    for expected in ["退院後支援計画", PURPOSE, NAME, "アパートで一人暮らしを続けたい", "クライシスプラン",
                     "眠れない日が3日続いたら", "訪問看護ステーション みどり", "退院前会議", "本人の署名"]:
        assert expected in text, expected
    assert any("BIZUDGothic" in name.replace("-", "") for name in _pdf_fonts(reader))
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 210

    # --- 3. action items at the conference reach each owner's dashboard -------------------------------------
    hana.goto(conference_url)
    for username, text in TASKS.items():
        main.get_by_label("宿題の内容").fill(text)
        main.get_by_label("担当者").select_option(label=TEAM[username][0])
        main.get_by_label("期限").fill((today + dt.timedelta(days=14)).isoformat())
        main.get_by_role("button", name="宿題を加える").click()
        expect(hana.locator("table.action-items")).to_contain_text(text)
    shots(hana, "scenario2-07-action-items")
    for username, text in TASKS.items():
        owner = _user(browser, browser_context_args, live_server, username, pw)
        panel = owner.locator("section.panel", has=owner.get_by_role("heading", name="会議の宿題"))
        expect(panel).to_contain_text(text)
        for other in set(TASKS.values()) - {text}:
            expect(panel).not_to_contain_text(other)
        shots(owner, f"scenario2-08-dashboard-{username}")
        panel.get_by_role("link", name="の支援チーム").click()  # each member acknowledges the shared purpose
        expect(owner.locator(".purpose-text")).to_have_text(PURPOSE)
        owner.get_by_role("button", name="目的を確認しました").click()
        expect(owner.get_by_text("にこの目的を確認しました")).to_be_visible()
        owner.get_by_role("link", name="マイページ").first.click()
        panel = owner.locator("section.panel", has=owner.get_by_role("heading", name="会議の宿題"))
        expect(panel).not_to_contain_text("目的の確認をお願いします")
        if username == "yoshida":  # followed up until done, from the dashboard
            row = panel.locator("tr", has_text=text)
            row.get_by_label("状態").select_option(label="完了")
            row.get_by_role("button", name="更新").click()
            expect(owner.locator("section.panel", has=owner.get_by_role("heading", name="会議の宿題"))
                   ).not_to_contain_text(text)
        owner.context.close()

    hana.goto(case_url)
    hana.get_by_role("link", name="支援チーム・会議へ").click()
    for name, _, _ in TEAM.values():
        expect(hana.locator("table.team-members tr", has_text=name)).to_contain_text("確認済み")
    expect(hana.locator("section.team-purpose")).to_contain_text(PURPOSE)

    # --- 4. 入院者訪問支援: intake → the patient's own wish → two trained supporters → schedule → report ---------
    office = _user(browser, browser_context_args, live_server, "okamoto", pw)
    omain = _main(office)
    office.get_by_role("link", name="退院後支援・訪問").first.click()
    office.get_by_role("link", name="入院者訪問支援事業（事務局）").click()
    trained = (today - dt.timedelta(days=60)).isoformat()
    for name, account in [("ピア エリン", "ピア エリン"), ("訪問 次郎", None)]:
        office.locator("details > summary", has_text="訪問支援員を登録する").click()
        omain.get_by_role("textbox", name="氏名", exact=True).fill(name)
        omain.get_by_label("所属・活動").fill("ピアサポートの会 つばさ" if account else "市民ボランティア")
        omain.get_by_label("養成研修の修了日").fill(trained)
        omain.get_by_label("守秘義務の誓約を受けた").check()
        if account:
            omain.get_by_label("職員アカウント（ピアサポーター等）").select_option(label=account)
        omain.get_by_role("button", name="登録", exact=True).click()
        expect(office.get_by_role("status")).to_contain_text("訪問支援員を登録しました")
    office.get_by_role("link", name="申込みを受け付ける").click()
    omain.get_by_label("本人の氏名").fill("石田 勝")
    omain.get_by_label("年齢").fill("67")
    omain.get_by_label("入院先の病院").select_option(label="県立みどり病院")
    omain.get_by_label("病棟").fill("第2病棟")
    omain.get_by_label("入院形態").select_option(label="医療保護入院（市町村長同意）")
    omain.get_by_label("申込みの経路").select_option(label="病院の退院後生活環境相談員")
    omain.get_by_label("申込者（氏名・所属）").fill("吉田 翔（県立みどり病院 退院後生活環境相談員）")
    omain.get_by_label("申込みの内容").fill("家族との連絡がなく、話し相手がほしいと本人が希望。")
    omain.get_by_role("button", name="受け付ける").click()
    expect(office.locator("#request-status")).to_have_text("受付")

    omain.get_by_label("ピア エリン").check()  # before the wish is confirmed: refused
    omain.get_by_label("訪問 次郎").check()
    omain.get_by_role("button", name="選任する").click()
    expect(office.get_by_role("alert").get_by_text("本人の意向を確認した日と方法を記録してから")).to_be_visible()
    omain.get_by_label("確認の方法").select_option(label="電話")
    omain.get_by_label("本人の意向（確認した内容）").fill("病棟の電話で本人と話し、訪問支援員の面会を希望すると確認。")
    omain.get_by_role("button", name="意向の確認を記録").click()
    expect(office.locator("#request-status")).to_have_text("本人の意向確認済み")
    omain.get_by_label("ピア エリン").check()
    omain.get_by_label("訪問 次郎").check()
    omain.get_by_role("button", name="選任する").click()
    expect(office.locator("#request-status")).to_have_text("訪問支援員を選任")
    now = timezone.localtime()  # earlier today, never yesterday (the request was received today)
    visit_at = max(now - dt.timedelta(hours=2), now.replace(hour=0, minute=0, second=0, microsecond=0))
    omain.get_by_label("訪問日時").fill(visit_at.strftime("%Y-%m-%dT%H:%M"))
    omain.get_by_label("病院の窓口（部署・担当者）").fill("地域医療連携室 吉田")
    omain.get_by_role("button", name="日程を記録").click()
    expect(office.locator("#request-status")).to_have_text("日程調整済み")
    shots(office, "scenario5-01-request-scheduled")
    request_url = office.url

    supporter = _user(browser, browser_context_args, live_server, "erin", pw)
    supporter.get_by_role("link", name="訪問支援の担当").first.click()
    supporter.get_by_role("link", name="石田 勝さん").click()
    expect(supporter.get_by_text("訪問に必要な情報だけを表示しています")).to_be_visible()
    expect(supporter.locator("main")).not_to_contain_text("医療保護入院")  # only what the programme needs
    _main(supporter).get_by_label("訪問の報告").fill("2名で面会。本人は穏やかに話し、次回の訪問も希望した。")
    _main(supporter).get_by_role("button", name="報告を記録").click()
    expect(supporter.get_by_text("訪問の報告を記録しました")).to_be_visible()
    shots(supporter, "scenario5-02-supporter-report")
    supporter.context.close()

    office.goto(request_url)
    expect(office.locator("#request-status")).to_have_text("訪問・報告済み")
    expect(omain).to_contain_text("本人は穏やかに話し")
    shots(office, "scenario5-03-request-reported")
    office.context.close()
    hana.context.close()
    assert Person.objects.filter(name=NAME).count() == 1
