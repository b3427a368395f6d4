from renkei.demo.loader import load_demo
from renkei.discharge import demo
from renkei.discharge.models import DischargePlan, VisitSupportRequest


def test_demo_has_the_scenario_plan_and_visit_support_request_and_loads_idempotently(db):
    ctx = load_demo()
    plan = DischargePlan.objects.get(person__name="川口 美和")
    v = plan.current
    assert plan.status == "handed_over" and plan.handovers.get().to_organisation.code == "wakaba"
    assert (v.period_end - v.period_start).days in range(180, 186) and v.review_dates == ["2026-11-05"]
    assert "悪化" in v.crisis_plan and v.agreement.conference is not None
    req = VisitSupportRequest.objects.get(patient_name="石田 勝")
    assert req.status == "reported" and req.wish_method == "phone" and req.supporters.count() == 2
    assert all(s.is_trained() for s in req.supporters.all())
    ctx.changes = 0
    demo.load(ctx)  # this app's part, again: nothing changes (other apps' parts are their own tests)
    assert ctx.changes == 0


def test_demo_pages_answer_for_each_role(db, client):
    from renkei.accounts.models import User

    load_demo()
    plan = DischargePlan.objects.get(person__name="川口 美和")
    req = VisitSupportRequest.objects.get(patient_name="石田 勝")
    pages = {
        "hoken.sodan": ["/", "/discharge/", f"/discharge/plans/{plan.pk}/", f"/discharge/plans/{plan.pk}/pdf/",
                        f"/discharge/cases/{plan.case_id}/", f"/cases/{plan.case_id}/", "/discharge/stats/"],
        "wakaba.sodan": [f"/discharge/plans/{plan.pk}/", "/discharge/"],
        "pref.shien": ["/", "/discharge/visit-support/", f"/discharge/visit-support/{req.pk}/"],
        "peer.tsubasa": ["/", "/discharge/visit-support/mine/", f"/discharge/visit-support/{req.pk}/"],
        "byoin.psw": [f"/discharge/plans/{plan.pk}/"],
        "aoba.sodan": ["/", "/discharge/"],
    }
    for username, urls in pages.items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    client.force_login(User.objects.get(username="peer.tsubasa"))
    assert client.get(f"/discharge/plans/{plan.pk}/").status_code == 404
    assert "わかば病院" in client.get(f"/discharge/visit-support/{req.pk}/").content.decode()
