"""The deadlines of 入院等関係事務 are data (renkei/admissions/data/deadlines.json): one revision per law
revision, picked by date; every rule's deadline is computed from its unit — hours, days (first day not
counted, a closed day moves to the next open one), months (month ends) — or says 直ちに / 速やかに."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.admissions import deadlines


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


D = dt.date
START = at(2026, 1, 31, 10, 0)  # a Saturday, the last day of a 31-day month
# Every rule of the revision in force from 2024-04-01: its first three deadlines from START.
EXPECTED = {
    "application_22": ("期限の定めなし", [None, None, None]),
    "police_23": ("直ちに", [D(2026, 1, 31), None, None]),
    "prosecutor_24": ("速やかに", [None, None, None]),
    "probation_25": ("速やかに", [None, None, None]),
    "correctional_26": ("あらかじめ", [None, None, None]),
    "hospital_26_2": ("直ちに", [D(2026, 1, 31), None, None]),
    "mtsa_26_3": ("直ちに", [D(2026, 1, 31), None, None]),
    "examination_27": ("速やかに", [None, None, None]),
    "measure_notice_29": ("直ちに", [D(2026, 1, 31), None, None]),
    "emergency_limit_29_2": ("72時間", [at(2026, 2, 3, 10, 0), None, None]),
    # 1月31日 + 3 months = 4月30日; + 6 = 7月31日; + 12 = 2027年1月31日, a Sunday → Monday 2月1日
    "measure_report_38_2": ("3か月・6か月、以後6か月ごと（閉庁日は翌開庁日）", [D(2026, 4, 30), D(2026, 7, 31), D(2027, 2, 1)]),
    "mp_notice_33": ("10日以内（閉庁日は翌開庁日）", [D(2026, 2, 10), None, None]),
    "mp_term_33": ("3か月・6か月、以後6か月ごと", [D(2026, 4, 30), D(2026, 7, 31), D(2027, 1, 31)]),  # a term end does not move
    # 10 days from each term end: 4/30 → 5/10, a Sunday → 5/11; 7/31 → 8/10; 2027-01-31 → 2/10
    "mp_renewal_notice_33": ("入院期間の満了から10日以内（閉庁日は翌開庁日）", [D(2026, 5, 11), D(2026, 8, 10), D(2027, 2, 10)]),
    "mp_discharge_notice_33_2": ("10日以内（閉庁日は翌開庁日）", [D(2026, 2, 10), None, None]),
    "symptoms_resolved_29_5": ("直ちに", [D(2026, 1, 31), None, None]),
    "urgent_notice_33_6": ("直ちに", [D(2026, 1, 31), None, None]),
    "urgent_limit_33_6": ("72時間", [at(2026, 2, 3, 10, 0), None, None]),
    "voluntary_hold_21": ("72時間", [at(2026, 2, 3, 10, 0), None, None]),
}


def test_the_revision_in_force_from_april_2024_is_picked_by_date():
    assert deadlines.revision_on(D(2024, 4, 1)).code == "r6-2024-04"
    assert deadlines.revision_on(at(2026, 12, 2, 9, 0)).in_force_from == D(2024, 4, 1)
    with pytest.raises(ValidationError) as refused:
        deadlines.revision_on(D(2024, 3, 31))
    assert "2024-03-31 より前" in refused.value.messages[0]


def test_every_rule_is_listed_here_with_its_article_parties_and_confidence_mark():
    rules = deadlines.revision_on(D(2026, 1, 31)).rules
    assert {r.code for r in rules} == set(EXPECTED)
    for r in rules:
        assert r.article.startswith("法") and r.submitter and r.receiver and r.document and r.event, r.code
        assert isinstance(r.confirmed, bool), r.code
    assert {r.code for r in rules if not r.confirmed} >= {"measure_report_38_2", "mp_notice_33", "application_22"}
    assert deadlines.revision_on(D(2026, 1, 31)).rule("police_23").confirmed


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_rule_computes_its_deadlines(code):
    rule = deadlines.revision_on(START).rule(code)
    label, expected = EXPECTED[code]
    assert rule.deadline_label == label
    assert [rule.due(START, n) for n in (1, 2, 3)] == expected


def test_72_hours_count_nights_and_holidays_alike():
    rule = deadlines.rule("emergency_limit_29_2", D(2026, 5, 2))
    assert rule.due(at(2026, 5, 2, 23, 30)) == at(2026, 5, 5, 23, 30)  # ゴールデンウィーク: no roll


def test_ten_days_do_not_count_the_first_day_and_a_closed_day_moves_to_the_next_open_day():
    rule = deadlines.rule("mp_notice_33", D(2026, 4, 1))
    assert rule.due(at(2026, 4, 1, 15, 0)) == D(2026, 4, 13)   # 4/11 Saturday → Monday 4/13
    assert rule.due(at(2026, 4, 24, 9, 0)) == D(2026, 5, 7)    # 5/4 みどりの日 … 5/6 振替休日 → 5/7
    assert rule.due(at(2026, 12, 19, 9, 0)) == D(2027, 1, 4)   # 12/29 year-end closure → 1/4
    assert rule.due(at(2026, 3, 30, 9, 0)) == D(2026, 4, 9)    # an open day stays


def test_months_end_on_the_month_end_when_there_is_no_corresponding_day():
    term = deadlines.rule("mp_term_33", D(2026, 8, 31))
    assert [term.due(at(2026, 8, 31, 9, 0), n) for n in (1, 2, 3, 4)] == [
        D(2026, 11, 30), D(2027, 2, 28), D(2027, 8, 31), D(2028, 2, 29)]
    report = deadlines.rule("measure_report_38_2", D(2027, 11, 30))
    assert report.due(at(2027, 11, 30, 9, 0), 1) == D(2028, 2, 29)  # leap year, a Tuesday
    assert report.due(at(2026, 1, 15, 9, 0), 1) == D(2026, 4, 15)


def test_the_deadline_of_a_day_counts_in_japan_time():
    rule = deadlines.rule("mp_notice_33", D(2026, 6, 1))
    late_evening_utc = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC)  # 2026-06-02 01:00 in Japan
    assert rule.due(late_evening_utc) == D(2026, 6, 12)


def test_recurring_and_single_rules_are_told_apart():
    revision = deadlines.revision_on(D(2026, 1, 1))
    assert revision.rule("measure_report_38_2").recurring()
    assert not revision.rule("mp_notice_33").recurring()
    assert {r.code for r in revision.starting_with("measure")} == {"measure_notice_29", "measure_report_38_2"}
    assert {r.code for r in revision.starting_with("medical_protection")} == {
        "mp_notice_33", "mp_term_33", "mp_renewal_notice_33"}
    assert revision.rule("mp_renewal_notice_33").recurring()


def test_a_rule_counted_after_another_must_name_one_listed_before_it():
    from django.core.exceptions import ImproperlyConfigured

    raw = {"code": "x", "event": "e", "starts": None, "document": "d", "from": "f", "to": "t", "article": "法1条",
           "confirmed": True, "deadline": {"unit": "days", "amount": 10, "after": "later"}}
    with pytest.raises(ImproperlyConfigured, match="after 'later'"):
        deadlines._rules([raw])
