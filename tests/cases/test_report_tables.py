"""The official report tables: wording, columns and rows per fiscal year and organisation type from
data/report_forms.json, the counting rules written on the page, and figures that add up and agree with
an independent recount of the raw consultations."""

import copy
import datetime as dt
import json
import random
from collections import defaultdict

from django.utils import timezone

from renkei.cases import reference
from renkei.cases.models import Consultation
from renkei.cases.stats import report_table
from renkei.core.dates import FiscalYear

NEW_COLUMNS = ["相談", "電話相談", "電子メール相談", "デイ・ケア", "訪問支援"]
OLD_COLUMNS = ["相談", "訪問指導", "電話相談", "メール相談"]
# The channels each column counts, written out here independently of the data file.
EXPECTED_KIND = {"visit_in": "consultation", "other": "consultation", "phone": "phone", "mail": "mail",
                 "home_visit": "home_visit"}


def at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


def test_from_fiscal_year_2024_the_table_reads_hishien_with_email_day_care_and_outreach_support(pref, client_for):
    client = client_for(pref.users.alice)
    page = client.get("/cases/stats/", {"fy": 2025}).content.decode()
    for words in ["令和7年度 市区町村が実施した精神保健福祉相談等の被支援実人員－延人員", "被支援実人員",
                  "電子メール相談", "デイ・ケア", "訪問支援", "第46表", "相談及び援助"]:
        assert words in page, words
    assert "訪問指導" not in page and "被指導" not in page
    data = client.get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert [c["name"] for c in data["columns"]] == NEW_COLUMNS
    assert data["measures"]["real"] == "被支援実人員"


def test_up_to_fiscal_year_2023_the_table_keeps_the_old_wording(pref, client_for):
    client = client_for(pref.users.alice)
    page = client.get("/cases/stats/", {"fy": 2023}).content.decode()
    for words in ["令和5年度 市区町村が実施した精神保健福祉相談等の被指導実人員", "訪問指導", "メール相談"]:
        assert words in page, words
    assert "電子メール相談" not in page and "訪問支援" not in page and "デイ・ケア" not in page
    data = client.get("/api/cases/stats", {"fiscal_year": 2023}).json()
    assert [c["name"] for c in data["columns"]] == OLD_COLUMNS


def test_a_health_centre_gets_the_health_centre_form_and_a_municipality_the_municipal_one(pref, client_for):
    hc = client_for(pref.users.hana).get("/api/cases/stats", {"fiscal_year": 2025}).json()
    town = client_for(pref.users.mallory).get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert hc["form"]["code"] == "health_centre" and hc["title"].startswith("令和7年度 保健所が実施した")
    assert hc["organisation"]["code"] == "chuo-hc"
    assert town["form"]["code"] == "municipality" and town["organisation"]["code"] == "wakaba"
    assert hc["form"]["own"] and town["form"]["own"]


def test_an_organisation_type_without_a_form_sees_the_table_marked_as_for_reference(pref, client_for):
    page = client_for(pref.users.sam).get("/cases/stats/", {"fy": 2025}).content.decode()
    assert "この組織の種類には本報告の様式がありません" in page


def test_the_counting_rules_are_on_the_page_with_their_sources_and_unconfirmed_ones_marked(pref, client_for):
    page = client_for(pref.users.alice).get("/cases/stats/", {"fy": 2025}).content.decode()
    rules = reference.report_version(2025)["rules"]
    assert any(not r["confirmed"] for r in rules) and any(r["confirmed"] for r in rules)
    for rule in rules:
        assert rule["text"] in page and rule["source"] in page
    section = page[page.index("<h2>数え方</h2>"):]
    assert section.count('<span class="badge warn">未確認</span>') == sum(not r["confirmed"] for r in rules)


