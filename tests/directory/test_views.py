import json

import pytest
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.directory import hsds
from renkei.directory.models import Service


def urls_for(d):
    org, svc = d.debt_aoba.organization, d.debt_aoba
    sched = svc.schedules.first()
    return [
        ("get", reverse("directory:search")), ("get", reverse("directory:match")),
        ("get", reverse("directory:import")), ("get", reverse("directory:export")),
        ("get", reverse("directory:organization", args=[org.pk])),
        ("get", reverse("directory:organization_edit", args=[org.pk])),
        ("post", reverse("directory:organization_verify", args=[org.pk])),
        ("get", reverse("directory:service_create", args=[org.pk])),
        ("get", reverse("directory:service_edit", args=[org.pk, svc.pk])),
        ("post", reverse("directory:schedule_add", args=[org.pk, svc.pk])),
        ("post", reverse("directory:schedule_delete", args=[org.pk, svc.pk, sched.pk])),
    ]


def test_every_directory_page_requires_login(client, small_directory):
    for method, url in urls_for(small_directory):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_only_supervisors_of_the_maintaining_organisation_may_edit(client_for, pref, small_directory):
    editing = [(m, u) for m, u in urls_for(small_directory) if "edit" in u or "verify" in u or "services" in u]
    for user in (pref.users.alice, pref.users.walter, pref.users.carol, pref.users.henry):
        c = client_for(user)
        for method, url in editing:
            assert getattr(c, method)(url).status_code == 404, (user.username, url)
    bob = client_for(pref.users.bob)
    for method, url in editing:
        if method == "get":
            assert bob.get(url).status_code == 200, url
    # the upload page is for every supervisor; what it may change is checked per record
    assert client_for(pref.users.alice).get(reverse("directory:import")).status_code == 404
    assert client_for(pref.users.walter).get(reverse("directory:import")).status_code == 200


def test_a_supervisor_edits_a_service_and_the_change_is_audited(client_for, pref, small_directory):
    svc = small_directory.debt_aoba
    c = client_for(pref.users.bob)
    url = reverse("directory:service_edit", args=[svc.organization_id, svc.pk])
    bad = c.post(url, {"name": "", "status": "active", "kinds": [], "areas": []})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "このフィールドは必須です。" in body and "サービス種別を一つ以上選んでください。" in body
    kind = svc.service_terms.first().taxonomy_term_id
    response = c.post(url, {"name": "家計・債務相談", "status": "active", "kinds": [kind], "areas": [pref.orgs.aoba.pk,
                            pref.orgs.wakaba.pk], "accepting_referrals": "on", "capacity_available": "1",
                            "capacity_maximum": "5", "capacity_unit": "面談枠"})
    assert response.status_code == 302
    svc.refresh_from_db()
    assert svc.name == "家計・債務相談"
    assert set(svc.service_areas.values_list("area__code", flat=True)) == {"aoba", "wakaba"}
    assert svc.capacities.get().available == 1
    event = AuditEvent.objects.filter(action="directory.service_updated").latest("id")
    assert event.actor == pref.users.bob and event.person_id == "" and event.object_id == str(svc.pk)


def test_the_search_folds_kana_and_width_and_answers_htmx_with_the_results_only(client_for, pref, small_directory):
    c = client_for(pref.users.alice)
    for q in ("ｽﾏｲｻﾎﾟｰﾄ", "すまいさぽーと", "ＮＰＯ"):
        body = c.get(reverse("directory:search"), {"q": q}).content.decode()
        assert "居住支援（すまいサポート）" in body and "みどり県精神保健福祉センター" not in body, q
    partial = c.get(reverse("directory:search"), {"q": "あんしん"}, HTTP_HX_REQUEST="true").content.decode()
    assert "居住支援（あんしん）" in partial and "<html" not in partial


def test_the_agency_page_shows_services_and_a_stale_warning(client_for, pref, small_directory):
    from datetime import date

    org = small_directory.legal.organization
    org.last_verified = date(2020, 4, 1)
    org.save()
    body = client_for(pref.users.alice).get(reverse("directory:organization", args=[org.pk])).content.decode()
    assert "法律相談援助" in body and "1年以上経っています" in body and "車椅子対応" in body
    assert "機関情報を編集" not in body


def test_the_upload_refuses_a_bad_file_whole_and_lists_the_errors(client_for, pref, small_directory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = [hsds.service_out(small_directory.debt_aoba)]
    data[0]["name"] = "変えた名前"
    data[0]["schedules"][0]["byday"] = "XX"
    c = client_for(pref.users.bob)
    upload = SimpleUploadedFile("d.json", json.dumps(data, ensure_ascii=False).encode())
    response = c.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 400
    assert "schedules[0].byday" in response.content.decode()
    assert Service.objects.get(pk=small_directory.debt_aoba.pk).name == "家計改善・債務相談"
    data[0]["schedules"][0]["byday"] = "MO"
    upload = SimpleUploadedFile("d.json", json.dumps(data, ensure_ascii=False).encode())
    assert c.post(reverse("directory:import"), {"file": upload}).status_code == 302
    assert Service.objects.get(pk=small_directory.debt_aoba.pk).name == "変えた名前"


def test_an_upload_cannot_change_entries_maintained_by_another_organisation(client_for, pref, small_directory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = [hsds.service_out(small_directory.housing_open)]
    upload = SimpleUploadedFile("d.json", json.dumps(data, ensure_ascii=False).encode())
    response = client_for(pref.users.bob).post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 400 and "管理する情報ではないため変更できません" in response.content.decode()


@pytest.mark.parametrize("user", ["alice", "erin"])
def test_the_export_downloads_the_directory_as_hsds(client_for, pref, small_directory, user):
    response = client_for(getattr(pref.users, user)).get(reverse("directory:export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert len(json.loads(response.content)) == 5


def test_the_match_page_ranks_with_reasons(client_for, pref, small_directory):
    c = client_for(pref.users.mallory)
    body = c.get(reverse("directory:match"), {"need": "debt-counselling", "municipality": pref.orgs.wakaba.pk}) \
        .content.decode()
    assert "家計改善・債務相談" in body and "若葉町は対象地域外" in body
    bad = c.get(reverse("directory:match"), {"need": "nonsense", "municipality": "x"})
    assert bad.status_code == 200 and "必要な支援を一覧から選んでください。" in bad.content.decode()


def test_the_dashboard_panel_lists_entries_the_supervisor_maintains(client_for, pref, small_directory):
    from datetime import date

    svc = small_directory.debt_aoba
    svc.last_verified = date(2020, 1, 1)
    svc.save()
    body = client_for(pref.users.bob).get(reverse("core:dashboard")).content.decode()
    assert "機関ディレクトリの管理" in body and "1年以上経った情報が1件" in body
    assert "機関ディレクトリの管理" not in client_for(pref.users.alice).get(reverse("core:dashboard")).content.decode()
