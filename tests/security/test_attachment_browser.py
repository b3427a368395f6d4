"""In a real browser: an HTML or script upload is refused, and a stored file that is not a scan (kept from
before the type check) is only downloaded — its page never renders, its script never runs in the session."""

import shutil

import pytest
from playwright.sync_api import expect

from renkei.consent.models import Consent
from renkei.core import attachments
from tests.browser.conftest import CHROMIUM, browser_context_args, browser_type_launch_args, login  # noqa: F401

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM}")]

SCRIPT = b"document.cookie = 'pwned=1; path=/'; document.title = 'PWNED';"


def test_an_html_upload_is_refused_in_the_browser(transactional_db, pref, world, page, live_server):
    login(page, live_server, "alice", pref.password)
    page.goto(f"{live_server.url}/consent/persons/{world['person'].pk}/new/")
    page.get_by_label("同意書の写し（PDF・画像）").set_input_files(
        files=[{"name": "scan.html", "mimeType": "text/html", "buffer": b"<script src='a.js'></script>"}])
    page.get_by_label("利用目的").fill("訪問看護のため")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("添付できるのは PDF・PNG・JPEG・TIFF のファイルです")).to_be_visible()
    assert not Consent.objects.exists()


def test_a_stored_html_page_and_script_are_downloads_that_never_run(
        transactional_db, pref, world, consent_to, page, live_server, tmp_path):
    script_consent = consent_to(world["person"], organisation=pref.orgs.vn)
    Consent.objects.filter(pk=script_consent.pk).update(attachment=attachments.save_bytes(
        SCRIPT, name="a.bin", content_type="text/javascript"))
    html = (f"<!doctype html><title>scan</title><script src='/consent/{script_consent.pk}/attachment/'></script>"
            "<script>document.cookie='pwned=2; path=/'</script>").encode()
    page_consent = consent_to(world["person"], organisation=pref.orgs.housing)
    Consent.objects.filter(pk=page_consent.pk).update(attachment=attachments.save_bytes(
        html, name="scan.bin", content_type="text/html"))

    login(page, live_server, "alice", pref.password)
    detail = f"{live_server.url}/consent/{page_consent.pk}/"
    page.goto(detail)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ダウンロード", exact=False).click()
    download = download_info.value
    assert download.suggested_filename == "scan.bin"
    assert open(download.path(), "rb").read() == html
    # Opening the address directly is a download too: the page is never rendered in the product's origin.
    with page.expect_download():
        try:
            page.goto(f"{live_server.url}/consent/{page_consent.pk}/attachment/")
        except Exception as error:  # chromium reports a navigation that became a download as an error
            assert "Download is starting" in str(error)
    assert page.url == detail and page.title() != "PWNED"
    assert not any(c["name"] == "pwned" for c in page.context.cookies())
    # Loaded as a script by a page of the product, it is refused (nosniff, not a script type).
    page.evaluate("""url => new Promise(done => { const s = document.createElement('script');
        s.src = url; s.onload = s.onerror = () => done(); document.head.appendChild(s); })""",
                  f"/consent/{script_consent.pk}/attachment/")
    assert page.title() != "PWNED"
    assert not any(c["name"] == "pwned" for c in page.context.cookies())
