import pytest
from playwright.sync_api import expect

from renkei.demo.loader import demo_logins, load_demo

from .conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    load_demo()
    return {item["username"]: item for item in demo_logins()}


def test_demo_caseworker_logs_in_and_sees_the_dashboard(page, live_server, demo):
    caseworker = demo["aoba.sodan"]
    login(page, live_server, caseworker["username"], caseworker["password"])
    expect(page.get_by_role("heading", name="マイページ", exact=False)).to_be_visible()
    expect(page.get_by_text("山田 花子さん")).to_be_visible()
    expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible()
    expect(page.get_by_text("青葉市（相談員）").first).to_be_visible()
    page.screenshot(path="test-results/dashboard.png", full_page=True)


def test_wrong_password_shows_a_japanese_error(page, live_server, demo):
    login(page, live_server, "aoba.sodan", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("ユーザーIDまたはパスワードが正しくありません")


def test_keyboard_only_login_and_logout(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    # The login field has focus: type, Tab to the password, Enter submits.
    page.keyboard.type("aoba.kanri")
    page.keyboard.press("Tab")
    page.keyboard.type(demo["aoba.kanri"]["password"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="職員管理").first).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_text("ログアウトしました")).to_be_visible()


def test_worker_with_two_memberships_switches_organisation(page, live_server, demo):
    login(page, live_server, "hoken.sodan", demo["hoken.sodan"]["password"])
    select = page.get_by_label("操作する所属")
    select.select_option(label="みどり県精神保健福祉センター（閲覧）")
    expect(page.get_by_text("みどり県精神保健福祉センター（閲覧）として操作します")).to_be_visible()
