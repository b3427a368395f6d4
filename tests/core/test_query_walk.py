"""Odd query parameters on every page (issue 12): no 500, no silently wrong answer, on SQLite and PostgreSQL.

Every GET page route of the URL resolver is walked. What a view reads from the query string it declares
with `renkei.core.query.reads` (parameters, and the GET forms it binds); a view that reads `request.GET`
without declaring it fails `test_no_view_reads_the_query_string_without_declaring_it`. Each declared
view is then asked once per kind of odd value, with that value for every name it reads, as the
supervisor of the shared small prefecture (tests/conftest.py), who may open every page of it:
- no answer is a 5xx, and nothing raises;
- a value a declared parameter refuses answers the Japanese 400 page naming the parameter;
- a value a declared form refuses is shown on the page as the form's message (not a page that looks like
  an answer to another question).
"""

import ast
import html
import inspect
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from renkei.core import query

RENKEI = Path(__file__).resolve().parents[2] / "renkei"

ODD = {
    "not a number": "abc",
    "beyond a bigint": "99999999999999999999",
    "negative": "-1",
    "zero (year 0)": "0",
    "full-width digits": "１２",
    "NUL": "a\x00b",
    "another control character": "\x1b[31m",
    "an impossible date": "2024-02-30",
    "a date in year 0": "0000-01-01",
    "10,000 characters": "あ" * 10_000,
    "an unknown code": "__no_such_code__",
    "repeated with different values": ["1", "2"],
}
# Routes whose plain answer (the declared parameters absent) may be other than 200, and why.
NOT_OPENED = {
    "consent/breakglass/<int:person_id>/": "opens only with the exact search that found the person (given below)",
}


# Routes asked without a login (a logged-in worker is sent on from them).
ANONYMOUS = {"accounts/login/"}


# --- the routes ------------------------------------------------------------------------------------------
def page_routes(resolver=None, prefix=""):
    """(route, view) for every page of the URL resolver (not the API, which its schema types)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if not (prefix + str(entry.pattern)).startswith("api/"):
                yield from page_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and not (prefix + str(entry.pattern)).startswith(("api/", "static")):
            yield prefix + str(entry.pattern), entry.callback


def declared_routes():
    return [(route, view) for route, view in page_routes() if any(query.declared(view))]


def names_read(view) -> list[str]:
    params, forms = query.declared(view)
    return list(dict.fromkeys([*params, *(name for form in forms for name in form.base_fields)]))


# --- one world for the module -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The shared small prefecture with one person (with a birth date) and an open case of 青葉市, made once."""
    import datetime as dt

    from renkei.cases.actions import do_open_case, do_register_person
    from tests.conftest import build_prefecture

    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        pref = build_prefecture()
        person = do_register_person(request=None, membership=pref.memberships.bob, confirm_duplicate=True,
                                    data={"name": "森 本子", "kana": "モリ モトコ", "birth_date": dt.date(1980, 5, 1),
                                          "sex": "female", "municipality": None, "address": "", "phone": ""})
        case = do_open_case(request=None, membership=pref.memberships.bob, person=person)
        client = Client(raise_request_exception=True)
        client.force_login(pref.users.bob)
        yield {"client": client, "ids": {"person_id": person.pk, "case_id": case.pk},
               "plain": {"consent/breakglass/<int:person_id>/": {"name": person.name, "birth_date": "1980-05-01"}}}
        transaction.set_rollback(True)


def concrete(route: str, ids: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), route)


def odd_query(names: list[str], value) -> str:
    values = value if isinstance(value, list) else [value]
    return urlencode([(name, v) for name in names for v in values])


def expected_refusal(view, query_string: str) -> str | None:
    """The message the declaration refuses this query with (None: it takes it)."""
    params, forms = query.declared(view)
    try:
        query.parse(QueryDict(query_string), params, forms)
    except query.QueryError as error:
        return error.message
    return None


def form_messages(view, query_string: str) -> list[str]:
    """The messages the declared forms give for this query (empty: they take it)."""
    _params, forms = query.declared(view)
    messages = []
    for form_class in forms:
        form = form_class(QueryDict(query_string))
        if not form.is_valid():
            messages += [m for errors in form.errors.values() for m in errors]
    return messages


# --- the tests --------------------------------------------------------------------------------------------
def _reads_query(node) -> bool:
    """Reads request.GET, or the parsed request.query that only a declaration gives."""
    return any(isinstance(n, ast.Attribute) and n.attr in ("GET", "query") and isinstance(n.value, ast.Name)
               and n.value.id == "request" for n in ast.walk(node))


def _is_declared(function: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and ast.unparse(d.func) in ("query.reads", "reads")
               for d in function.decorator_list)


def scan() -> tuple[list[str], set[tuple[str, str]]]:
    """(single parameters read from request.GET outside renkei.core.query, the (module, name) of every
    views.py function that reads request.GET or request.query itself or through a helper of its module)."""
    direct, reading_views = [], set()
    for path in sorted(RENKEI.rglob("*.py")):
        if path.name in ("query.py", "middleware.py") and path.parent.name == "core" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            target = node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                else node.value if isinstance(node, ast.Subscript) else None
            if target is not None and ast.unparse(target) == "request.GET" and (
                    isinstance(node, ast.Subscript) or node.func.attr in ("get", "getlist", "lists", "items", "values")):
                direct.append(f"{path.relative_to(RENKEI)}:{node.lineno} reads {ast.unparse(node)}")
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        reading = {name for name, f in functions.items() if _reads_query(f)}
        while True:  # a function that calls a reading helper of its module reads too
            more = {name for name, f in functions.items() if name not in reading and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in reading for n in ast.walk(f))}
            if not more:
                break
            reading |= more
        if path.name == "views.py":
            module = ".".join(("renkei", *path.relative_to(RENKEI).with_suffix("").parts))
            reading_views |= {(module, name) for name in reading if not name.startswith("_")}
    return direct, reading_views


