from renkei.accounts.models import Membership, User
from renkei.audit.models import AuditEvent

NEW_STAFF = {
    "form": "create", "username": "newbie", "display_name": "青葉 新人", "kana": "アオバ シンジン",
    "email": "", "role": "caseworker", "title": "保健師", "password": "first-day-passphrase-1",
}


def test_supervisor_sees_only_their_own_organisations_staff(pref, client_for):
    page = client_for(pref.users.bob).get("/accounts/staff/").content.decode()
    assert "青葉 アリス" in page and "青葉 キャロル" in page
    assert "若葉 マロリー" not in page


def test_non_supervisors_get_404_on_every_staff_page(pref, client_for):
    urls = ["/accounts/staff/", "/accounts/staff/new/", f"/accounts/staff/{pref.memberships.alice.pk}/"]
    for user in [pref.users.alice, pref.users.carol, pref.users.dave, pref.users.erin]:
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/accounts/staff/{pref.memberships.alice.pk}/deactivate/").status_code == 404


def test_supervisor_of_another_organisation_cannot_touch_our_staff(pref, client_for):
    client = client_for(pref.users.walter)
    assert client.get(f"/accounts/staff/{pref.memberships.alice.pk}/").status_code == 404
    assert client.post(f"/accounts/staff/{pref.memberships.alice.pk}/deactivate/").status_code == 404
    pref.memberships.alice.refresh_from_db()
    assert pref.memberships.alice.is_active


def test_supervisor_creates_staff_who_must_change_password(pref, client_for):
    response = client_for(pref.users.bob).post("/accounts/staff/new/", NEW_STAFF)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.must_change_password and user.check_password(NEW_STAFF["password"])
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (pref.orgs.aoba, "caseworker")
    assert AuditEvent.objects.filter(action="staff.created", actor=pref.users.bob).exists()


def test_creating_staff_with_a_taken_id_or_weak_password_changes_nothing(pref, client_for):
    client = client_for(pref.users.bob)
    taken = client.post("/accounts/staff/new/", {**NEW_STAFF, "username": "Alice"})
    assert "すでに使われています" in taken.content.decode()
    weak = client.post("/accounts/staff/new/", {**NEW_STAFF, "password": "12345678"})
    assert weak.status_code == 200 and "error" in weak.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    assert User.objects.count() == 11


def test_supervisor_adds_an_existing_user_from_another_organisation(pref, client_for):
    response = client_for(pref.users.bob).post("/accounts/staff/new/", {
        "form": "add", "add-username": "mallory", "add-role": "viewer", "add-title": "兼務",
    })
    assert response.status_code == 302
    assert Membership.objects.get(user=pref.users.mallory, organisation=pref.orgs.aoba).role == "viewer"


def test_supervisor_changes_a_role(pref, client_for):
    membership = pref.memberships.carol
    response = client_for(pref.users.bob).post(f"/accounts/staff/{membership.pk}/", {"role": "caseworker"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "caseworker"
    event = AuditEvent.objects.get(action="staff.role_changed")
    assert event.data == {"from": "viewer", "to": "caseworker"}


def test_the_last_supervisor_cannot_be_demoted_or_deactivated(pref, client_for):
    client = client_for(pref.users.bob)
    own = pref.memberships.bob
    response = client.post(f"/accounts/staff/{own.pk}/", {"role": "caseworker"})
    assert "管理者が一人もいなくなる" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "supervisor"


def test_deactivation_keeps_the_user_and_blocks_login(pref, client_for):
    client = client_for(pref.users.bob)
    response = client.post(f"/accounts/staff/{pref.memberships.alice.pk}/deactivate/", {"reason": "異動"})
    assert response.status_code == 302
    alice = User.objects.get(username="alice")
    membership = alice.memberships.get()
    assert not membership.is_active and membership.deactivated_at is not None
    # Her existing session ends on the next request.
    assert client_for(alice).get("/").status_code == 302
    # Reactivation restores access.
    client.post(f"/accounts/staff/{membership.pk}/reactivate/")
    assert client_for(alice).get("/").status_code == 200


def test_supervisor_cannot_deactivate_themselves(pref, client_for):
    client = client_for(pref.users.bob)
    client.post(f"/accounts/staff/{pref.memberships.bob.pk}/deactivate/")
    pref.memberships.bob.refresh_from_db()
    assert pref.memberships.bob.is_active


def test_users_are_never_deleted(pref):
    import pytest

    with pytest.raises(PermissionError):
        pref.users.alice.delete()


def test_staff_page_shows_the_role_permission_table(pref, client_for):
    page = client_for(pref.users.bob).get("/accounts/staff/").content.decode()
    assert "役割と権限の一覧" in page and "ピアサポーター" in page and "連携先職員" in page
