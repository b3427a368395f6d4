import datetime as dt

import pytest
from django.utils import timezone

from renkei.cases import actions


@pytest.fixture
def make_person(pref):
    def make(membership=None, name="山田 太郎", kana="ヤマダ タロウ", birth_date=dt.date(1990, 5, 1), **extra):
        membership = membership or pref.memberships.alice
        data = {"name": name, "kana": kana, "birth_date": birth_date, "sex": "male",
                "municipality": membership.organisation if membership.organisation.type.code == "municipality"
                else None, "address": "みどり県青葉市本町1-2-3", "phone": "090-0000-0000", **extra}
        return actions.do_register_person(request=None, membership=membership, data=data, confirm_duplicate=True)
    return make


@pytest.fixture
def make_consultation(pref):
    def make(membership=None, person=None, **extra):
        membership = membership or pref.memberships.alice
        data = {"occurred_at": timezone.now() - dt.timedelta(minutes=5), "channel": "phone", "consulter": "family",
                "category": "rehabilitation", "factors": ["hikikomori"], "content": "母親から息子についての電話相談",
                "person": person, **extra}
        return actions.do_log_consultation(request=None, membership=membership, data=data)
    return make


@pytest.fixture
def make_case(pref):
    def make(person, membership=None, **extra):
        membership = membership or pref.memberships.alice
        return actions.do_open_case(request=None, membership=membership, person=person, **extra)
    return make


@pytest.fixture
def make_entry(pref):
    def make(case, body="自宅を訪問し、本人と10分話した。", membership=None, kind="visit"):
        membership = membership or pref.memberships.alice
        return actions.do_add_entry(request=None, membership=membership, case=case, kind=kind, body=body)
    return make