def test_the_wording_is_data_a_new_version_in_the_file_changes_that_year_only(pref, client_for, monkeypatch):
    original = reference._load
    data = copy.deepcopy(original("report_forms.json"))
    newer = copy.deepcopy(data["versions"][-1])
    newer["from_fiscal_year"] = 2026
    newer["measures"]["real"] = "試験用実人員"
    for form in newer["forms"]:
        form["title"] = "試験用の表題"
        form["kinds"] = [k for k in form["kinds"] if k["code"] != "day_care"]
    data["versions"].append(newer)
    monkeypatch.setattr(reference, "_load", lambda name: data if name == "report_forms.json" else original(name))
    client = client_for(pref.users.alice)
    this_year = client.get("/api/cases/stats", {"fiscal_year": 2026}).json()
    assert this_year["title"] == "令和8年度 試験用の表題" and "デイ・ケア" not in [c["name"] for c in this_year["columns"]]
    assert "試験用実人員" in client.get("/cases/stats/", {"fy": 2026}).content.decode()
    last_year = client.get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert [c["name"] for c in last_year["columns"]] == NEW_COLUMNS and "試験用" not in json.dumps(last_year)


def test_a_kind_the_product_does_not_record_shows_no_figures_rather_than_zero(pref, client_for, make_consultation):
    make_consultation(occurred_at=at(2025, 7, 1), is_anonymous=True)
    data = client_for(pref.users.alice).get("/api/cases/stats", {"fiscal_year": 2025}).json()
    day_care = [i for i, c in enumerate(data["columns"]) if c["code"] == "day_care"][0]
    assert data["columns"][day_care]["recorded"] is False
    assert all(r["cells"][day_care] == {"real": None, "visits": None} for r in data["rows"])
    assert "記録なし" in client_for(pref.users.alice).get("/cases/stats/", {"fy": 2025}).content.decode()


def test_factor_rows_count_contacts_and_persons_with_the_factor_and_are_not_added_to_the_total(
        pref, make_person, make_consultation):
    person = make_person()
    make_consultation(person=person, occurred_at=at(2025, 5, 1), factors=["hikikomori"])
    make_consultation(person=person, occurred_at=at(2025, 6, 1), factors=["hikikomori", "suicide"])
    make_consultation(is_anonymous=True, occurred_at=at(2025, 6, 2), factors=["hikikomori"])
    make_consultation(is_anonymous=True, occurred_at=at(2025, 6, 3), factors=[])
    table = report_table(pref.orgs.aoba, 2025)
    factors = {r["code"]: r["total"] for r in table["factor_rows"]}
    assert factors["hikikomori"] == {"real": 2, "visits": 3}
    assert factors["suicide"] == {"real": 1, "visits": 1}
    assert factors["developmental"] == {"real": 0, "visits": 0}
    assert table["total"]["total"] == {"real": 3, "visits": 4}


def test_statistics_need_the_report_permission_and_show_only_the_own_organisation(pref, client_for,
                                                                                     make_consultation):
    make_consultation(occurred_at=at(2025, 7, 1), is_anonymous=True)
    for user in (pref.users.dave, pref.users.erin):  # partner and peer roles have no report.view
        client = client_for(user)
        assert client.get("/cases/stats/", {"fy": 2025}).status_code == 404
        assert client.get("/api/cases/stats", {"fiscal_year": 2025}).status_code == 404
    viewer = client_for(pref.users.carol).get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert viewer["organisation"]["code"] == "aoba" and viewer["total"]["total"]["visits"] == 1
    other = client_for(pref.users.mallory).get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert other["total"]["total"]["visits"] == 0


