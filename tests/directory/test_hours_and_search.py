from datetime import date, datetime, time

from renkei.directory import hours, search
from renkei.directory.models import Schedule, is_stale


def at(text):
    return datetime.fromisoformat(text)


def sched(**kw):
    values = {"byday": "MO,TU,WE,TH,FR", "opens_at": time(8, 30), "closes_at": time(17, 15),
              "closed_on_holidays": True, **kw}
    return Schedule(**values)


def test_open_now_follows_tokyo_time_weekdays_and_hours():
    s = sched()
    assert hours.schedule_open_at(s, at("2026-11-24T10:00:00+09:00"))       # Tuesday
    assert hours.schedule_open_at(s, at("2026-11-24T01:00:00+00:00"))       # same moment in UTC
    assert not hours.schedule_open_at(s, at("2026-11-24T17:15:00+09:00"))   # closes at 17:15
    assert not hours.schedule_open_at(s, at("2026-11-28T10:00:00+09:00"))   # Saturday


def test_a_schedule_closed_on_holidays_is_closed_on_a_japanese_public_holiday():
    holiday = at("2026-11-23T10:00:00+09:00")  # 勤労感謝の日 (a Monday)
    assert not hours.schedule_open_at(sched(), holiday)
    assert hours.schedule_open_at(sched(closed_on_holidays=False), holiday)


def test_a_night_line_is_open_across_midnight():
    night = sched(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(17), closes_at=time(9), closed_on_holidays=False)
    assert hours.schedule_open_at(night, at("2026-11-24T23:30:00+09:00"))
    assert hours.schedule_open_at(night, at("2026-11-24T03:00:00+09:00"))
    assert not hours.schedule_open_at(night, at("2026-11-24T12:00:00+09:00"))
    assert hours.describe(night) == "月・火・水・木・金・土・日 17:00〜9:00"


def test_entries_older_than_a_year_are_stale():
    assert is_stale(date(2025, 11, 24), today=date(2026, 11, 25))
    assert not is_stale(date(2025, 11, 25), today=date(2026, 11, 25))
    assert is_stale(None)


def test_search_by_kind_area_open_now_and_accepting(pref, small_directory, make_service):
    m = pref.memberships.alice
    tuesday = at("2026-11-24T10:00:00+09:00")
    make_service("夜間ダイヤル", "夜間の相談", kinds=["crisis-line"], areas=[pref.orgs.aoba],
                 hours=[("MO,TU,WE,TH,FR,SA,SU", "17:00", "09:00", False)])

    def names(**kw):
        return sorted(s.name for s in search.search_services(m, at=tuesday, **kw))

    from renkei.directory.reference import SERVICE_KIND, term_id
    assert names(kind=term_id(SERVICE_KIND, "housing")) == ["居住支援（あんしん）", "居住支援（すまいサポート）"]
    assert "家計改善・債務相談" not in names(area=pref.orgs.wakaba)
    assert "居住支援（あんしん）" in names(area=pref.orgs.wakaba)  # prefecture-wide covers every municipality
    assert "夜間の相談" not in names(open_now=True) and "依存症相談" in names(open_now=True)
    assert "居住支援（あんしん）" not in names(accepting=True)
    assert names(q="アオバシクラシ") == ["家計改善・債務相談"]
    assert search.search_services(pref.memberships.alice.__class__(role="viewer", is_active=False)) == []
