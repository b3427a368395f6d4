"""The audit log: append-only and hash-chained. Every later capability writes here through
`renkei.audit.actions.log_event`; nothing else creates, changes or deletes these rows."""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)  # namespaced: "auth.login", "case.viewed"
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    person_id = models.CharField(max_length=64, blank=True, db_index=True)
    field_groups = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    legal_basis = models.CharField(max_length=80, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def canonical(self) -> str:
        body = {
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "organisation": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "person_id": self.person_id,
            "field_groups": self.field_groups,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "ip": self.ip,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        named = sorted(self.person_ids())
        if named != ([self.person_id] if self.person_id else []):
            body["persons"] = named  # beyond `person` (entries written before listings named persons: none)
        return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)

    def person_ids(self) -> list[str]:
        """Every person this entry names (`person` and the persons a listing showed), from the link table;
        set on the instance by `log_event` and by `verify_chain`, which read them in bulk."""
        if getattr(self, "_person_ids", None) is None:
            self._person_ids = ([] if self.pk is None else
                                list(AuditEventPerson.objects.filter(event_id=self.pk)
                                     .values_list("person_id", flat=True)))
        return self._person_ids

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("監査ログは削除できません。")


class AuditChainHead(models.Model):
    """One row: the hash of the newest entry. Locked while appending, so the chain stays linear."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.PositiveBigIntegerField(default=0)


class AuditEventPerson(models.Model):
    """One person named by one entry: the entry's `person`, and every person a listing (list page, search
    results, export, dashboard) showed. The per-person access report reads this table (indexed by person)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    person_id = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person_id"], name="audit_event_person_once")]
        indexes = [models.Index(fields=["person_id", "event"], name="audit_person_event_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("監査ログは削除できません。")
