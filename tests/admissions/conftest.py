import datetime as dt

import pytest
from django.utils import timezone

from renkei.admissions import actions
from renkei.cases import actions as case_actions


def ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def hc_person(pref):
    """A person registered by the 保健所 itself."""
    return case_actions.do_register_person(request=None, membership=pref.memberships.hana, confirm_duplicate=True,
                                           data={"name": "森 健一", "kana": "モリ ケンイチ", "sex": "male"})


@pytest.fixture
def police_report(pref, hc_person):
    return actions.do_receive_report(request=None, membership=pref.memberships.hana, data={
        "kind": "23", "received_at": ago(hours=6), "reporter": "みどり中央警察署 巡査部長 山本",
        "person_id": hc_person.pk, "place": "みどり中央警察署", "symptoms": "夜間、路上で大声を出し通行人に殴りかかろうとした。",
        "guardian": "母（同居）"})


def investigate(pref, report, needed=True, grounds=("risk_others", "suspected_disorder")):
    return actions.do_record_investigation(request=None, membership=pref.memberships.hana, report=report, data={
        "investigated_at": ago(hours=5), "findings": "本人・母・警察官から聴取。", "exam_needed": needed,
        "grounds": list(grounds)})


def examine(pref, report):
    return actions.do_record_examination(request=None, membership=pref.memberships.hana, report=report, data={
        "exam_at": ago(hours=4), "exam_place": "県立みどり病院", "exam_witness": pref.users.hiro,
        "doctors": [{"name": "佐藤 一郎", "number": "12345"}, {"name": "鈴木 花子", "number": "23456"}]})
