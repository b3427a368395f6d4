"""The demo prefecture's consents and disclosures load, follow the scenarios, and load idempotently;
exactly one demo module writes each consent (no two demos fight over one row)."""

import json

from renkei.consent import demo
from renkei.consent.models import Consent, Disclosure
from renkei.demo.loader import load_demo


def test_demo_consents_follow_the_scenarios_and_a_second_load_changes_nothing(db):
    ctx = load_demo()
    pupil_school = Consent.objects.get(person__name="小池 陽菜", recipient_organisation__code="sakura-jhs")
    assert pupil_school.scopes == ["基本情報"] and pupil_school.method == "written"
    son = Consent.objects.get(person__name="森本 拓海", recipient_organisation__code="chuo-hc")
    assert son.scopes == ["基本情報", "相談・経過記録"] and son.method == "oral"
    assert Consent.objects.filter(person__name="川口 美和").exists()  # scenario 2, recorded by the conferences demo
    data = json.loads(demo.DATA.read_text(encoding="utf-8"))
    ours = Disclosure.objects.filter(justification__in=[d["justification"] for d in data["disclosures"]])
    assert ours.count() == 2
    total = Consent.objects.count()
    assert all(d.justification for d in Disclosure.objects.all())
    ctx.changes = 0
    demo.load(ctx)
    assert ctx.changes == 0
    assert Consent.objects.count() == total


def test_the_clinic_referral_rests_on_the_one_consent_the_consent_demo_owns(db):
    from renkei.referrals.models import Referral

    ctx = load_demo()
    clinic = Consent.objects.filter(person__name="森本 拓海", recipient_organisation__code="aoba-kokoro")
    assert clinic.count() == 1
    consent = clinic.get()
    assert consent.scopes == ["基本情報", "相談・経過記録", "医療情報"]
    referral = Referral.objects.get(person__name="森本 拓海", to_organisation__code="aoba-kokoro")
    assert referral.consent_ids == [consent.pk]
    before = {c.pk: (c.purpose, c.scopes, c.valid_until, c.note) for c in Consent.objects.all()}
    ctx = load_demo()
    assert ctx.changes == 0
    assert {c.pk: (c.purpose, c.scopes, c.valid_until, c.note) for c in Consent.objects.all()} == before
