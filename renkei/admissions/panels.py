"""The person page's 入院等関係事務 panel (renkei.cases.panels, slot person.head), registered in
AdmissionsConfig.ready: for the 保健所's own staff, the reports naming the person and their stays, with
links. The person page fetched the person through the access layer and logged its read."""

from . import access


def person_admissions(request, person):
    m = getattr(request, "membership", None)
    if not access.can_view(m):
        return None
    reports = list(access.reports_visible_to(m).filter(person=person).order_by("-received_at")[:10])
    stays = list(access.admissions_visible_to(m).filter(person=person).order_by("-admitted_at")[:10])
    if not reports and not stays:
        return None
    return ("admissions/_person_panel.html", {"adm": {"reports": reports, "stays": stays}})
