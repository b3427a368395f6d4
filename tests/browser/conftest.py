"""End-to-end tests in headless Debian chromium (pytest-playwright; never a downloaded browser).

Run only where /usr/bin/chromium exists; with BROWSER_TESTS=1 (CI) a missing browser is an error
(the collection hook for the `browser` marker is in tests/conftest.py, so it covers every folder).
Helpers: `login(page, live_server, username, password)`.
"""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo",
            "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    return page


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザーID").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server.url}/**")


def logged_in_page(browser, live_server, context_args, username, password):
    """A page in a browser context of its own, logged in as `username` (several workers at once)."""
    context = browser.new_context(**context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, username, password)
    return page
