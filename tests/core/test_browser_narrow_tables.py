"""On a phone-width screen list tables stack into cards: each cell still names its column."""

import os
import shutil

import pytest

from tests.browser.conftest import CHROMIUM, login
from tests.browser.conftest import browser_context_args as browser_context_args  # noqa: F401 — fixtures
from tests.browser.conftest import browser_type_launch_args as browser_type_launch_args  # noqa: F401
from tests.browser.conftest import page as page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None and os.environ.get("BROWSER_TESTS") != "1",
                       reason=f"no chromium at {CHROMIUM}"),
]


@pytest.mark.django_db(transaction=True)
def test_stacked_table_cells_name_their_column_on_a_narrow_screen(live_server, page, pref):
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, live_server, "bob", pref.password)
    page.goto(f"{live_server.url}/audit/")
    cell = page.locator("table.table tbody td").first
    assert cell.get_attribute("data-label") == "番号"
    before = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "番号" in before
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
