"""The referrals' notices, through the one notification model (`renkei.notices.notify`): a referral's
notice links to the referral's page and names its person; its e-mail subject says what happened."""

from django.urls import reverse

from renkei.accounts.models import User
from renkei.notices import notify as notices
from renkei.notices.notify import staff_with  # noqa: F401  (the referrals' callers use it from here)

MAIL_SUBJECTS = {
    "new": "【Renkei】新しい連携依頼が届きました",
    "answered": "【Renkei】連携依頼に応答がありました",
    "returned": "【Renkei】連携依頼が戻ってきました",
    "overdue": "【Renkei】期限を過ぎた連携依頼があります",
    "tarai": "【Renkei】たらい回しの疑いがあります",
    "basis_ended": "【Renkei】共有の根拠が終了した連携があります",
}


def supervisors_of(organisation) -> list[User]:
    return staff_with(organisation, "staff.manage")


def notify(users, *, organisation, kind: str, message: str, key: str, referral=None) -> int:
    """One notice per user and key (repeated calls add nothing); e-mail after the commit."""
    return notices.notify(
        users, organisation=organisation, kind=kind, message=message, key=key,
        url=reverse("referrals:detail", args=[referral.pk]) if referral is not None else "",
        person=referral.person_id if referral is not None else None,
        subject=MAIL_SUBJECTS.get(kind, notices.DEFAULT_SUBJECT))
