"""'地域づくりの宿題' panel: the open action items of meetings and group support the acting membership owns."""

from django.utils import timezone

from . import access, reference


def panels(request) -> list[dict]:
    m = getattr(request, "membership", None)
    if not access.may_view(m):
        return []
    items = list(access.open_items_owned_by(m)[:30])
    if not items:
        return []
    today = timezone.localdate()
    return [{"title": "地域づくりの宿題", "template": "network/panels/items.html", "order": 25, "items": items,
             "overdue": sum(1 for i in items if i.due_date < today), "statuses": reference.names("item_statuses")}]
