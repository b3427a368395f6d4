import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.cases import actions as case_actions
from renkei.cases.stats import column, report_table
from renkei.core.dates import FiscalYear
from renkei.discharge import reference
from renkei.discharge import work_actions as work
from renkei.discharge.stats import visit_counts


def test_pathway_names_the_partners_of_the_template_and_shows_progress(pref, inpatient, client_for):
    m = pref.memberships.hana
    pathway = work.do_start_pathway(request=None, membership=m, case=inpatient)
    partners = [s.partner for s in pathway.steps.all()]
    assert partners == [s["partner"] for s in reference.pathway_steps()]
    for needed in ["保健所", "市町村", "ピアサポーター", "訪問看護", "就労支援"]:
        assert any(needed in p for p in partners), needed
    step = pathway.steps.get(code="visiting_nurse")
    with pytest.raises(ValidationError):  # a housing provider cannot own the visiting-nurse step
        work.do_update_step(request=None, membership=m, step=step, status="done", owner_organisation=pref.orgs.housing.pk)
    with pytest.raises(ValidationError):  # the owner must belong to the owning organisation
        work.do_update_step(request=None, membership=m, step=step, status="done", owner_organisation=pref.orgs.vn.pk,
                            owner_user=pref.users.henry.pk)
    work.do_update_step(request=None, membership=m, step=step, status="done", owner_organisation=pref.orgs.vn.pk,
                        owner_user=pref.users.dave.pk)
    assert pathway.progress()["done"] == 1
    with pytest.raises(ValidationError):
        work.do_start_pathway(request=None, membership=m, case=inpatient)
    page = client_for(pref.users.hana).get(f"/discharge/cases/{inpatient.pk}/").content.decode()
    assert "1 / 8" in page and "訪問看護ステーション みどり" in page
    api = client_for(pref.users.hana).get(f"/api/discharge/cases/{inpatient.pk}/pathway").json()
    assert api["progress"]["done"] == 1
    assert client_for(pref.users.mallory).get(f"/api/discharge/cases/{inpatient.pk}/pathway").status_code == 404


def test_progress_partial_renders_on_the_case_page(pref, inpatient, rf, client_for):
    from django.template import Context, Template

    work.do_start_pathway(request=None, membership=pref.memberships.hana, case=inpatient)
    request = rf.get("/")
    request.membership = pref.memberships.hana
    html = Template("{% load case_panels %}{% case_panels 'case.head' case %}").render(Context(
        {"request": request, "case": inpatient}))
    assert "0 / 8" in html
    page = client_for(pref.users.hana).get(f"/cases/{inpatient.pk}/").content.decode()
    assert "地域移行の経路" in page and "0 / 8" in page and f"/discharge/cases/{inpatient.pk}/" in page
    # panels are shown only on a page that fetched the case through the access layer (renkei.cases.panels)
    assert client_for(pref.users.mallory).get(f"/cases/{inpatient.pk}/").status_code == 404


def _visit(pref, case, when, companions=()):
    return work.do_plan_visit(request=None, membership=pref.memberships.hana, case=case, kind="outreach",
                              planned_at=when, purpose="服薬と生活の確認", category="rehabilitation",
                              staff=[pref.users.hana, pref.users.hiro], companions=companions)


def test_outreach_visit_with_a_companion_becomes_a_visit_record_entry(pref, inpatient, client_for):
    when = timezone.now() - dt.timedelta(hours=2)
    visit = _visit(pref, inpatient, when, companions=[pref.users.alice])
    with pytest.raises(ValidationError):  # own staff are not 同行 companions
        _visit(pref, inpatient, when, companions=[pref.users.hiro])
    assert client_for(pref.users.alice).get(f"/discharge/visits/{visit.pk}/").status_code == 200
    assert client_for(pref.users.alice).get(f"/cases/{inpatient.pk}/").status_code == 404
    visit = work.do_record_visit(request=None, membership=pref.memberships.hana, visit=visit, visited_at=when,
                                 record="本人と30分面談。服薬は続いている。")
    assert visit.status == "done" and visit.entry.kind == "visit"
    assert "同行: 青葉 アリス（青葉市）" in visit.entry.body
    with pytest.raises(ValidationError):
        work.do_record_visit(request=None, membership=pref.memberships.hana, visit=visit, visited_at=when, record="二重")


def test_visit_counts_match_the_statistics_and_count_a_person_once_a_year(pref, inpatient):
    m = pref.memberships.hana
    fy = FiscalYear.of(timezone.now())
    before = visit_counts(pref.orgs.hc, fy)
    for hours in (5, 3):
        when = timezone.now() - dt.timedelta(hours=hours)
        work.do_record_visit(request=None, membership=m, visit=_visit(pref, inpatient, when), visited_at=when,
                             record="訪問した。")
    case_actions.do_log_consultation(request=None, membership=m, data={
        "occurred_at": timezone.now() - dt.timedelta(hours=1), "channel": "home_visit", "consulter": "self",
        "category": "rehabilitation", "content": "訪問による相談", "person": inpatient.person})
    cancelled = _visit(pref, inpatient, timezone.now() - dt.timedelta(minutes=30))
    work.do_cancel_visit(request=None, membership=m, visit=cancelled, reason="本人不在")
    after = visit_counts(pref.orgs.hc, fy)
    assert after["visits"] - before["visits"] == 3 and after["real"] - before["real"] == 1
    _col, _cells, total = column(report_table(pref.orgs.hc, fy), "home_visit")
    assert (total["real"], total["visits"]) == (after["real"], after["visits"])
    assert visit_counts(pref.orgs.hc, fy.year - 1)["visits"] == 0


def test_outreach_api_and_stats_page(pref, inpatient, client_for):
    c = client_for(pref.users.hana)
    when = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    made = c.post(f"/api/discharge/cases/{inpatient.pk}/visits", {
        "kind": "home_visit", "planned_at": when, "purpose": "様子を見る", "category": "rehabilitation",
        "companion_ids": [pref.users.dave.pk]}, content_type="application/json")
    assert made.status_code == 201, made.content
    vid = made.json()["id"]
    bad = c.post(f"/api/discharge/visits/{vid}/record", {"visited_at": when, "record": ""},
                 content_type="application/json")
    assert bad.status_code == 400 and "記録" in bad.json()["detail"]
    assert c.post(f"/api/discharge/visits/{vid}/record", {"visited_at": when, "record": "訪問した。"},
                  content_type="application/json").json()["status"] == "done"
    fy = FiscalYear.of(timezone.now()).year
    assert c.get(f"/api/discharge/stats/visits?fy={fy}").json()["visits"] == 1
    page = c.get(f"/discharge/stats/?fy={fy}").content.decode()
    name = column(report_table(pref.orgs.hc, fy), "home_visit")[0]["name"]  # the form's wording of the year
    assert name in ("訪問指導", "訪問支援")
    assert name in page and 'id="visits-total">1<' in page
    assert client_for(pref.users.dave).get(f"/api/discharge/visits/{vid}").status_code == 200
    assert client_for(pref.users.mallory).get(f"/api/discharge/visits/{vid}").status_code == 404
