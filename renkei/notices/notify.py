"""Telling staff: one function for every app (`notify`), in the product and by e-mail. E-mails carry no
personal data: they only say that something waits in Renkei, so nothing sensitive leaves the closed
network by mail."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from renkei.accounts.models import Membership, User

from .models import Notification

logger = logging.getLogger(__name__)

DEFAULT_SUBJECT = "【Renkei】お知らせ"
MAIL_BODY = ("Renkei にお知らせがあります。庁内ネットワークから Renkei にログインして確認してください。\n"
             "（このメールには個人に関する情報を含めていません）\n")


def staff_with(organisation, perm: str) -> list[User]:
    """The active staff of `organisation` whose role there has `perm`, in a stable order."""
    ms = Membership.objects.filter(organisation=organisation, is_active=True, user__is_active=True).select_related(
        "user").order_by("user_id")
    return [m.user for m in ms if m.has_perm(perm)]


def notify(users, *, organisation, kind: str, message: str, key: str, url: str = "", person=None,
           subject: str | None = DEFAULT_SUBJECT, body: str = MAIL_BODY) -> int:
    """One notice per user and key (repeated calls add nothing); returns the notices made. Each new notice
    is also mailed after the commit (`subject=None`: no mail) to users with an address."""
    person_id = getattr(person, "pk", person)
    made = 0
    for user in dict.fromkeys(users):
        _note, created = Notification.objects.get_or_create(
            recipient=user, key=key[:120],
            defaults={"organisation": organisation, "kind": kind, "message": message[:300], "url": url[:200],
                      "person_id": person_id})
        if created:
            made += 1
            if user.email and subject:
                transaction.on_commit(lambda email=user.email: _mail(email, subject, body))
    return made


def _mail(email: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:  # mail trouble must not undo or block the work
        logger.exception("notification mail failed")
