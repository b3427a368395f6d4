import datetime as dt

import pytest
from django.template import Context, Template

from renkei.core.dates import FiscalYear, fiscal_year, wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 4, 1), "令和7年4月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
    ],
)
def test_wareki_names_the_era_in_force_on_that_day(day, expected):
    assert wareki(day) == expected


def test_wareki_converts_aware_datetimes_to_tokyo_time_first():
    late_utc = dt.datetime(2019, 4, 30, 15, 30, tzinfo=dt.UTC)  # 2019-05-01 00:30 in Tokyo
    assert wareki(late_utc) == "令和元年5月1日"


def test_wareki_with_weekday():
    assert wareki(dt.date(2025, 4, 1), with_weekday=True) == "令和7年4月1日（火）"


def test_wareki_refuses_dates_before_the_solar_calendar():
    with pytest.raises(ValueError):
        wareki(dt.date(1872, 12, 31))


def test_fiscal_year_runs_from_april_to_march():
    assert fiscal_year(dt.date(2025, 4, 1)) == FiscalYear(2025)
    assert fiscal_year(dt.date(2026, 3, 31)) == FiscalYear(2025)
    assert fiscal_year(dt.date(2025, 3, 31)) == FiscalYear(2024)
    fy = FiscalYear(2025)
    assert (fy.start, fy.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert dt.date(2025, 12, 31) in fy and dt.date(2026, 4, 1) not in fy


def test_fiscal_year_labels_follow_official_usage():
    assert FiscalYear(2025).label == "令和7年度"
    assert FiscalYear(2019).label == "令和元年度"  # begun under 平成31年, officially 令和元年度
    assert FiscalYear(2018).label == "平成30年度"
    assert FiscalYear(1988).label == "昭和63年度"


def test_template_filters_render_wareki_and_nendo():
    out = Template("{{ d|wareki }} {{ d|nendo }} {{ d|wareki_weekday }}").render(Context({"d": dt.date(2026, 1, 5)}))
    assert out == "令和8年1月5日 令和7年度 令和8年1月5日（月）"


def test_template_filter_leaves_empty_values_empty():
    assert Template("[{{ d|wareki }}]").render(Context({"d": None})) == "[]"


@pytest.mark.parametrize("year", [-1, 0, 12, 1872, 9999, 10**20])
def test_a_fiscal_year_without_a_wareki_name_is_refused_in_japanese(year):
    with pytest.raises(ValueError, match="年度は1873〜9998年の範囲で指定してください"):
        FiscalYear(year)


def test_wareki_datetime_filter_shows_a_date_before_the_eras_as_it_is():
    from renkei.core.templatetags.wareki import wareki_datetime

    assert wareki_datetime(dt.datetime(1800, 1, 1, 10, 0)) == dt.datetime(1800, 1, 1, 10, 0)
