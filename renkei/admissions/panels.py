"""The 入院等関係事務 panels of the person and case pages (renkei.cases.panels), registered in
AdmissionsConfig.ready, for the 保健所's own staff only (`admission.view`, through admissions.access):

- person.head: the reports naming the person and their stays, with links;
- case.head: the legal status of the case's person — their 措置入院・緊急措置入院・医療保護入院・応急入院
  stays (kind, hospital, admitted, ended).

The page fetched the person or case through the access layer and logged its read (基本情報, 相談・経過記録);
both panels show 医療情報 (reports, stays) that entry does not name, so each logs its own `admission.listed`
entry naming the person with the admissions' field groups and purpose."""

from . import access, actions


def person_admissions(request, person):
    m = getattr(request, "membership", None)
    if not access.can_view(m):
        return None
    reports = list(access.reports_visible_to(m).filter(person=person).order_by("-received_at")[:10])
    stays = list(access.admissions_visible_to(m).filter(person=person).order_by("-admitted_at")[:10])
    if not reports and not stays:
        return None
    actions.log_listing(request, m, "admission.listed", [person], data={"on": "person", "reports": [r.pk for r in reports],
                                                                       "admissions": [a.pk for a in stays]})
    return ("admissions/_person_panel.html", {"adm": {"reports": reports, "stays": stays}})


def case_legal_status(request, case):
    m = getattr(request, "membership", None)
    if not access.can_view(m) or case.person_id is None:
        return None
    stays = list(access.admissions_visible_to(m).filter(person_id=case.person_id)
                 .order_by("-admitted_at", "-id")[:10])
    if not stays:
        return None
    actions.log_listing(request, m, "admission.listed", [case.person], data={"on": "case", "case": case.pk})
    return ("admissions/_case_panel.html", {"adm": {"stays": stays}})
