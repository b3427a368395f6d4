"""The one in-product notice model: every app tells its staff through it (`renkei.notices.notify.notify`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """A notice to one member of staff, in the organisation it concerns. `key` makes a repeated notice
    (overdue, たらい回し, a team consent's end, one break-glass access) idempotent per recipient. `url` is the
    product page it is about; `person_id` the person it concerns, if any (named by the audit entry of the
    notices page). A plain id, as in the audit log: notices sit below the cases app."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    key = models.CharField(max_length=120)
    url = models.CharField(max_length=200, blank=True, default="")
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notice_per_key")]
        indexes = [models.Index(fields=["recipient", "organisation", "read_at"], name="notice_unread")]

    def __str__(self):
        return self.message