def test_no_view_reads_the_query_string_without_declaring_it():
    """Nothing but renkei.core.query reads a single parameter from request.GET (a `.get()`, `[...]`); each
    view that reads request.GET or request.query at all (binding a form, itself or through a helper) declares it, as the
    URL resolver serves it (so a declaration lost in a stack of decorators fails too)."""
    direct, reading_views = scan()
    assert not direct, "declare these with renkei.core.query.reads:\n" + "\n".join(direct)
    served = {(view.__module__, view.__name__): (route, view) for route, view in page_routes()}
    undeclared = sorted(f"{served[key][0]} ({key[0]}.{key[1]})" for key in reading_views
                        if key in served and not any(query.declared(served[key][1])))
    assert not undeclared, "these views read request.GET without @query.reads: " + ", ".join(undeclared)
    assert len(reading_views) >= 15 and reading_views <= set(served), sorted(reading_views - set(served))
    assert len(served) > 100


@pytest.mark.django_db
def test_odd_query_parameters_on_every_page_are_refused_in_japanese_and_never_answer_500(world):
    problems, asked = [], 0
    for route, view in declared_routes():
        client = Client() if route in ANONYMOUS else world["client"]
        url = concrete(route, world["ids"])
        plain = client.get(url, world["plain"].get(route, {}))
        if plain.status_code != 200 and route not in NOT_OPENED:
            problems.append(f"{url} answers {plain.status_code} without parameters: the walk cannot reach it")
        names = names_read(view)
        for kind, value in ODD.items():
            query_string = odd_query(names, value)
            asked += 1
            try:
                response = client.get(f"{url}?{query_string}")
            except Exception as error:  # the test client re-raises what the view raised: a 500
                problems.append(f"{url} with {kind}: raised {type(error).__name__}: {error}"[:300])
                continue
            body = response.content.decode("utf-8", errors="replace") if "text/html" in response.get(
                "Content-Type", "") else ""
            refusal = expected_refusal(view, query_string)
            if response.status_code >= 500:
                problems.append(f"{url} with {kind}: answered {response.status_code}")
            elif "\x00" in query_string or "\x1b" in query_string:
                if response.status_code != 400 or "制御文字" not in body:
                    problems.append(f"{url} with {kind}: {response.status_code} instead of the control-character 400")
            elif refusal is not None:
                if response.status_code != 400 or html.escape(refusal, quote=False) not in body:
                    problems.append(f"{url} with {kind}: {response.status_code} without the message {refusal!r}")
            elif response.status_code == 200 and body:
                messages = form_messages(view, query_string)
                if messages and not any(html.escape(m) in body for m in messages):
                    problems.append(f"{url} with {kind}: 200 without any of the form's messages {messages[:2]}")
    assert asked >= len(ODD) * 15
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_declared_parameter_types_refuse_each_kind_of_odd_value_with_their_label():
    cases = [
        (query.Id("本人"), ["abc", "99999999999999999999", "-1", "0", "１２", " 1", "1.5", "1_0"], "「本人」は1以上の整数"),
        (query.FiscalYear(), ["0", "1872", "9999", "abc", "２０２４"], "「年度」は1873〜9998の整数"),
        (query.Date("開始日"), ["2024-02-30", "0000-01-01", "1899-12-31", "2200-01-01", "20240101", "abc"], "「開始日」は"),
        (query.Choice("表示", [("active", "有効"), ("all", "すべて")]), ["__no_such_code__", "ACTIVE", " all"],
         "指定できるのは active・all"),
        (query.Text("検索語", max_length=100), ["あ" * 101, "a\x00b", "\x1b[31m"], None),
        (query.Flag("上位機関への依頼"), ["yes", "2"], "「上位機関への依頼」に指定できない値です"),
        (query.Uuid("依頼先のサービス"), ["1", "abc", "0" * 37, "{" + "0" * 32 + "}x", "urn:uuid:" + "0" * 32],
         "「依頼先のサービス」の形式が正しくありません"),
    ]
    for param, values, message in cases:
        for value in values:
            with pytest.raises(query.QueryError) as refused:
                param.read([value])
            assert message is None or message in refused.value.message, (value, refused.value.message)
        with pytest.raises(query.QueryError, match="複数指定されています"):
            param.read(["1", "2"])
    assert query.Id("本人").read(["9223372036854775807"]) == 2**63 - 1
    assert query.FiscalYear().read(["2024"]).start.isoformat() == "2024-04-01"
    assert query.Date("開始日").read(["2024-02-29"]).isoformat() == "2024-02-29"
    assert query.Flag("x").read(["1"]) is True and query.Flag("x").read([]) is False
    assert query.Choice("表示", [("a", "A")], default="a").read([""]) == "a"
    assert query.Id("本人").read(["7", "7"]) == 7  # the same value twice is one value
    import uuid

    value = uuid.uuid4()
    assert query.Uuid("依頼先のサービス").read([str(value)]) == value == query.Uuid("サービス").read([value.hex])
    assert inspect.signature(query.reads)  # (the decorator is what the views use)
