"""Closed network: no page and not the API docs refers to another host (no CDN, no external font, no
call home). `foreign_references` is also applied to every page the demo crawler reaches (test_crawl)."""

import re

from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ATTRIBUTE = re.compile(r"""\b(?:src|href|action|formaction|srcset|poster|data|content|hx-get|hx-post)\s*=\s*"""
                       r"""["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^"'\s>]+)""", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:[a-z][a-z0-9+.-]*:)?//[^"')\s]+)""", re.I)
ASSET = re.compile(r"""(?:src|href)\s*=\s*["'](/static/[^"'?#]+)""", re.I)
OWN_HOSTS = ("testserver",)


def foreign_references(text: str) -> list[str]:
    """Every URL in an HTML attribute or a CSS url()/@import that names a host other than this server."""
    found = []
    for ref in ATTRIBUTE.findall(text) + CSS_URL.findall(text):
        host = re.sub(r"^(?:[a-z][a-z0-9+.-]*:)?//", "", ref, flags=re.I).split("/")[0].split(":")[0]
        if host not in OWN_HOSTS:
            found.append(ref)
    return found


def static_assets(html: str) -> list[str]:
    return ASSET.findall(html)


def test_the_check_finds_a_cdn_script_a_protocol_relative_font_and_a_css_import():
    html = ('<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui-bundle.js"></script>'
            '<link href="//fonts.googleapis.com/css?family=Noto" rel="stylesheet"><a href="/cases/">ok</a>'
            '<style>@import "https://example.com/x.css";</style><img src="http://testserver/static/a.png">')
    assert foreign_references(html) == ["https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui-bundle.js",
                                        "//fonts.googleapis.com/css?family=Noto", "https://example.com/x.css"]


def test_the_api_docs_are_served_entirely_by_the_product(pref, client_for):
    response = client_for(pref.users.alice).get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert foreign_references(html) == []
    assets = static_assets(html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets and "/static/ninja/swagger-ui.css" in assets
    for asset in assets:
        path = finders.find(asset.removeprefix("/static/"))
        assert path, f"{asset} is not a local static file"
        if asset.endswith(".css"):
            assert foreign_references(open(path, encoding="utf-8").read()) == [], asset
    assert "<script>" not in html and "script-src 'self'" in response["Content-Security-Policy"]
    starter = open(finders.find("renkei/api-docs.js"), encoding="utf-8").read()
    assert "config.validatorUrl = null" in starter  # Swagger UI would send the schema to validator.swagger.io
    assert client_for(pref.users.alice).get("/api/openapi.json").status_code == 200


def _plain_routes(resolver=None, prefix=""):
    """Every URL pattern without parameters (the pages the crawler may not reach from the dashboard)."""
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _plain_routes(p, route)
        elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route and not route.startswith("static"):
            yield "/" + route.lstrip("^").rstrip("$")


def test_no_page_without_parameters_refers_to_another_host(pref, client_for):
    clients = [client_for(pref.users.alice), client_for(pref.users.bob), client_for(pref.users.hana)]
    seen = 0
    for route in sorted(set(_plain_routes())):
        if route.startswith(("/accounts/logout", "/api/")) and route != "/api/docs":
            continue
        for client in clients:
            response = client.get(route)
            if "text/html" in response.get("Content-Type", "") and response.status_code == 200:
                seen += 1
                assert foreign_references(response.content.decode()) == [], route
    assert seen > 20
    assert foreign_references(client_for(pref.users.alice).get(reverse("core:dashboard")).content.decode()) == []
