"""Dashboard tables stay readable at 1280 px and 1024 px: the 会議の宿題 table's 内容 and 会議 columns are
never squeezed into one-character-wide vertical text (measured in headless Debian chromium)."""

import datetime as dt
import shutil

import pytest
from django.utils import timezone

from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def _items(pref):
    from renkei.cases import actions as case_actions
    from renkei.conferences import actions

    m = pref.memberships.alice
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1966, 5, 1), "sex": "male"})
    case = case_actions.do_open_case(request=None, membership=m, person=person)
    conference = actions.do_create_conference(request=None, membership=m, case=case, data={
        "kind": "support_meeting", "starts_at": timezone.now(), "place": "青葉市役所 会議室", "title": "第1回 個別支援会議"})
    for days, text in ((-1, "家賃の滞納について大家さんと話し合い、分割の相談ができるか確かめる"),
                       (7, "通院の同行について訪問看護と日程を調整する")):
        actions.do_add_action_item(request=None, membership=m, conference=conference, description=text,
                                   owner=pref.users.alice, due_date=timezone.localdate() + dt.timedelta(days=days))


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_action_items_table_columns_are_readable(transactional_db, page, live_server, pref, width):
    _items(pref)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "alice", pref.password)
    page.goto(f"{live_server.url}/")
    table = page.locator("table.action-items").first
    widths = table.locator("thead th").evaluate_all("ths => ths.map(th => th.getBoundingClientRect().width)")
    font = table.evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
    names = table.locator("thead th").all_inner_texts()
    assert names == ["期限", "内容", "会議", "状態"]
    content, meeting = widths[1], widths[2]
    assert content >= 8 * font and meeting >= 6 * font, (width, widths, font)
    cell = table.locator("tbody tr").first.locator("td").nth(1)
    lines = cell.evaluate("td => td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight || 20)")
    assert lines < 6, (width, lines)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
