import datetime as dt

from django.utils import timezone

from renkei.cases import actions
from renkei.cases.stats import column, report_table
from renkei.core.dates import FiscalYear


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 10, 0))


def _cell(table, kind, category):
    _col, cells, _total = column(table, kind)
    return next((c["real"], c["visits"]) for c in cells if c["code"] == category)


def _total(table, kind):
    _col, _cells, total = column(table, kind)
    return total["real"], total["visits"]


def test_each_contact_is_one_visit_and_each_person_one_real_person_per_fiscal_year(pref, make_person,
                                                                                    make_consultation):
    son, other = make_person(), make_person(name="鈴木 花子", kana="スズキ ハナコ", birth_date=dt.date(1960, 1, 1))
    for when in [at(2025, 4, 1), at(2025, 9, 1), at(2026, 3, 31)]:          # FY2025: three calls
        make_consultation(person=son, occurred_at=when, channel="phone")
    make_consultation(person=son, occurred_at=at(2026, 4, 1), channel="phone")  # FY2026
    make_consultation(person=son, occurred_at=at(2025, 6, 1), channel="home_visit")
    make_consultation(person=other, occurred_at=at(2025, 5, 1), channel="phone", category="depression")
    counts = report_table(pref.orgs.aoba, FiscalYear(2025))
    assert _cell(counts, "phone", "rehabilitation") == (1, 3)
    assert _cell(counts, "phone", "depression") == (1, 1)
    assert _total(counts, "phone") == (2, 4)
    assert _total(counts, "home_visit") == (1, 1)
    assert _total(counts, "consultation") == (0, 0)
    assert _total(report_table(pref.orgs.aoba, 2026), "phone") == (1, 1)


def test_a_person_counts_once_under_the_category_of_the_first_contact_of_the_year(pref, make_person,
                                                                                   make_consultation):
    person = make_person()
    make_consultation(person=person, occurred_at=at(2025, 5, 1), channel="visit_in", category="alcohol")
    make_consultation(person=person, occurred_at=at(2025, 6, 1), channel="other", category="depression")
    counts = report_table(pref.orgs.aoba, 2025)
    assert _cell(counts, "consultation", "alcohol") == (1, 1)
    assert _cell(counts, "consultation", "depression") == (0, 1)
    assert _total(counts, "consultation") == (1, 2)


def test_anonymous_and_unregistered_contacts_are_each_their_own_real_person(pref, make_person, make_consultation):
    make_consultation(is_anonymous=True, occurred_at=at(2025, 7, 1))
    make_consultation(is_anonymous=True, occurred_at=at(2025, 7, 2))
    unregistered = make_consultation(subject_label="長男", occurred_at=at(2025, 7, 3))
    make_consultation(subject_label="長男", occurred_at=at(2025, 7, 4))
    assert _total(report_table(pref.orgs.aoba, 2025), "phone") == (4, 4)
    person = make_person()
    make_consultation(person=person, occurred_at=at(2025, 7, 5))
    actions.do_link_consultation(request=None, membership=pref.memberships.alice, consultation=unregistered,
                                 person=person, version=1)
    assert _total(report_table(pref.orgs.aoba, 2025), "phone") == (4, 5)


def test_counts_belong_to_the_organisation_that_took_the_consultation(pref, make_consultation):
    make_consultation(occurred_at=at(2025, 7, 1), is_anonymous=True)
    make_consultation(membership=pref.memberships.mallory, occurred_at=at(2025, 7, 1), is_anonymous=True)
    assert _total(report_table(pref.orgs.aoba, 2025), "phone") == (1, 1)


def test_mail_channel_counts_as_mail_consultation(pref, make_consultation):
    make_consultation(occurred_at=at(2025, 7, 1), channel="mail", is_anonymous=True)
    assert _total(report_table(pref.orgs.aoba, 2025), "mail") == (1, 1)


def test_stats_page_and_api_show_the_table(pref, client_for, make_consultation):
    make_consultation(occurred_at=at(2025, 7, 1), is_anonymous=True)
    client = client_for(pref.users.alice)
    assert "電話相談" in client.get("/cases/stats/?fy=2025").content.decode()
    data = client.get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert data["label"] == "令和7年度" and data["title"].startswith("令和7年度 市区町村が実施した")
    phone = [i for i, col in enumerate(data["columns"]) if col["code"] == "phone"]
    assert [data["total"]["cells"][i] for i in phone] == [{"real": 1, "visits": 1}]


def test_an_anonymous_contact_linked_later_counts_as_that_person(pref, make_person, make_consultation):
    anonymous = make_consultation(is_anonymous=True, occurred_at=at(2025, 7, 1))
    person = make_person()
    make_consultation(person=person, occurred_at=at(2025, 7, 5))
    assert _total(report_table(pref.orgs.aoba, 2025), "phone") == (2, 2)
    actions.do_link_consultation(request=None, membership=pref.memberships.alice, consultation=anonymous,
                                 person=person, version=1, reason="後日、本人が名乗った")
    assert _total(report_table(pref.orgs.aoba, 2025), "phone") == (1, 2)
