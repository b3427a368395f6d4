import datetime as dt

import pytest
from django.utils import timezone

from renkei.cases import actions as case_actions
from renkei.consent import actions


@pytest.fixture
def world(pref):
    """A person registered by 青葉市 (alice) with a consultation, a case and a record entry."""
    m = pref.memberships.alice
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1990, 5, 1), "sex": "male",
        "municipality": pref.orgs.aoba, "address": "みどり県青葉市本町1-2-3", "phone": "090-0000-0000"})
    consultation = case_actions.do_log_consultation(request=None, membership=m, data={
        "occurred_at": timezone.now() - dt.timedelta(minutes=5), "channel": "phone", "consulter": "family",
        "category": "rehabilitation", "factors": ["hikikomori"], "content": "母親から息子についての電話相談",
        "person": person})
    case = case_actions.do_open_case(request=None, membership=m, person=person)
    entry = case_actions.do_add_entry(request=None, membership=m, case=case, kind="visit",
                                      body="自宅を訪問し、本人と10分話した。")
    return {"person": person, "consultation": consultation, "case": case, "entry": entry,
            "doc": entry.search_document}


@pytest.fixture
def consent_to(pref):
    """consent_to(person, organisation=… | org_type=…, scopes=[…], …) — recorded by alice (青葉市)."""
    def make(person, organisation=None, org_type=None, scopes=("基本情報",), membership=None, days=180,
             valid_from=None, **extra):
        today = timezone.localdate()
        kind = "organisation_type" if org_type is not None else "organisation"
        values = {"recipient_kind": kind, "recipient_organisation": organisation, "recipient_type": org_type,
                  "purpose": "退院後の生活の支援のため", "scopes": list(scopes),
                  "valid_from": valid_from or today, "valid_until": today + dt.timedelta(days=days),
                  "method": "written", "obtained_at": timezone.now(), "note": "同意書に署名をもらった。"} | extra
        return actions.do_record_consent(request=None, membership=membership or pref.memberships.alice,
                                         person=person, **values)
    return make
