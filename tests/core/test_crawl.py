"""A crawler over the demo prefecture: every page a user can reach from the dashboard answers, in Japanese.

For one user of each role and kind of organisation it logs in, follows every same-site link breadth-first
(GET only, bounded per URL pattern and in total), and checks each answer: no 500, `<html lang="ja">` and a
`<title>`, no raw English framework errors, no template leftovers, no external links, JSON where an API is
linked. Each page's GET forms are submitted empty and with odd values; for the caseworker and the
supervisor each POST form is submitted empty (nothing may be written) and with invalid values.
"""

import json
import re
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from tests.core.test_closed_network import foreign_references

DEMO = Path(__file__).resolve().parents[2] / "renkei" / "demo" / "data" / "prefecture.json"
PAGES_PER_USER = 400
VISITS_PER_PATTERN = 3  # distinct ids followed per URL pattern (and per set of query keys)
SKIPPED_PREFIXES = ("/accounts/logout/", "/static/")
SLOW_SUFFIXES = (".pdf", "/pdf/", "export.csv", "/export/")  # fetched once per pattern, not parsed
XSS = "<script>alert('renkei-crawl')</script>"
ODD_VALUES = ["", "あ" * 3000, "' OR 1=1 --", XSS, "１２３４５", "2026-02-30", "-1", "%00\\x00", "999999999999999999999"]
QUERY_VALUES = ["", "abc", "-1", "1.5", "99999999999999999999", XSS, "１２", "2026-02-30", "' OR 1=1 --"]
ENGLISH = [
    "This field is required", "Enter a valid", "Not Found", "Traceback (most recent call last)", "Server Error",
    "Ensure this value", "Select a valid choice", "is not a valid", "does not exist", "Page not found",
    "Forbidden", "Bad Request", "Method Not Allowed", "CSRF verification failed", "Exception Value",
    "NoneType", "KeyError", "ValueError", "TypeError", "AttributeError", "Field required", "value_error",
]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

USERS = [
    # (username, acting organisation code or None for the first membership, submit POST forms)
    ("aoba.sodan", None, True),            # 市町村 相談員
    ("aoba.kanri", None, True),            # 市町村 管理者
    ("aoba.etsuran", None, False),         # 市町村 閲覧
    ("hoken.sodan", "chuo-hc", True),      # 保健所 相談員 (also 閲覧 at the センター)
    ("hoken.sodan", "mhw-centre", False),  # the same person acting in her second membership
    ("center.sodan", None, False),         # 精神保健福祉センター 相談員
    ("byoin.psw", None, False),            # 病院 連携先職員
    ("sumai.staff", None, False),          # 居住支援 連携先職員
    ("peer.tsubasa", None, False),         # ピアサポーター
    ("pref.shien", None, True),            # 県 入院者訪問支援事業 担当 (discharge demo)
    ("shienin.ueda", None, False),         # 訪問支援員 (discharge demo)
]


