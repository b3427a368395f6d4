"""The consent app's periodic job: tell the staff who obtained or recorded a consent that it ends soon
(within the data file's `expiry_warning_days`), once per consent and end date — a renewed consent with a new
end date is told again. The notice names the consent, not the person (run by `manage.py run_jobs`,
registered in ConsentConfig.ready)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from renkei.core import jobs
from renkei.core.dates import wareki
from renkei.notices import notify

from . import access, reference
from .models import Consent

KIND = "consent_expiring"


def _recipients(consent) -> list:
    """Whoever obtained or recorded it, while they still manage consents there; else the supervisors."""
    managers = notify.staff_with(consent.owner, "consent.manage")
    told = [user for user in (consent.obtained_by, consent.recorded_by) if user in managers]
    return told or notify.staff_with(consent.owner, "staff.manage")


def notify_expiring(today=None) -> int:
    """One notice per recipient, consent and end date; returns the notices made (0 when run again)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=reference.expiry_warning_days())
    consents = (access.in_force(Consent.objects.filter(access.BY_HOLDER), today).filter(valid_until__lte=horizon)
                .select_related("owner", "obtained_by", "recorded_by").order_by("valid_until", "id"))
    made = 0
    for consent in consents:
        made += notify.notify(
            _recipients(consent), organisation=consent.owner, kind=KIND,
            message=f"同意 #{consent.pk} の有効期間が{wareki(consent.valid_until)}で終わります。更新が必要か本人と確認してください。",
            key=f"consent-expiring:{consent.pk}:{consent.valid_until.isoformat()}",
            url=reverse("consent:consent_detail", args=[consent.pk]), person=consent.person_id)
    return made


def expiring() -> str:
    return f"期限が近い同意のお知らせ {notify_expiring()} 件を作成しました。"


def register() -> None:
    jobs.register("consent.expiring", "期限が近い同意のお知らせ", expiring, daily_at=dt.time(7, 0))
