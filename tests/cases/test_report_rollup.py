"""The roll-up: a 保健所 sees its 管内 市町村 next to its own figures, the 都道府県 / 精神保健福祉センター every
reporting organisation — counts only, through the one access helper; nobody else's figures otherwise."""

import datetime as dt

from django.utils import timezone

from renkei.accounts.models import Organisation, OrganisationType
from renkei.cases.stats import report_table
from tests.core.xlsx_reader import read


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 10, 0))


def _world(pref, make_person, make_consultation):
    outside = Organisation.objects.create(code="yamabe", name="山辺町", kana="ヤマベマチ",
                                          type=OrganisationType.objects.get(code="municipality"), is_public=True)
    taro = make_person()
    make_consultation(person=taro, occurred_at=at(2025, 5, 1), channel="phone")
    make_consultation(person=taro, occurred_at=at(2025, 6, 1), channel="phone")
    make_consultation(membership=pref.memberships.mallory, is_anonymous=True, occurred_at=at(2025, 7, 1),
                      channel="mail")
    make_consultation(membership=pref.memberships.hana, is_anonymous=True, occurred_at=at(2025, 7, 2),
                      channel="home_visit")
    return outside, taro


def test_a_health_centre_sees_its_own_figures_then_its_jurisdiction_totalled(pref, client_for, make_person,
                                                                              make_consultation):
    outside, taro = _world(pref, make_person, make_consultation)
    client = client_for(pref.users.hiro)
    data = client.get("/api/cases/stats/rollup", {"fiscal_year": 2025}).json()
    assert [r["code"] for r in data["rows"]] == ["chuo-hc", "aoba", "sakuragawa", "wakaba"]  # own, then by フリガナ
    assert "yamabe" not in [r["code"] for r in data["rows"]]
    for row in data["rows"]:  # each row is that organisation's own table's 計
        table = report_table(Organisation.objects.get(code=row["code"]), 2025)
        assert row["total"] == table["total"]["total"] and row["form"] == table["form"]["code"]
    assert data["total"]["total"] == {"real": 3, "visits": 4}
    for i, col in enumerate(data["columns"]):
        if col["recorded"]:
            assert data["total"]["cells"][i]["visits"] == sum(r["cells"][i]["visits"] for r in data["rows"])
    page = client.get("/cases/stats/rollup/", {"fy": 2025}).content.decode()
    assert "青葉市" in page and "山辺町" not in page and taro.name not in page and "合計" in page
    aoba = client.get("/api/cases/stats", {"fiscal_year": 2025, "organisation_id": pref.orgs.aoba.pk}).json()
    assert aoba["organisation"]["code"] == "aoba" and aoba["form"]["code"] == "municipality"
    assert client.get("/cases/stats/", {"fy": 2025, "org": pref.orgs.aoba.pk}).status_code == 200
    assert client.get("/cases/stats/", {"fy": 2025, "org": outside.pk}).status_code == 404
    assert client.get("/api/cases/stats", {"organisation_id": outside.pk}).status_code == 404


def test_the_prefectural_centre_sees_every_reporting_organisation_and_no_one_else(pref, client_for,
                                                                                  make_person, make_consultation):
    _world(pref, make_person, make_consultation)
    data = client_for(pref.users.sam).get("/api/cases/stats/rollup", {"fiscal_year": 2025}).json()
    codes = [r["code"] for r in data["rows"]]
    assert codes[0] == "mhw-centre" and set(codes[1:]) == {"chuo-hc", "aoba", "wakaba", "sakuragawa", "yamabe"}
    assert codes[1] == "chuo-hc"  # 保健所 before 市町村
    assert "vn-midori" not in codes and data["total"]["total"] == {"real": 3, "visits": 4}


def test_a_municipality_sees_only_its_own_figures(pref, client_for, make_person, make_consultation):
    _world(pref, make_person, make_consultation)
    client = client_for(pref.users.alice)
    data = client.get("/api/cases/stats/rollup", {"fiscal_year": 2025}).json()
    assert [r["code"] for r in data["rows"]] == ["aoba"]
    assert client.get("/api/cases/stats", {"organisation_id": pref.orgs.wakaba.pk}).status_code == 404
    assert client.get("/cases/stats/", {"org": pref.orgs.hc.pk}).status_code == 404
    assert "機関別の一覧と合計" not in client.get("/cases/stats/").content.decode()
    for user in (pref.users.dave, pref.users.erin):
        assert client_for(user).get("/cases/stats/rollup/").status_code == 404
        assert client_for(user).get("/api/cases/stats/rollup").status_code == 404


def test_the_roll_up_downloads_as_excel_with_one_sheet_per_table_and_as_csv(pref, client_for, make_person,
                                                                            make_consultation):
    _world(pref, make_person, make_consultation)
    client = client_for(pref.users.hiro)
    book = read(client.get("/cases/stats/rollup/", {"fy": 2025, "format": "xlsx"}).content)
    assert list(book) == ["機関別", "みどり県中央保健所", "青葉市", "桜川村", "若葉町", "数え方"]
    cells = book["機関別"]["cells"]
    assert cells[1, 1].startswith("令和7年度") and cells[3, 1] == "機関" and "A3:A4" in book["機関別"]["merges"]
    names = {cells[r, 1]: r for r in range(5, 10)}
    last = max(c for (_r, c) in cells)
    assert cells[names["合計"], last] == 4 and cells[names["青葉市"], last] == 2
    assert book["みどり県中央保健所"]["cells"][1, 1].startswith("令和7年度 保健所が実施した")
    text = client.get("/cases/stats/rollup/", {"fy": 2025, "format": "csv"}).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("機関,種別,") and text.splitlines()[-1].startswith("合計,")