class Page(HTMLParser):
    """Collects links, forms (with their fields), the <html lang> and the <title> of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.fragments, self.forms, self.lang, self.title = [], [], [], None, None
        self._form, self._in_title, self._select, self._textarea = None, False, None, None
        self.text, self.label_for, self.controls, self._in_label, self.h1 = [], set(), [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and (a.get("type") or "text").lower() not in UNLABELLED_TYPES:
            named = self._in_label or a.get("aria-label") or a.get("aria-labelledby") or a.get("title")
            self.controls.append((a.get("id"), bool(named), a.get("name")))
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "title":
            self._in_title, self.title = True, ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif a.get("hx-get"):
            self.fragments.append(a["hx-get"])
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action"), "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button"):
            field = {"tag": tag, "type": (a.get("type") or ("submit" if tag == "button" else "text")).lower(),
                     "name": a.get("name"), "value": a.get("value", ""), "checked": "checked" in a,
                     "required": "required" in a,
                     "options": []}
            if field["name"]:
                self._form["fields"].append(field)
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label = max(0, self._in_label - 1)
        if tag == "form":
            self._form = None
        elif tag == "title":
            self._in_title = False
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)


UNLABELLED_TYPES = ("hidden", "submit", "button", "reset", "image")


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


class Crawl:
    def __init__(self, client: Client, who: str):
        self.client, self.who = client, who
        self.problems: list[str] = []
        self.pages: dict[str, Page] = {}
        self.requests = self.get_forms = self.post_forms = 0

    def problem(self, url, text):
        self.problems.append(f"{self.who} {url}: {text}")

    def fetch(self, method, url, data=None, *, fragment=False):
        self.requests += 1
        headers = {"HX-Request": "true"} if fragment else {}
        try:
            if method == "get":
                return self.client.get(url, data or {}, headers=headers)
            return self.client.post(url, data or {})
        except Exception as error:  # the test client re-raises what the view raised: that is a 500
            self.problem(url, f"{method.upper()} raised {type(error).__name__}: {error}"[:500])
            return None

    def check(self, url, response, *, fragment=False) -> Page | None:
        if response is None:
            return None
        if response.status_code >= 500:
            self.problem(url, f"answered {response.status_code}")
            return None
        content_type = response.get("Content-Type", "")
        if url.startswith("/api/"):
            if "json" not in content_type:
                self.problem(url, f"API link answered {content_type}")
            else:
                json.loads(response.content)
            return None
        if "text/html" not in content_type or response.status_code in (301, 302, 303):
            return None
        html = response.content.decode()
        page = parse(html)
        if not fragment and page.lang != "ja":
            self.problem(url, f'<html lang="{page.lang}">')
        if not fragment and not (page.title or "").strip():
            self.problem(url, "no <title>")
        if not fragment and response.status_code == 200 and page.h1 != 1:
            self.problem(url, f"{page.h1} <h1> headings (one expected)")
        for control_id, named, name in page.controls:
            if not named and control_id not in page.label_for:
                self.problem(url, f"form control {name or control_id!r} has no label")
        text = " ".join(page.text)
        for phrase in ENGLISH:
            if phrase in text:
                self.problem(url, f"English text {phrase!r}")
        for ref in foreign_references(html):
            self.problem(url, f"refers to another host: {ref}")
        if "{{" in html or "{%" in html:
            self.problem(url, "template leftover {{ or {%")
        if XSS in html or "<script>alert(" in html:
            self.problem(url, "unescaped <script> echoed back")
        return page

    def crawl(self, start="/"):
        queue, seen, per_pattern = deque([(start, None, False)]), {start}, {}
        while queue and len(self.pages) < PAGES_PER_USER:
            url, referrer, fragment = queue.popleft()
            response = self.fetch("get", url, fragment=fragment)
            if response is not None and response.status_code == 404:
                self.problem(url, f"linked from {referrer} but answers 404")
            if response is not None and response.status_code in (301, 302, 303):
                target = urljoin(url, response["Location"])
                if urlsplit(target).netloc not in ("", "testserver"):
                    self.problem(url, f"redirects off-site to {target}")
                continue
            page = self.check(url, response, fragment=fragment)
            if page is None:
                continue
            self.pages[url] = page
            for href, is_fragment in [(h, False) for h in page.links] + [(h, True) for h in page.fragments]:
                target = self.internal(url, href)
                if target is None or target in seen:
                    continue
                seen.add(target)
                split = urlsplit(target)
                pattern = pattern_of(split.path)
                if pattern is None:
                    self.problem(url, f"links to {target}, which resolves to no page")
                    continue
                key = (pattern, tuple(sorted(k for k, _ in parse_qsl(split.query))))
                limit = 1 if split.path.endswith(SLOW_SUFFIXES) else VISITS_PER_PATTERN
                if per_pattern.get(key, 0) >= limit:
                    continue
                per_pattern[key] = per_pattern.get(key, 0) + 1
                queue.append((target, url, is_fragment))

    def internal(self, base, href):
        href = href.strip()
        if href.startswith(("#", "tel:", "mailto:", "javascript:")) or not href:
            return None
        target = urljoin(base, href)
        split = urlsplit(target)
        if split.scheme not in ("", "http") or split.netloc not in ("", "testserver"):
            self.problem(base, f"external link {href}")
            return None
        path = split.path + (f"?{split.query}" if split.query else "")
        if path.startswith(SKIPPED_PREFIXES):
            return None
        return path

    def forms(self, method):
        """Each distinct form (by URL pattern of its action and its field names) once, with its page."""
        done = set()
        for url, page in self.pages.items():
            for form in page.forms:
                if form["method"] != method:
                    continue
                action = urljoin(url, form["action"] or url)
                action = urlsplit(action).path if method == "get" else action
                if action.startswith(SKIPPED_PREFIXES) or self.internal(url, action) is None:
                    continue
                names = tuple(sorted({f["name"] for f in form["fields"]}))
                key = (pattern_of(urlsplit(action).path), names)
                if key in done:
                    continue
                done.add(key)
                yield url, action, form

    def fuzz_queries(self):
        """Each crawled URL with a query string (one per pattern and keys), its values replaced by odd ones."""
        done = set()
        for url in list(self.pages):
            split = urlsplit(url)
            query = parse_qsl(split.query, keep_blank_values=True)
            key = (pattern_of(split.path), tuple(sorted(k for k, _ in query)))
            if not query or key in done:
                continue
            done.add(key)
            for value in QUERY_VALUES:
                odd = f"{split.path}?{urlencode([(k, value) for k, _ in query])}"
                self.check(odd, self.fetch("get", odd), fragment=True)

    def submit_get_forms(self):
        for _, action, form in self.forms("get"):
            self.get_forms += 1
            fillable = [f for f in form["fields"] if f["type"] not in ("submit", "button", "hidden")]
            base = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
            for value in ODD_VALUES:
                data = dict(base)
                for field in fillable:
                    data[field["name"]] = value
                url = f"{action}?{urlencode(data)}" if data else action
                self.check(url, self.fetch("get", url))


def user_input(form) -> list[dict]:
    return [f for f in form["fields"] if f["type"] not in ("submit", "button", "hidden")]


ANCIENT = {"date": "1800-01-01", "datetime-local": "1800-01-01T10:00"}
CHECKED_TYPES = ("date", "number", "range", "email", "datetime-local", "time")


def invalid_value(field) -> str:
    kind = field["type"]
    if kind == "date":
        return "2026-02-30"
    if kind in ("number", "range"):
        return "１２三"
    if kind == "email":
        return "not-an-email"
    if kind == "datetime-local":
        return "2026-13-01T25:61"
    if kind == "time":
        return "25:99"
    if field["tag"] == "select" or kind in ("checkbox", "radio"):
        return "__no_such_choice__"
    return XSS + "あ" * 5000


def plausible_value(field) -> str:
    if field["value"]:
        return field["value"]
    if field["tag"] == "select":
        return (field["options"] or [""])[-1]
    return {"number": "1", "email": "crawl@example.jp", "tel": "0990-00-0000"}.get(field["type"], "クロール確認")


def row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models()
              if m.__module__.startswith("renkei.") and m._meta.app_label != "audit" and not m._meta.proxy]
    return {m._meta.label: m._default_manager.count() for m in models}


def post_forms(crawl: Crawl):
    for url, action, form in crawl.forms("post"):
        fields = user_input(form)
        if urlsplit(action).path == "/accounts/switch/":
            continue
        # A form without a required field is a button with optional notes (acknowledge, cancel, mark
        # read): pressing it is the action itself, so only a field that can be invalid is tried there.
        required = any(f["required"] for f in fields)
        if not required and not any(f["tag"] == "select" or f["type"] in CHECKED_TYPES for f in fields):
            continue
        crawl.post_forms += 1
        # As a browser sends it: hidden fields (CSRF token, version) kept, every visible field cleared.
        data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
        if required:
            empty = data | {f["name"]: "" for f in fields if f["type"] not in ("checkbox", "radio")}
            before = row_counts()
            response = crawl.fetch("post", action, empty)
            after = row_counts()
            if after != before:
                grown = {k: after[k] - before[k] for k in after if after[k] != before[k]}
                crawl.problem(action, f"empty POST (form on {url}) wrote rows: {grown}")
            judge_post(crawl, action, response)
        invalid = data | {f["name"]: invalid_value(f) for f in user_input(form)}
        judge_post(crawl, action, crawl.fetch("post", action, invalid))
        dated = [f for f in fields if f["type"] in ANCIENT]
        if dated:  # well-formed dates no era names: the rest of the form as the page filled it in
            filled = data | {f["name"]: plausible_value(f) for f in fields if f["type"] not in ("checkbox", "radio")}
            judge_post(crawl, action, crawl.fetch("post", action, filled | {f["name"]: ANCIENT[f["type"]]
                                                                             for f in dated}))


def judge_post(crawl: Crawl, action, response):
    if response is None:
        return
    if response.status_code in (301, 302, 303):
        return
    page = crawl.check(action, response)
    if page is None or response.status_code >= 500:
        return
    if response.status_code == 404:
        return  # a form the role may see but not use answers 404 alike (checked by the access matrices)
    html = response.content.decode()
    errors = re.findall(r'role="alert"[^>]*>(.*?)</', html, re.S) + re.findall(
        r'class="[^"]*(?:errorlist|error)[^"]*"[^>]*>(.*?)</', html, re.S)
    if not errors:
        crawl.problem(action, f"POST answered {response.status_code} without a validation message")
    for error in errors:
        text = re.sub(r"<[^>]+>", "", error).strip()
        if text and not JAPANESE.search(text):
            crawl.problem(action, f"validation message not in Japanese: {text[:120]!r}")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo prefecture, loaded once for this module and rolled back afterwards."""
    from renkei.demo.loader import load_demo

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            load_demo()
            yield json.loads(DEMO.read_text(encoding="utf-8"))["password"]
            transaction.set_rollback(True)


def login(username, password, org_code) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in"
    if org_code:
        from renkei.accounts.models import Membership

        membership = Membership.objects.get(user__username=username, organisation__code=org_code)
        response = client.post("/accounts/switch/", {"membership": membership.pk})
        assert response.status_code == 302
    return client


@pytest.mark.parametrize("username,org_code,post", USERS, ids=[f"{u}@{o or 'first'}" for u, o, _ in USERS])
def test_every_page_reachable_from_the_dashboard_answers_in_japanese(demo, db, username, org_code, post):
    started = time.monotonic()
    crawl = Crawl(login(username, demo, org_code), f"{username}@{org_code or 'first'}")
    crawl.crawl("/")
    assert len(crawl.pages) > 3, f"{crawl.who} reached only {list(crawl.pages)}"
    crawl.fuzz_queries()
    crawl.submit_get_forms()
    if post:
        post_forms(crawl)
    print(f"{crawl.who}: {len(crawl.pages)} pages, {crawl.get_forms} GET forms, "
          f"{crawl.post_forms} POST forms, {crawl.requests} requests, {time.monotonic() - started:.1f}s")
    problems = "\n".join(crawl.problems)
    assert not crawl.problems, f"{len(crawl.problems)} problems:\n{problems}"
