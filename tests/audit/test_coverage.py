"""Every read of person data is on record, lists included — enforced by walking the product.

For several demo users (caseworker, supervisor, 保健所 worker, hospital partner, peer supporter, the
prefecture's programme worker) every GET route of the URL resolver is requested — pages and API — with
real ids (from the links the pages show, else of the demo records), with the filters the pages' GET
forms and the API's query parameters offer (text fields filled with a name the user can find). For each
answer the persons of the demo prefecture that appear in it are found: by name, フリガナ or case number
in the text (HTML, CSV, JSON strings), and in API JSON by id (`person_id`, `person`, `Patient/<id>`, and `case_id`
as the case's person). Each of them must be named by an audit entry written during that request (its
person or one of the persons a listing names: the link table the per-person access report reads). A new route, panel or filter is covered without anyone
remembering to add it; a route no user could open fails the walk until it is reachable or listed below.
"""

import html
import json
import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from renkei.audit.models import AuditEvent, AuditEventPerson
from tests.consent.test_access_matrix import ID_PARAMS
from tests.core.test_crawl import demo, login, parse, pattern_of  # noqa: F401  (demo: the module fixture)

USERS = [
    ("aoba.sodan", None),            # 市町村 相談員
    ("aoba.kanri", None),            # 市町村 管理者 (audit viewer, exports, statistics)
    ("hoken.sodan", "chuo-hc"),      # 保健所 相談員: 管内の相談, referrals received
    ("byoin.psw", None),             # 病院 連携先職員: persons shared by consent and referral
    ("peer.tsubasa", None),          # ピアサポーター: assignments only
    ("pref.shien", None),            # 県 入院者訪問支援事業 担当
]
# Routes that show no person of the prefecture by design, or are not pages: logging out ends the walk;
# the API's docs and schema describe the API; the health check answers "ok".
SKIPPED = {"accounts/logout/", "api/docs", "api/openapi.json", "healthz", "accounts/login/", "accounts/login/otp/"}
# Values for the API's query parameters (by name); `term` is a name the user can find, `person` an id.
API_QUERY = {"q": "{term}", "search": "{term}", "person_id": "{person}", "box": "sent", "open_only": "false"}
# GET routes with a person-data id that no demo user can open in the walk, each with why (the access
# matrix, tests/consent/test_access_matrix.py, opens them with its own records and checks their entries).
UNREACHED = {
    "consent/<int:consent_id>/attachment/": "no demo consent has an attached file",
    "consent/breakglass/<int:person_id>/": "opens only with the exact search (name and birth date) that found the person",
    "discharge/plans/<int:plan_id>/revise/": "an edit form for the plan's own organisation; its write is audited",
    "consent/breakglass/accesses/<int:access_id>/end/": "opens only for an active break-glass access, which the demo "
    "does not keep; its read is audited (tests/consent/test_breakglass_end.py)",
}
PAGES_PER_USER = 260
FALLBACK_TRIES = 12  # ids tried per route that no link led to
NAME_MIN = 3  # names shorter than this (after removing spaces) are not searched for (too many false hits)


# --- the persons of the prefecture, and where they appear ------------------------------------------------
def _fold(text: str) -> str:
    return re.sub(r"[\s\u3000]+", " ", text).strip()


