"""In-product notifications and e-mail (Django's mail backend). E-mails carry no personal data: they
only say that something waits in Renkei, so nothing sensitive leaves the closed network by mail."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from renkei.accounts.models import Membership, User

from .models import Notification

logger = logging.getLogger(__name__)


def staff_with(organisation, perm: str) -> list[User]:
    ms = Membership.objects.filter(organisation=organisation, is_active=True, user__is_active=True).select_related(
        "user").order_by("user_id")
    return [m.user for m in ms if m.has_perm(perm)]


def supervisors_of(organisation) -> list[User]:
    return [u for u in staff_with(organisation, "staff.manage")]


def notify(users, *, organisation, kind: str, message: str, key: str, referral=None) -> int:
    """One notice per user and key (repeated calls add nothing); e-mail after the commit."""
    made = 0
    for user in dict.fromkeys(users):
        note, created = Notification.objects.get_or_create(
            recipient=user, key=key[:120],
            defaults={"organisation": organisation, "kind": kind, "message": message[:300], "referral": referral})
        if created:
            made += 1
            if user.email:
                transaction.on_commit(lambda email=user.email, kind=kind: _mail(email, kind))
    return made


MAIL_SUBJECTS = {
    "new": "【Renkei】新しい連携依頼が届きました",
    "answered": "【Renkei】連携依頼に応答がありました",
    "returned": "【Renkei】連携依頼が戻ってきました",
    "overdue": "【Renkei】期限を過ぎた連携依頼があります",
    "tarai": "【Renkei】たらい回しの疑いがあります",
    "basis_ended": "【Renkei】共有の根拠が終了した連携があります",
}


def _mail(email: str, kind: str) -> None:
    subject = MAIL_SUBJECTS.get(kind, "【Renkei】お知らせ")
    body = ("Renkei にお知らせがあります。庁内ネットワークから Renkei にログインして確認してください。\n"
            "（このメールには個人に関する情報を含めていません）\n")
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:  # mail trouble must not undo or block the work
        logger.exception("notification mail failed")
