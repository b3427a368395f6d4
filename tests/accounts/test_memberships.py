def test_user_with_two_memberships_switches_the_acting_organisation(pref, client_for):
    client = client_for(pref.users.hana)
    page = client.get("/").content.decode()
    assert "みどり県中央保健所（相談員）" in page
    centre = pref.all_memberships["hana"][1]
    response = client.post("/accounts/switch/", {"membership": centre.pk})
    assert response.status_code == 302
    assert "みどり県精神保健福祉センター（閲覧）" in client.get("/").content.decode()
    me = client.get("/api/accounts/me").json()
    assert me["active_membership_id"] == centre.pk
    assert "person.edit" not in me["permissions"] and "person.view" in me["permissions"]


def test_switching_to_someone_elses_membership_is_refused(pref, client_for):
    client = client_for(pref.users.hana)
    client.post("/accounts/switch/", {"membership": pref.memberships.bob.pk})
    assert client.get("/api/accounts/me").json()["active_membership_id"] == pref.memberships.hana.pk


def test_me_api_lists_memberships_and_permissions(pref, client_for):
    me = client_for(pref.users.alice).get("/api/accounts/me").json()
    assert me["username"] == "alice"
    assert [m["organisation"] for m in me["memberships"]] == ["青葉市"]
    assert "person.edit" in me["permissions"] and "staff.manage" not in me["permissions"]


def test_staff_api_is_for_supervisors_only(pref, client_for):
    assert client_for(pref.users.alice).get("/api/accounts/staff").status_code == 404
    staff = client_for(pref.users.bob).get("/api/accounts/staff").json()
    assert {s["username"] for s in staff} == {"alice", "bob", "carol"}


def test_api_requires_login(db, client):
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["detail"] == "ログインが必要です。"
