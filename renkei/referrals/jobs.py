"""The referrals app's periodic jobs (run by `manage.py run_jobs`, registered in ReferralsConfig.ready)."""

import datetime as dt

from renkei.core import jobs

from .lapse import end_lapsed
from .overdue import flag_overdue


def overdue() -> str:
    return f"期限超過のお知らせ {flag_overdue()} 件を作成しました。"


def lapsed_bases() -> str:
    return f"期限切れにより保留にした連携依頼: {end_lapsed()} 件"


def register() -> None:
    jobs.register("referrals.overdue", "期限を過ぎた連携依頼のお知らせ", overdue, every=dt.timedelta(hours=1))
    jobs.register("referrals.lapsed_bases", "共有の根拠が期限切れの連携依頼の保留", lapsed_bases,
                  daily_at=dt.time(0, 10))
