"""和暦 (Japanese era dates) and 年度 (fiscal year from April)."""

import calendar
import datetime as dt
from dataclasses import dataclass

# (first day, name, calendar year of 元年). Era boundaries as proclaimed; 明治 began in 1868, but
# dates before 1873 (明治6年) followed the lunar calendar and are not supported.
ERAS: list[tuple[dt.date, str, int]] = [
    (dt.date(2019, 5, 1), "令和", 2019),
    (dt.date(1989, 1, 8), "平成", 1989),
    (dt.date(1926, 12, 25), "昭和", 1926),
    (dt.date(1912, 7, 30), "大正", 1912),
    (dt.date(1873, 1, 1), "明治", 1868),
]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def era_year(value) -> tuple[str, int]:
    d = _as_date(value)
    for start, name, first_year in ERAS:
        if d >= start:
            return name, d.year - first_year + 1
    raise ValueError(f"和暦に変換できない日付です: {d.isoformat()}")


def format_era_year(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def wareki(value, with_weekday: bool = False) -> str:
    """2025-04-01 → 令和7年4月1日; 2019-05-01 → 令和元年5月1日."""
    if value in (None, ""):
        return ""
    d = _as_date(value)
    name, year = era_year(d)
    text = f"{format_era_year(name, year)}{d.month}月{d.day}日"
    if with_weekday:
        text += f"（{'月火水木金土日'[d.weekday()]}）"
    return text


# The fiscal years that have a 和暦 name and whose last day is a representable date.
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 1873, 9998


@dataclass(frozen=True)
class FiscalYear:
    """年度: April 1st to March 31st, named by the calendar year it starts in. A year outside
    FISCAL_YEAR_MIN..FISCAL_YEAR_MAX (no 和暦 name, or no date) raises ValueError with a Japanese message."""

    year: int

    def __post_init__(self):
        if not FISCAL_YEAR_MIN <= self.year <= FISCAL_YEAR_MAX:
            raise ValueError(f"年度は{FISCAL_YEAR_MIN}〜{FISCAL_YEAR_MAX}年の範囲で指定してください。")

    @classmethod
    def of(cls, value) -> "FiscalYear":
        d = _as_date(value)
        return cls(d.year if d.month >= 4 else d.year - 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)

    def __contains__(self, value) -> bool:
        return self.start <= _as_date(value) <= self.end

    @property
    def label(self) -> str:
        # Named by the era in force at the end of the calendar year it starts in: FY2019, begun
        # under 平成31年, is officially 令和元年度; FY1988 stays 昭和63年度.
        name, year = era_year(dt.date(self.year, 12, 31))
        return f"{format_era_year(name, year)[:-1]}年度"

    def __str__(self):
        return self.label


def fiscal_year(value) -> FiscalYear:
    return FiscalYear.of(value)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later, or that month's last day when it has no such day (民法143条2項:
    6 months from 2026-08-31 ends 2027-02-28; 3 months from 1月31日 is 4月30日)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
