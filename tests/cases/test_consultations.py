import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.cases.models import Consultation


def test_the_quick_entry_form_has_keyboard_friendly_defaults(pref, client_for):
    body = client_for(pref.users.alice).get(reverse("cases:consultation_create")).content.decode()
    assert 'name="person_query"' in body and "autofocus" in body
    assert '<option value="phone" selected>' in body
    assert f'<option value="{pref.users.alice.pk}" selected>' in body
    assert timezone.localtime().strftime("%Y-%m-%dT") in body
    assert "cases.js" in body and "<script>" not in body and 'style="' not in body


def test_a_phone_consultation_needs_only_category_and_content(pref, client_for):
    client = client_for(pref.users.alice)
    form = client.get(reverse("cases:consultation_create")).context["form"]
    data = {"consulter": "family", "category": "rehabilitation", "content": "母親より。息子が5年間自室から出ない。",
            "subject_label": "青葉さんの長男", "factors": ["hikikomori"], "person": "",
            "occurred_at": form.initial["occurred_at"].strftime("%Y-%m-%dT%H:%M"), "channel": "phone",
            "staff": pref.users.alice.pk}
    response = client.post(reverse("cases:consultation_create"), data)
    assert response.status_code == 302
    c = Consultation.objects.get()
    assert (c.channel, c.staff, c.person, c.subject_label, c.factors) == (
        "phone", pref.users.alice, None, "青葉さんの長男", ["hikikomori"])


def test_missing_category_is_refused_in_japanese(pref, client_for):
    response = client_for(pref.users.alice).post(reverse("cases:consultation_create"), {
        "consulter": "self", "content": "x", "occurred_at": "2026-01-01T10:00", "channel": "phone",
        "staff": pref.users.alice.pk})
    assert response.status_code == 200 and "このフィールドは必須です" in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_consultation_about_an_unregistered_person_is_linked_later(pref, client_for, make_person, make_consultation):
    c = make_consultation(subject_label="長男")
    person = make_person()
    client = client_for(pref.users.alice)
    response = client.post(reverse("cases:consultation_link", args=[c.pk]), {"person": person.pk, "version": 1})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.person == person and c.search_document.person == person


def test_anonymous_consultations_are_not_linked_without_a_reason(pref, client_for, make_person, make_consultation):
    c = make_consultation(is_anonymous=True)
    response = client_for(pref.users.alice).post(f"/api/cases/consultations/{c.pk}/link",
                                                 {"person_id": make_person().pk, "version": 1},
                                                 content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("change,message", [({"content": " "}, "内容")])
def test_api_refuses_bad_consultations_with_a_japanese_message(pref, client_for, change, message):
    body = {"channel": "phone", "consulter": "self", "category": "depression", "content": "眠れない"} | change
    response = client_for(pref.users.alice).post("/api/cases/consultations", body, content_type="application/json")
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("change,message", [
    ({"channel": "fax"}, "選択肢にない値です"), ({"duration_minutes": 5000}, "1440以下で指定してください。"),
    ({"category": "nonsense"}, "選択肢にない値です（指定できるのは elderly・rehabilitation・"),
    ({"factors": ["x"]}, "選択肢にない値です（指定できるのは hikikomori・developmental・suicide・crime_victim・disaster）。"),
])
def test_api_refuses_values_outside_its_schema_with_a_japanese_message(pref, client_for, change, message):
    body = {"channel": "phone", "consulter": "self", "category": "depression", "content": "眠れない"} | change
    response = client_for(pref.users.alice).post("/api/cases/consultations", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"] == "入力内容に誤りがあります。"
    [error] = response.json()["errors"]
    assert error["loc"][:3] == ["body", "payload", *change] and message in error["msg"]
    assert not Consultation.objects.exists()


def test_api_logs_a_consultation_with_defaults(pref, client_for):
    body = {"category": "depression", "content": "眠れない"}
    response = client_for(pref.users.alice).post("/api/cases/consultations", body, content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert (data["channel"], data["staff_id"], data["subject"]) == ("phone", pref.users.alice.pk, "未登録")


def test_the_staff_must_belong_to_the_organisation(pref, client_for):
    body = {"category": "depression", "content": "眠れない", "staff_id": pref.users.mallory.pk}
    response = client_for(pref.users.alice).post("/api/cases/consultations", body, content_type="application/json")
    assert response.status_code == 400


def test_an_anonymous_consultation_is_linked_later_with_a_reason_on_the_audit_record(pref, client_for, make_person,
                                                                                     make_consultation):
    from renkei.audit.models import AuditEvent

    c = make_consultation(is_anonymous=True)
    person = make_person()
    client = client_for(pref.users.alice)
    page = client.get(reverse("cases:consultation_detail", args=[c.pk])).content.decode()
    assert "匿名で受けた相談です" in page and "結びつける理由" in page
    refused = client.post(reverse("cases:consultation_link", args=[c.pk]), {"person": person.pk, "version": 1},
                          follow=True)
    assert "理由（例: 後日、本人が名乗った）を入力してください" in refused.content.decode()
    c.refresh_from_db()
    assert c.person is None and c.is_anonymous
    response = client.post(reverse("cases:consultation_link", args=[c.pk]),
                           {"person": person.pk, "version": 1, "reason": "後日、本人が来所して名乗った"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.person == person and not c.is_anonymous
    entry = AuditEvent.objects.get(action="consultation.linked")
    assert entry.person_id == str(person.pk)
    assert entry.data["was_anonymous"] is True and entry.data["reason"] == "後日、本人が来所して名乗った"


def test_the_consultation_form_says_what_anonymous_means_and_offers_an_unregistered_label(pref, client_for):
    page = client_for(pref.users.alice).get(reverse("cases:consultation_create")).content.decode()
    assert "あとで本人が分かったら、理由を記録して本人に結びつけられます" in page
    assert "匿名にせず「対象者（未登録のとき）」に呼び名を入れてください" in page
