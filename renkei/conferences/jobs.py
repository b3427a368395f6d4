"""The conferences app's periodic jobs (run by `manage.py run_jobs`, registered in ConferencesConfig.ready)."""

import datetime as dt

from renkei.core import jobs

from . import lapse
from .reminders import send_action_reminders


def action_reminders() -> str:
    return f"会議の宿題のお知らせを{send_action_reminders()}通送りました。"


def team_consent_lapse() -> str:
    return f"支援チームへの同意の期限切れのお知らせ: {lapse.end_lapsed()} 件"


def register() -> None:
    jobs.register("conferences.action_reminders", "会議の宿題のお知らせ", action_reminders, daily_at=dt.time(7, 0))
    jobs.register("conferences.team_consent_lapse", "支援チームへの同意の期限切れのお知らせ", team_consent_lapse,
                  daily_at=dt.time(0, 10))
