from renkei.accounts.models import Membership, Organisation, User
from renkei.demo.loader import demo_logins, load_demo


def test_demo_prefecture_loads_and_a_second_run_changes_nothing(db):
    first = load_demo()
    assert first.changes > 0
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    second = load_demo()
    assert second.changes == 0
    assert counts == (Organisation.objects.count(), User.objects.count(), Membership.objects.count())


def test_demo_prefecture_has_the_health_centre_jurisdiction_and_partners(db):
    load_demo()
    hc = Organisation.objects.get(code="chuo-hc")
    assert hc.type.code == "health_centre"
    assert sorted(hc.jurisdiction.values_list("name", flat=True)) == sorted(["青葉市", "若葉町", "桜川村"])
    aoba = Organisation.objects.get(code="aoba")
    assert {"保健衛生", "福祉", "住宅", "就労", "教育"} <= set(aoba.departments.values_list("kind__name", flat=True))
    partners = Organisation.objects.exclude(type__code__in=["prefecture", "health_centre", "municipality", "mhw_centre"])
    assert partners.count() >= 28
    assert Organisation.objects.filter(type__code="mhw_centre").count() == 1


def test_demo_has_users_of_every_role_and_printed_logins_work(db, client):
    load_demo()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"caseworker", "supervisor", "viewer", "partner", "peer"}
    login = next(item for item in demo_logins() if item["username"] == "aoba.sodan")
    response = client.post("/accounts/login/", {"username": login["username"], "password": login["password"]})
    assert response.status_code == 302
    assert "山田 花子" in client.get("/").content.decode()
