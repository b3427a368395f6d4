"""The audit log: append-only, keyed and sealed (renkei/audit/seal.py). Every later capability writes here through
`renkei.audit.actions.log_event`; nothing else creates, changes or deletes these rows."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AppendOnly(models.Model):
    """Rows that are written once: saving an existing row or deleting one raises (the ORM never changes
    the log; the verifier detects what is done around it)."""

    immutable_what = "監査ログ"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self.immutable_what}は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self.immutable_what}は削除できません。")


class AuditEvent(AppendOnly):
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
    # Tamper evidence (renkei/audit/seal.py): `hash` is the keyed MAC of the content written at insert;
    # the sealer later gives the entry its place `seq` in the chain and `chain`, the keyed link to the
    # entry before it.
    nonce = models.CharField(max_length=32, blank=True)
    hash = models.CharField(max_length=64, unique=True)
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    chain = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def person_ids(self) -> list[str]:
        """Every person this entry names (`person` and the persons a listing showed), from the link table."""
        if getattr(self, "_person_ids", None) is None:
            self._person_ids = ([] if self.pk is None else
                                list(AuditEventPerson.objects.filter(event_id=self.pk)
                                     .values_list("person_id", flat=True)))
        return self._person_ids

    def compute_hash(self) -> str:
        """The keyed MAC of this entry's content and named persons."""
        from .seal import entry_mac, row_of

        return entry_mac(row_of(self), self.person_ids())


class AuditEventPerson(AppendOnly):
    """One person named by one entry: the entry's `person`, and every person a listing (list page, search
    results, export, dashboard) showed. The per-person access report reads this table (indexed by person)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    person_id = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person_id"], name="audit_event_person_once")]
        indexes = [models.Index(fields=["person_id", "event"], name="audit_person_event_idx")]


class AuditSeal(AppendOnly):
    """A signed head: the chain had `seq` entries ending in `chain` at `at` (HMAC `mac` under the key
    named `key_id`). Also printed as one line (`seal_audit`, the supervisor's 監査ログの封印 page) to be
    kept outside the database."""

    immutable_what = "監査ログの封印"

    seq = models.PositiveBigIntegerField(unique=True)
    chain = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=12)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
