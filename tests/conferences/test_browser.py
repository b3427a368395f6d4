"""In the browser: a 保健所 worker convenes a 退院前会議 with the hospital's 退院後生活環境相談員, a municipal
worker and a peer supporter, records each attendee's agreement, writes the shared purpose, and the action
items appear on their owners' dashboards."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renkei.accounts.models import Membership, Organisation
from renkei.cases import actions as case_actions
from renkei.consent import actions as consent_actions
from renkei.demo.loader import demo_logins, load_demo

from ..browser.conftest import login

pytestmark = pytest.mark.browser
PURPOSE = "本人が望むアパートでの一人暮らしを続けられる"
PEOPLE = {"byoin.psw": ("吉田 翔", "discharge_coordinator"), "aoba.sodan": ("山田 花子", "municipality"),
          "peer.tsubasa": ("林 光", "peer_support")}


@pytest.fixture
def scene(transactional_db):
    load_demo()
    passwords = {item["username"]: item["password"] for item in demo_logins()}
    hc = Membership.objects.get(user__username="hoken.sodan", organisation__code="chuo-hc")
    person = case_actions.do_register_person(request=None, membership=hc, confirm_duplicate=True, data={
        "name": "緑川 春香", "kana": "ミドリカワ ハルカ", "birth_date": dt.date(1980, 4, 1), "sex": "female"})
    case = case_actions.do_open_case(request=None, membership=hc, person=person)
    today = timezone.localdate()
    for code in ("midori-hospital", "aoba"):  # no consent to the peer group: its attendee gets a warning
        consent_actions.do_record_consent(
            request=None, membership=hc, person=person, recipient_kind="organisation",
            recipient_organisation=Organisation.objects.get(code=code), purpose="退院前会議のため",
            scopes=["基本情報", "会議記録"], valid_from=today, valid_until=today + dt.timedelta(days=180),
            method="written", obtained_at=timezone.now(), note="同意書あり")
    return {"case": case, "passwords": passwords}


def test_health_centre_convenes_a_pre_discharge_conference_and_items_reach_the_owners(page, live_server, scene):
    case, pw = scene["case"], scene["passwords"]
    login(page, live_server, "hoken.sodan", pw["hoken.sodan"])
    page.goto(f"{live_server.url}/conferences/cases/{case.pk}/team/")

    page.get_by_role("link", name="書く").click()
    page.get_by_label("目的（チームで共有する目的）").fill(PURPOSE)
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".purpose-text")).to_have_text(PURPOSE)

    for name, role in PEOPLE.values():
        page.locator("details.add-member > summary").click() if not page.locator(
            "details.add-member[open]").count() else None
        option = page.locator("#id_membership option", has_text=name).first.get_attribute("value")
        page.get_by_label("職員（どの機関でも）").select_option(option)
        page.get_by_label("チームでの役割").select_option(role)
        page.get_by_role("button", name="加える", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(f"{name}さんをチームに加えました")
    expect(page.locator("table.team-members")).to_contain_text("退院後生活環境相談員")

    page.get_by_role("link", name="会議を招集する").click()
    page.get_by_label("会議の種類").select_option(label="退院前会議")
    page.get_by_label("日時").fill("2026-12-01T14:00")
    page.get_by_label("場所").fill("県立みどり病院 面談室")
    page.get_by_role("button", name="招集する").click()
    expect(page.get_by_role("heading", name="情報の取扱いルール")).to_be_visible()

    for name, _ in PEOPLE.values():
        page.locator("details.add-attendee > summary").click()
        page.get_by_label("チームの構成員から").select_option(label=next(
            o for o in page.locator("#id_team_member option").all_inner_texts() if o.startswith(name)))
        page.get_by_role("button", name="加える", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(f"{name}さんを出席者に加えました")
    expect(page.locator('tr[data-attendee="林 光"]')).to_contain_text("本人の同意（会議記録）がありません")

    for name in ["中村 直子"] + [n for n, _ in PEOPLE.values()]:
        row = page.locator(f'tr[data-attendee="{name}"]')
        row.get_by_label(f"{name}さんにルールを説明し、同意を得た").check()
        row.get_by_role("button", name="同意を記録").click()
        expect(page.locator(f'tr[data-attendee="{name}"]')).to_contain_text("同意済み")

    tasks = {"byoin.psw": "外泊訓練の結果を共有する", "aoba.sodan": "自立生活援助の申請を案内する",
             "peer.tsubasa": "病棟を訪ねて体験を話す"}
    for username, text in tasks.items():
        page.get_by_label("宿題の内容").fill(text)
        page.get_by_label("担当者").select_option(label=PEOPLE[username][0])
        page.get_by_label("期限").fill("2030-01-10")
        page.get_by_role("button", name="宿題を加える").click()
        expect(page.locator("table.action-items")).to_contain_text(text)

    for username, text in tasks.items():
        page.context.clear_cookies()
        login(page, live_server, username, pw[username])
        panel = page.locator("section.panel", has=page.get_by_role("heading", name="会議の宿題"))
        expect(panel).to_contain_text(text)
    page.goto(f"{live_server.url}/conferences/")
    expect(page.locator("table.action-items")).to_contain_text("病棟を訪ねて体験を話す")
