import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.cases import actions
from renkei.cases.models import RecordEntry, RecordRevision


@pytest.fixture
def entry(make_person, make_case, make_entry):
    return make_entry(make_case(make_person()), body="自宅を訪問。本人は不在。")


def test_an_amendment_keeps_the_earlier_text_with_who_and_when(pref, entry):
    amended = actions.do_amend_entry(request=None, membership=pref.memberships.bob, entry=entry, version=1,
                                     body="自宅を訪問。本人と玄関先で5分話せた。", reason="記載漏れ")
    assert (amended.body, amended.version, amended.revision_count) == ("自宅を訪問。本人と玄関先で5分話せた。", 2, 2)
    first, second = RecordRevision.objects.filter(entry=entry).order_by("number")
    assert (first.body, first.by) == ("自宅を訪問。本人は不在。", pref.users.alice)
    assert (second.body, second.by, second.reason) == ("自宅を訪問。本人と玄関先で5分話せた。", pref.users.bob, "記載漏れ")
    assert AuditEvent.objects.filter(action="record.amended", person_id=str(entry.case.person_id)).exists()


def test_the_case_page_shows_the_amendment_history(pref, client_for, entry):
    client = client_for(pref.users.alice)
    response = client.post(reverse("cases:entry_amend", args=[entry.pk]), {
        "kind": "visit", "occurred_at": "2026-01-05T10:00", "body": "訪問。本人と会えた。", "reason": "誤記", "version": 1})
    assert response.status_code == 302
    body = client.get(reverse("cases:case_detail", args=[entry.case_id])).content.decode()
    assert "修正あり（第2版）" in body and "自宅を訪問。本人は不在。" in body and "理由: 誤記" in body


def test_an_amendment_needs_a_reason(pref, entry):
    with pytest.raises(ValidationError):
        actions.do_amend_entry(request=None, membership=pref.memberships.alice, entry=entry, version=1,
                               body="別の文", reason=" ")
    assert RecordEntry.objects.get(pk=entry.pk).body == "自宅を訪問。本人は不在。"


def test_entries_are_never_deleted_but_may_be_marked_entered_in_error(pref, client_for, entry):
    with pytest.raises(PermissionError):
        entry.revisions.first().delete()
    client = client_for(pref.users.alice)
    response = client.post(reverse("cases:entry_error", args=[entry.pk]), {"reason": "別の人の記録に書いた", "version": 1})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.entered_in_error and entry.error_reason == "別の人の記録に書いた" and entry.error_by == pref.users.alice
    body = client.get(reverse("cases:case_detail", args=[entry.case_id])).content.decode()
    assert "誤記入: 別の人の記録に書いた" in body and "自宅を訪問。本人は不在。" in body
    with pytest.raises(ValidationError):
        actions.do_amend_entry(request=None, membership=pref.memberships.alice, entry=entry, version=entry.version,
                               body="x", reason="y")


def test_no_delete_route_exists(pref, client_for, entry):
    client = client_for(pref.users.alice)
    assert client.delete(f"/api/cases/entries/{entry.pk}").status_code == 405
    assert RecordEntry.objects.filter(pk=entry.pk).exists()


def test_api_amend_and_entered_in_error(pref, client_for, entry):
    client = client_for(pref.users.alice)
    response = client.put(f"/api/cases/entries/{entry.pk}", {"version": 1, "body": "新しい本文", "reason": "追記"},
                          content_type="application/json")
    assert response.status_code == 200
    assert [r["body"] for r in response.json()["revisions"]] == ["自宅を訪問。本人は不在。", "新しい本文"]
    response = client.post(f"/api/cases/entries/{entry.pk}/entered-in-error", {"version": 2, "reason": "誤り"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["entered_in_error"] is True
