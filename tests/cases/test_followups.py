"""Follow-ups due and cases without contact, on the 'my work' panel (担当ケース) of the dashboard."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.cases import actions, followups, reference
from renkei.cases.models import Case


def test_an_entry_with_a_follow_up_date_is_due_until_a_later_contact(pref, make_person, make_case, make_entry):
    alice, today = pref.memberships.alice, timezone.localdate()
    case = make_case(make_person())
    entry = actions.do_add_entry(request=None, membership=alice, case=case, kind="phone", body="来週また電話する。",
                                 occurred_at=timezone.now() - dt.timedelta(days=7), follow_up_on=today)
    assert list(followups.due_follow_ups(alice, alice.user)) == [entry]
    make_entry(case, body="電話した。落ち着いている。")
    assert list(followups.due_follow_ups(alice, alice.user)) == []


def test_follow_ups_are_due_from_the_notice_days_and_not_before(pref, make_person, make_case):
    alice, today = pref.memberships.alice, timezone.localdate()
    notice = reference.follow_up_notice_days()
    soon, later = make_case(make_person()), make_case(make_person(name="川上 花", kana="カワカミ ハナ"))
    actions.do_add_entry(request=None, membership=alice, case=soon, kind="visit", body="訪問", follow_up_on=today
                         + dt.timedelta(days=notice))
    actions.do_add_entry(request=None, membership=alice, case=later, kind="visit", body="訪問", follow_up_on=today
                         + dt.timedelta(days=notice + 1))
    assert [e.case for e in followups.due_follow_ups(alice, alice.user)] == [soon]
    # a colleague who does not work on the case is not reminded
    assert list(followups.due_follow_ups(pref.memberships.bob, pref.users.bob)) == []


def test_a_follow_up_date_before_the_entry_is_refused(pref, make_person, make_case):
    case = make_case(make_person())
    with pytest.raises(ValidationError, match="次回確認日"):
        actions.do_add_entry(request=None, membership=pref.memberships.alice, case=case, kind="visit", body="訪問",
                             follow_up_on=timezone.localdate() - dt.timedelta(days=1))
    assert not case.entries.exists()


def test_open_cases_without_contact_for_the_configured_days_are_stale(pref, make_person, make_case, make_entry):
    alice = pref.memberships.alice
    days = reference.stale_contact_days()
    quiet, contacted = make_case(make_person()), make_case(make_person(name="川上 花", kana="カワカミ ハナ"))
    long_ago = timezone.now() - dt.timedelta(days=days + 1)
    Case.objects.filter(pk__in=[quiet.pk, contacted.pk]).update(opened_at=long_ago)
    make_entry(contacted)
    assert list(followups.stale_cases(alice, alice.user)) == [quiet]


def test_the_dashboard_panel_shows_due_follow_ups_and_quiet_cases(pref, client_for, make_person, make_case):
    alice = pref.memberships.alice
    case = make_case(make_person())
    actions.do_add_entry(request=None, membership=alice, case=case, kind="phone", body="電話", follow_up_on=
                         timezone.localdate())
    quiet = make_case(make_person(name="川上 花", kana="カワカミ ハナ"))
    Case.objects.filter(pk=quiet.pk).update(opened_at=timezone.now() - dt.timedelta(days=90))
    body = client_for(pref.users.alice).get("/").content.decode()
    assert "担当ケース" in body and "対応が必要（2件）" in body
    assert f"{case.number}</a> 山田 太郎" in body and "次回確認日" in body and "（今日）" in body
    assert f"{reference.stale_contact_days()}日以上接触なし" in body
    outsider = client_for(pref.users.mallory).get("/").content.decode()
    assert case.number not in outsider


def test_the_api_takes_and_returns_the_follow_up_date(pref, client_for, make_person, make_case):
    case = make_case(make_person())
    day = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = client_for(pref.users.alice).post(f"/api/cases/cases/{case.pk}/entries", {
        "kind": "visit", "body": "訪問した。", "follow_up_on": day}, content_type="application/json")
    assert response.status_code == 201 and response.json()["follow_up_on"] == day
