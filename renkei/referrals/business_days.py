"""Business days in Japan: not Saturday, Sunday, a national holiday (jpholiday) or the year-end
closure of public offices (data file)."""

import datetime as dt

import jpholiday

from . import reference


def is_business_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return f"{day:%m-%d}" not in reference.year_end_closed()


def add_business_days(start: dt.date, n: int) -> dt.date:
    """The n-th business day after `start` (start itself not counted)."""
    day, left = start, n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day
