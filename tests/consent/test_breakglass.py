"""Break-glass: exact search across organisations, a reason and a legal basis, time-limited access,
supervisor notified (dashboard and e-mail), and audit entries that stand out."""

import datetime as dt
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.consent.models import BreakGlassAccess
from renkei.notices.models import Notification

SEARCH = {"name": "ヤマダ タロウ", "birth_date": "1990-05-01"}


def open_url(world):
    return reverse("consent:breakglass_open", args=[world["person"].pk]) + "?name=%E3%83%A4%E3%83%9E%E3%83%80" \
        "%E3%82%BF%E3%83%AD%E3%82%A6&birth_date=1990-05-01"


def test_the_search_finds_only_exact_name_or_kana_with_the_birth_date(pref, client_for, world):
    client = client_for(pref.users.mallory)
    url = reverse("consent:breakglass_search")
    link = f"/consent/breakglass/{world['person'].pk}/"
    assert link in client.get(url, SEARCH).content.decode()
    assert link in client.get(url, {"name": "山田太郎", "birth_date": "1990-05-01"}).content.decode()
    assert link not in client.get(url, {"name": "ヤマダ", "birth_date": "1990-05-01"}).content.decode()
    assert link not in client.get(url, {"name": "山田 太郎", "birth_date": "1990-05-02"}).content.decode()
    assert "生年月日を入力してください。" in client.get(url, {"name": "山田 太郎"}).content.decode()
    searches = AuditEvent.objects.filter(action="breakglass.searched").order_by("id")
    assert [str(world["person"].pk) in event.person_ids() for event in searches] == [True, True, False, False]


def test_roles_without_break_glass_get_404(pref, client_for, world):
    for user in (pref.users.dave, pref.users.carol, pref.users.erin):
        client = client_for(user)
        assert client.get(reverse("consent:breakglass_search"), SEARCH).status_code == 404
        assert client.post(open_url(world), {"legal_basis": "apppi-27-1-2", "reason": "x" * 20}).status_code == 404


def test_opening_needs_a_reason_and_a_basis_allowed_for_emergencies(pref, client_for, world):
    client = client_for(pref.users.mallory)
    response = client.post(open_url(world), {"legal_basis": "apppi-27-1-2", "reason": "急ぎ"})
    assert response.status_code == 200 and "10文字以上" in response.content.decode()
    response = client.post(open_url(world), {"legal_basis": "consent", "reason": "警察から保護の連絡があったため"})
    assert response.status_code == 200 and "法的根拠を一覧から選んでください" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert client.get(reverse("cases:person_detail", args=[world["person"].pk])).status_code == 404


def test_break_glass_opens_the_record_for_a_limited_time_and_notifies_the_supervisor(
        pref, client_for, world, settings, django_capture_on_commit_callbacks):
    settings.RENKEI_BREAKGLASS_HOURS = 2
    client = client_for(pref.users.mallory)
    person_url = reverse("cases:person_detail", args=[world["person"].pk])
    case_url = reverse("cases:case_detail", args=[world["case"].pk])
    assert client.get(person_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(open_url(world), {"legal_basis": "apppi-27-1-2",
                                                 "reason": "夜間に警察から保護の連絡。服薬と緊急連絡先の確認が必要"})
    assert response.status_code == 302 and response.url == person_url
    glass = BreakGlassAccess.objects.get()
    assert glass.expires_at - glass.started_at == dt.timedelta(hours=2)
    page = client.get(person_url).content.decode()
    assert "緊急アクセス中" in page and world["case"].number in page
    assert client.get(case_url).status_code == 200
    # the supervisor (walter, 若葉町) is told, in the product and by e-mail without the person's name
    note = Notification.objects.get()
    assert note.recipient == pref.users.walter and "緊急アクセス" in note.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["walter@example.jp"]
    assert "山田" not in mail.outbox[0].body and "山田" not in mail.outbox[0].subject
    dashboard = client_for(pref.users.walter).get("/").content.decode()
    assert "緊急アクセス" in dashboard and "服薬と緊急連絡先の確認" in dashboard
    # the audit shows it: the opening and every read under it are `breakglass.` actions
    actions = set(AuditEvent.objects.filter(actor=pref.users.mallory, person_id=str(world["person"].pk))
                  .values_list("action", flat=True))
    assert {"breakglass.opened", "breakglass.person.viewed", "breakglass.case.viewed"} <= actions
    assert AuditEvent.objects.get(action="breakglass.case.viewed").legal_basis.startswith("breakglass:apppi-27-1-2")
    # after the time limit, no access
    BreakGlassAccess.objects.filter(pk=glass.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(person_url).status_code == 404
    assert client.get(case_url).status_code == 404


def test_the_supervisor_acknowledges_the_notification(pref, client_for, world):
    client_for(pref.users.mallory).post(open_url(world), {"legal_basis": "law",
                                                         "reason": "精神保健福祉法23条の警察官通報への対応のため"})
    note = Notification.objects.get()
    assert client_for(pref.users.mallory).post(reverse("consent:notification_ack", args=[note.pk])).status_code == 404
    response = client_for(pref.users.walter).post(reverse("consent:notification_ack", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(action="breakglass.reviewed", actor=pref.users.walter).count() == 1


def test_the_api_opens_break_glass_too(pref, client_for, world):
    client = client_for(pref.users.mallory)
    found = client.post("/api/consent/breakglass/search", {"name": "山田 太郎", "birth_date": "1990-05-01"},
                        content_type="application/json").json()
    assert [p["id"] for p in found] == [world["person"].pk]
    response = client.post(f"/api/consent/breakglass/{world['person'].pk}",
                           {"name": "山田 太郎", "birth_date": "1990-05-01", "legal_basis": "apppi-27-1-2",
                            "reason": "夜間の救急搬送で既往歴の確認が必要"}, content_type="application/json")
    assert response.status_code == 201
    assert client.get(f"/api/cases/persons/{world['person'].pk}").status_code == 200
    wrong = client.post(f"/api/consent/breakglass/{world['person'].pk}",
                        {"name": "別人", "birth_date": "1990-05-01", "legal_basis": "apppi-27-1-2",
                         "reason": "夜間の救急搬送で既往歴の確認が必要"}, content_type="application/json")
    assert wrong.status_code == 404


def test_the_break_glass_notice_gives_the_time_in_wareki(pref, client_for, world):
    client_for(pref.users.mallory).post(open_url(world), {"legal_basis": "apppi-27-1-2",
                                                          "reason": "夜間に警察から保護の連絡。服薬と緊急連絡先の確認が必要"})
    text = Notification.objects.get().message
    assert "令和" in text and not re.search(r"\d{4}-\d{2}-\d{2}", text)
