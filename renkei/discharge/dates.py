"""Month arithmetic for plan periods (6 months from 2026-08-31 ends 2027-02-28): core's `add_months`."""

import datetime as dt

from renkei.core.dates import add_months

__all__ = ["add_months", "months_between_ok"]


def months_between_ok(start: dt.date, end: dt.date, months: int) -> bool:
    """Is `end` no later than `months` months after `start` (the period's last day included)?"""
    return end <= add_months(start, months)