class People:
    """Every person of the demo prefecture: name, フリガナ and case numbers → ids, case id → person id."""

    def __init__(self):
        from renkei.accounts.models import User
        from renkei.cases.models import Case, Person

        self.by_text: dict[str, set[int]] = defaultdict(set)
        staff = {_fold(name) for name in User.objects.values_list("display_name", flat=True)}
        for pk, name, kana in Person.objects.values_list("pk", "name", "kana"):
            for text in (_fold(name), _fold(kana or "")):
                if len(text.replace(" ", "")) >= NAME_MIN and text not in staff:
                    self.by_text[text].add(pk)
        for pk, number in Case.objects.values_list("person_id", "number"):  # a case number names its person
            self.by_text[number].add(pk)
        texts = sorted(self.by_text, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(t) for t in texts)) if texts else None
        self.case_person = dict(Case.objects.values_list("pk", "person_id"))
        self.ids = set(Person.objects.values_list("pk", flat=True))

    def in_text(self, text: str) -> list[set[int]]:
        """Each name found: the ids it may stand for (namesakes in different organisations)."""
        if self.pattern is None:
            return []
        return [set(self.by_text[m.group(0)]) for m in self.pattern.finditer(_fold(text))]

    def in_json(self, value, key=None) -> list[set[int]]:
        found = []
        if isinstance(value, dict):
            for k, v in value.items():
                found += self.in_json(v, k)
            if key == "person" and isinstance(value.get("id"), int):
                found.append({value["id"]})
        elif isinstance(value, list):
            for v in value:
                found += self.in_json(v, key)
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if key in ("person_id", "person") and value in self.ids:
                found.append({value})
            elif key == "case_id" and value in self.case_person:
                found.append({self.case_person[value]})
        elif isinstance(value, str):
            found += self.in_text(value)
            found += [{int(n)} for n in re.findall(r"\bPatient/(\d+)\b", value) if int(n) in self.ids]
        return found


def _text_of(response) -> str | None:
    kind = response.get("Content-Type", "")
    if "html" in kind:
        body = response.content.decode()
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", " ", body))
    if "csv" in kind or kind.startswith("text/"):
        return response.content.decode("utf-8-sig", errors="replace")
    return None


def shown(people: People, response) -> list[set[int]]:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return []
    kind = response.get("Content-Type", "")
    if "json" in kind:
        return people.in_json(json.loads(response.content))
    text = _text_of(response)
    return people.in_text(text) if text is not None else []


def named_since(last_id) -> set[int]:
    """Persons named by the audit entries written after entry `last_id`."""
    return {int(pk) for pk in AuditEventPerson.objects.filter(event_id__gt=last_id or 0)
            .values_list("person_id", flat=True)}


# --- the routes ------------------------------------------------------------------------------------------
def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def get_routes() -> list[str]:
    """Every route that answers GET (ninja lists one path per method: the GET ones from the schema)."""
    from renkei.api import api

    schema = api.get_openapi_schema()
    api_get = {re.sub(r"\{(\w+)\}", r"\1", path.lstrip("/")) for path, ops in schema["paths"].items() if "get" in ops}
    found = []
    for pattern in dict.fromkeys(_routes()):
        if pattern in SKIPPED or pattern.startswith("static"):
            continue
        if pattern.startswith("api/"):
            plain = re.sub(r"<(?:\w+:)?(\w+)>", r"\1", pattern)
            if plain not in api_get:
                continue
        found.append(pattern)
    return found


def _params(pattern):
    return re.findall(r"<(?:\w+:)?(\w+)>", pattern)


def id_pool() -> dict[str, list[int]]:
    """Real ids of the demo records for each path parameter the access matrix names (used when no page
    linked to the route)."""
    from renkei.admissions.models import Admission, Report
    from renkei.cases.models import Case, Consultation, Person, RecordEntry, SearchDocument
    from renkei.conferences.models import ActionItem, Attendee, Conference, TeamMember
    from renkei.consent.models import Consent, Disclosure
    from renkei.discharge.models import DischargePlan, OutreachVisit, PathwayStep, VisitSupportRequest
    from renkei.referrals.models import Referral

    models = {"person_id": Person, "case_id": Case, "consultation_id": Consultation, "entry_id": RecordEntry,
              "document_id": SearchDocument, "consent_id": Consent, "disclosure_id": Disclosure,
              "referral_id": Referral, "member_id": TeamMember, "conference_id": Conference,
              "attendee_id": Attendee, "item_id": ActionItem, "plan_id": DischargePlan, "step_id": PathwayStep,
              "request_id": VisitSupportRequest, "visit_id": OutreachVisit, "report_id": Report,
              "admission_id": Admission}
    pool = {name: list(model.objects.order_by("pk").values_list("pk", flat=True)[:400])
            for name, model in models.items()}
    pool["number"] = [1]
    return pool


