"""/api/docs renders in headless Debian chromium from the product's own assets: Swagger UI starts (no
inline script, no CDN) and lists the operations, and no request leaves the product's host."""

import shutil
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]


def test_the_api_docs_render_the_operations_with_nothing_from_another_host(transactional_db, page, live_server,
                                                                              pref):
    hosts, errors = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, "alice", pref.password)
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/cases/persons").first).to_be_visible()
    assert hosts == {urlsplit(live_server.url).netloc} and errors == []
