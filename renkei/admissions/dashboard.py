"""Dashboard panel of a 保健所's staff: the deadlines of 入院等関係事務 overdue, due today and within 7 days,
and the reports not yet decided (renkei.admissions.worklist)."""

from . import access, worklist


def panels(request) -> list[dict]:
    m = request.membership
    if not access.can_view(m):
        return []
    work = worklist.worklist(m)
    groups = work["groups"]
    if not any(groups.values()) and not work["pending"]:
        return []
    return [{"title": "入院等関係事務の期限", "template": "admissions/panels/worklist.html", "order": 12,
             "groups": groups, "pending": work["pending"][:10], "status_names": worklist.STATUS_NAMES,
             "persons": work["persons"], "field_groups": access.GROUPS}]