class Walk:
    def __init__(self, client: Client, who: str, people: People, membership):
        self.client, self.who, self.people, self.m = client, who, people, membership
        self.problems: list[str] = []
        self.opened: set[str] = set()  # patterns answered 200
        self.answered: set[str] = set()  # patterns answered 200, a redirect (a read that leads on) or 405 (no GET)
        self.checked: set[str] = set()  # patterns that showed a person (and were checked)
        self.visited: set[str] = set()
        self.seen_ids: dict[str, dict] = defaultdict(dict)  # path parameter → ids the walk met, in order
        from renkei.cases.access import persons_visible_to

        visible = list(persons_visible_to(membership).order_by("pk").values_list("pk", "name")[:1])
        self.person = visible[0][0] if visible else 0
        self.term = visible[0][1].split()[0] if visible else "テスト"

    def get(self, url: str):
        if url in self.visited:
            return None
        self.visited.add(url)
        last = AuditEvent.objects.aggregate(m=Max("id"))["m"]
        response = self.client.get(url, headers={"HX-Request": "true"} if "/pick/" in url else {})
        path = urlsplit(url).path
        pattern = pattern_of(path)
        if response.status_code == 200:
            for name, value in resolve(path).kwargs.items():
                self.seen_ids[name].setdefault(value, None)
        if response.status_code == 200:
            self.opened.add(pattern)
        if response.status_code in (200, 302, 405):
            self.answered.add(pattern)
        persons = shown(self.people, response)
        if persons:
            self.checked.add(pattern)
            named = named_since(last)
            missing = [sorted(ids) for ids in persons if not ids & named]
            if missing:
                self.problems.append(f"{self.who} GET {url} shows persons {sorted({i for m in missing for i in m})} "
                                     f"with no audit entry naming them")
        return response

    def page_and_forms(self, url: str, queue: list):
        response = self.get(url)
        if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        page = parse(response.content.decode())
        for href in page.links + page.fragments:
            target = urljoin(url, href.strip())
            split = urlsplit(target)
            if split.netloc in ("", "testserver") and not href.startswith(("#", "tel:", "mailto:")):
                queue.append(split.path + (f"?{split.query}" if split.query else ""))
        for form in page.forms:
            if form["method"] != "get":
                continue
            action = urlsplit(urljoin(url, form["action"] or url)).path
            data = {}
            for field in form["fields"]:
                if field["type"] in ("submit", "button"):
                    continue
                if field["tag"] == "select":
                    data[field["name"]] = next((o for o in field["options"] if o), "")
                elif field["type"] in ("checkbox", "radio"):
                    if field["checked"]:
                        data[field["name"]] = field["value"]
                elif field["type"] in ("text", "search") and not field["value"]:
                    data[field["name"]] = self.term
                else:
                    data[field["name"]] = field["value"]
            queue.append(f"{action}?{urlencode(data)}")


def _concrete(pattern: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern)


