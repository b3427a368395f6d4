"""Month arithmetic for plan periods (6 months from 2026-08-31 ends 2027-02-28)."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between_ok(start: dt.date, end: dt.date, months: int) -> bool:
    """Is `end` no later than `months` months after `start` (the period's last day included)?"""
    return end <= add_months(start, months)
