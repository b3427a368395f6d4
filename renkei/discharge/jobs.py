"""The discharge app's periodic jobs (run by `manage.py run_jobs`, registered in DischargeConfig.ready)."""

import datetime as dt

from renkei.core import jobs

from .reminders import send_review_reminders


def review_reminders() -> str:
    return f"見直しのお知らせを{send_review_reminders()}件送信しました。"


def register() -> None:
    jobs.register("discharge.review_reminders", "退院後支援計画の見直し日のお知らせ", review_reminders,
                  daily_at=dt.time(7, 0))