def walk(walker: Walk, routes: list[str], pool: dict):
    from renkei.api import api

    schema = api.get_openapi_schema()
    queue, per_pattern = ["/"], defaultdict(int)
    for pattern in routes:
        if not _params(pattern):
            queue.append("/" + pattern)
    pages = 0
    while queue and pages < PAGES_PER_USER:
        url = queue.pop(0)
        split = urlsplit(url)
        if split.path.startswith(("/static/", "/accounts/logout/")) or url in walker.visited:
            continue
        pattern = pattern_of(split.path)
        if pattern is None or pattern in SKIPPED:
            continue
        key = (pattern, tuple(sorted(k for k, _ in parse_qsl(split.query))))
        if per_pattern[key] >= 1:
            continue
        per_pattern[key] += 1
        pages += 1
        walker.page_and_forms(url, queue)
        if split.path.startswith("/api/") and not split.query:
            operation = schema["paths"].get("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern), {}).get("get", {})
            for param in operation.get("parameters", []):
                value = API_QUERY.get(param["name"])
                if param["in"] == "query" and value is not None:
                    queue.append(f"{split.path}?{param['name']}="
                                 + value.format(term=walker.term, person=walker.person))
    # routes no link led to: with the ids the walk met on other routes (a case id of the case page for the
    # case's pathway API), then with real ids of the demo records
    for pattern in routes:
        names = _params(pattern)
        if not names or pattern in walker.answered:
            continue
        candidates = {n: list(walker.seen_ids[n]) + [i for i in pool.get(n, []) if i not in walker.seen_ids[n]]
                      for n in names}
        for index in range(FALLBACK_TRIES):
            try:
                values = {n: candidates[n][index % len(candidates[n])] for n in names}
            except ZeroDivisionError:
                break
            response = walker.get(_concrete(pattern, values))
            if response is not None and response.status_code in (200, 302, 405):
                break


def test_the_walk_finds_the_persons_a_page_shows():
    """The detector itself: a name, a フリガナ, JSON ids and a case's person are found; staff names are not."""
    people = People.__new__(People)
    people.by_text = {"森本 拓海": {1}, "モリモト タクミ": {1}, "川口 美和": {2, 3}}
    people.pattern = re.compile("|".join(re.escape(t) for t in sorted(people.by_text, key=len, reverse=True)))
    people.case_person, people.ids = {10: 2}, {1, 2, 3}
    assert people.in_text("<td>森本　拓海</td>") == [{1}]
    assert people.in_text("モリモト  タクミ 様") == [{1}]
    assert people.in_json([{"person_id": 1}, {"case_id": 10}, {"subject": {"reference": "Patient/3"}},
                           {"name": "川口 美和"}, {"id": 2}]) == [{1}, {2}, {3}, {2, 3}]


@pytest.mark.django_db
def test_every_person_shown_by_any_get_route_is_named_by_an_audit_entry_of_that_request(demo):  # noqa: F811
    from renkei.accounts.models import Membership

    people, routes, pool = People(), get_routes(), id_pool()
    assert len(people.by_text) > 50 and len(routes) > 100
    problems, opened, checked, answered = [], set(), set(), set()
    for username, org_code in USERS:
        client = login(username, demo, org_code)
        memberships = Membership.objects.filter(user__username=username)
        membership = memberships.get(organisation__code=org_code) if org_code else memberships.order_by("pk").first()
        walker = Walk(client, f"{username}@{org_code or 'first'}", people, membership)
        walk(walker, routes, pool)
        problems += walker.problems
        opened |= walker.opened
        checked |= walker.checked
        answered |= walker.answered
    listings = {"core:dashboard", "cases/", "cases/persons/", "cases/search/", "api/cases/consultations", "api/cases/persons",
                "api/cases/search", "api/cases/cases", "referrals/", "api/referrals/", "conferences/",
                "discharge/", "api/discharge/plans", "admissions/", "admissions/reports/", "admissions/inpatients/",
                "api/admissions/reports", "api/admissions/worklist"}
    never = sorted(p for p in routes if p not in opened)
    print(f"{len(opened)} routes opened, {len(checked)} showed persons; never opened: {never}")
    assert not problems, f"{len(problems)} reads without an audit entry:\n" + "\n".join(problems)
    # the walk reached the lists and every route with a person-data id (so a broken walk, or a new route
    # nobody can open, cannot pass by showing nothing)
    assert listings <= checked, f"these lists showed no person to any user: {sorted(listings - checked)}"
    unreached = {p for p in routes if set(_params(p)) & set(ID_PARAMS) and p not in answered} - set(UNREACHED)
    assert not unreached, f"no demo user could open these person-data routes: {sorted(unreached)}"
