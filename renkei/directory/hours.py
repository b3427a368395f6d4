"""Opening hours: is a service open at a given moment (Asia/Tokyo, Japanese public holidays)?"""

from datetime import datetime
from zoneinfo import ZoneInfo

import jpholiday

TOKYO = ZoneInfo("Asia/Tokyo")
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = dict(zip(DAY_CODES, "月火水木金土日", strict=True))


def local(at: datetime) -> datetime:
    return at.astimezone(TOKYO) if at.tzinfo else at.replace(tzinfo=TOKYO)


def days_of(schedule) -> list[str]:
    return [d.strip().upper() for d in (schedule.byday or "").split(",") if d.strip().upper() in DAY_CODES]


def schedule_open_at(schedule, at: datetime) -> bool:
    """Weekly schedules only: the day is listed, the time is within [opens_at, closes_at) and the date
    within the validity; a schedule marked closed on holidays is closed on a Japanese public holiday."""
    moment = local(at)
    today = moment.date()
    if schedule.freq != "WEEKLY" or schedule.opens_at is None or schedule.closes_at is None:
        return False
    if schedule.valid_from and today < schedule.valid_from or schedule.valid_to and today > schedule.valid_to:
        return False
    if DAY_CODES[today.weekday()] not in days_of(schedule):
        return False
    if schedule.closed_on_holidays and jpholiday.is_holiday(today):
        return False
    now = moment.time().replace(tzinfo=None)
    if schedule.closes_at <= schedule.opens_at:  # open past midnight (e.g. 17:00–09:00 crisis line)
        return now >= schedule.opens_at or now < schedule.closes_at
    return schedule.opens_at <= now < schedule.closes_at


def service_open_at(service, at: datetime) -> bool:
    return any(schedule_open_at(s, at) for s in service.schedules.all())


def describe(schedule) -> str:
    """「月・火・水 9:00〜17:00（祝日休み）」"""
    days = "・".join(DAY_NAMES[d] for d in days_of(schedule))
    hours = ""
    if schedule.opens_at and schedule.closes_at:
        hours = f"{schedule.opens_at:%-H:%M}〜{schedule.closes_at:%-H:%M}"
    text = " ".join(part for part in (days, hours) if part) or schedule.description
    if schedule.closed_on_holidays:
        text += "（祝日休み）"
    return text