# --- demo-like data across FY2025 and FY2026, recounted by a second route ---------------------------------
def _demo_like(pref, make_person, make_consultation):
    rng = random.Random(15)
    members = {"aoba": pref.memberships.alice, "wakaba": pref.memberships.mallory}
    persons = {code: [make_person(membership=m, name=f"統計 {i}郎", kana=f"トウケイ {i}ロウ",
                                  birth_date=dt.date(1970 + i, 1, 1)) for i in range(5)]
               for code, m in members.items()}
    categories = [c["code"] for c in reference.categories(2025)]
    factors = [f["code"] for f in reference.factors(2025)]
    start = at(2025, 4, 1, 0)
    latest = min(timezone.now() - dt.timedelta(hours=1), at(2027, 3, 31, 23))  # consultations are never future
    edges = [e for e in (at(2025, 4, 1, 0), at(2026, 3, 31, 23), at(2026, 4, 1, 0)) if e < latest] + [latest]
    hours = int((latest - start).total_seconds() // 3600)
    for i in range(70):
        when = edges[i] if i < len(edges) else start + dt.timedelta(hours=rng.randrange(0, hours))
        org = "aoba" if rng.random() < 0.85 else "wakaba"
        kind = rng.choice(["person", "person", "person", "anonymous", "unregistered"])
        extra = ({"person": rng.choice(persons[org])} if kind == "person" else
                 {"is_anonymous": True} if kind == "anonymous" else {"subject_label": "長男"})
        membership = members[org]
        make_consultation(membership=membership, occurred_at=when, channel=rng.choice(list(EXPECTED_KIND)),
                          category=rng.choice(categories), factors=rng.sample(factors, rng.randrange(0, 3)),
                          **extra)


def _recount(organisation, year):
    """Plain Python over the consultation rows: group each column's contacts by person, take the first."""
    contacts = [c for c in Consultation.objects.all()
                if c.organisation_id == organisation.pk and FiscalYear.of(timezone.localtime(c.occurred_at)).year == year]
    visits, real, fvisits, freal = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    by_person = defaultdict(list)
    factor_persons = defaultdict(set)
    for c in contacts:
        kind = EXPECTED_KIND[c.channel]
        visits[kind, c.category] += 1
        for f in c.factors:
            fvisits[kind, f] += 1
            if c.person_id is None:
                freal[kind, f] += 1
            else:
                factor_persons[kind, f].add(c.person_id)
        if c.person_id is None:
            real[kind, c.category] += 1
        else:
            by_person[kind, c.person_id].append(c)
    for (kind, _person), theirs in by_person.items():
        first = min(theirs, key=lambda c: (c.occurred_at, c.pk))
        real[kind, first.category] += 1
    for key, persons in factor_persons.items():
        freal[key] += len(persons)
    return visits, real, fvisits, freal, len(contacts)


def test_demo_like_years_show_their_wording_add_up_and_match_an_independent_recount(
        pref, make_person, make_consultation):
    _demo_like(pref, make_person, make_consultation)
    seen = 0
    for organisation in (pref.orgs.aoba, pref.orgs.wakaba):
        for year in (2025, 2026):
            table = report_table(organisation, year)
            assert [c["name"] for c in table["columns"]] == NEW_COLUMNS
            assert table["measures"] == reference.report_version(year)["measures"]
            visits, real, fvisits, freal, n = _recount(organisation, year)
            seen += n
            assert table["uncounted"] == 0
            for i, col in enumerate(table["columns"]):
                cells = [r["cells"][i] for r in table["rows"]]
                if not col["recorded"]:
                    assert all(c["real"] is None for c in cells) and table["total"]["cells"][i]["real"] is None
                    continue
                for r in table["rows"]:  # every figure, recounted
                    assert r["cells"][i] == {"real": real[col["code"], r["code"]],
                                             "visits": visits[col["code"], r["code"]]}, (year, col, r["code"])
                for r in table["factor_rows"]:
                    assert r["cells"][i] == {"real": freal[col["code"], r["code"]],
                                             "visits": fvisits[col["code"], r["code"]]}, (year, col, r["code"])
                assert table["total"]["cells"][i] == {"real": sum(c["real"] for c in cells),  # rows → 計
                                                      "visits": sum(c["visits"] for c in cells)}
            for r in table["rows"] + [table["total"]] + table["factor_rows"]:  # kinds → 総数
                counted = [c for c in r["cells"] if c["real"] is not None]
                assert r["total"] == {"real": sum(c["real"] for c in counted),
                                      "visits": sum(c["visits"] for c in counted)}
            assert table["total"]["total"]["visits"] == n
    assert seen == 70  # every contact falls in one organisation's FY2025 or FY2026
