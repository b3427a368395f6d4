"""The navigation is assembled from the apps: each AppConfig may list `nav` entries
({"label", "url", "perm", "order"}); an entry shows when the acting membership has `perm`."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse


def nav_items(request) -> list[dict]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    items = []
    for config in apps.get_app_configs():
        for entry in getattr(config, "nav", []):
            if entry.get("perm") and not membership.has_perm(entry["perm"]):
                continue
            try:
                url = reverse(entry["url"])
            except NoReverseMatch:
                continue
            items.append({**entry, "href": url, "active": request.path.startswith(url) if url != "/" else
                          request.path == "/"})
    return sorted(items, key=lambda item: item["order"])
