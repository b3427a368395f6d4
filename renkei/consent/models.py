"""Consent register, legal-basis disclosures, break-glass accesses.

A person's data crosses an organisation boundary only through one of these (see access.py). Recipients
of a consent are an organisation, an organisation type, or a support team (conferences.SupportTeam: its
active staff members, each acting in the organisation of their team membership) — data/sharing.json
`recipient_kinds`.
`scope_index` ("|基本情報|相談・経過記録|") makes the scopes filterable on SQLite and PostgreSQL alike.
A consent is not edited once recorded (a renewal is a new consent); its one change, the withdrawal, names
the `version` it was based on (renkei.cases.versioning), so two workers recording it at once never both
succeed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import reference


def _index(scopes) -> str:
    return "|" + "|".join(scopes) + "|" if scopes else ""


class ScopedRecord(models.Model):
    scopes = models.JSONField("共有する情報の範囲", default=list)
    scope_index = models.CharField(max_length=200, editable=False, db_index=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.scope_index = _index(self.scopes)
        super().save(*args, **kwargs)


class Consent(ScopedRecord):
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="consents",
                               verbose_name="本人")
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="consents_obtained",
                              verbose_name="同意を得た組織")
    recipient_kind = models.CharField("相手方の種類", max_length=30, default="organisation")
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="consents_received",
        verbose_name="提供先の機関")
    recipient_type = models.ForeignKey("accounts.OrganisationType", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="提供先の機関の種別")
    recipient_team = models.ForeignKey("conferences.SupportTeam", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="consents", verbose_name="提供先の支援チーム")
    purpose = models.TextField("利用目的")
    valid_from = models.DateField("有効期間（開始）")
    valid_until = models.DateField("有効期間（終了）", db_index=True)
    method = models.CharField("同意の方法", max_length=20)
    obtained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="同意を得た職員")
    obtained_at = models.DateTimeField("同意を得た日時")
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="同意書の写し")  # encrypted: renkei.core.attachments
    note = models.TextField("メモ", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回日時", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="撤回を記録した職員")
    withdrawal_method = models.CharField("撤回の方法", max_length=20, blank=True)
    withdrawal_note = models.TextField("撤回のメモ", blank=True)
    version = models.PositiveIntegerField(default=1)  # saved only through renkei.cases.versioning

    class Meta:
        ordering = ["-valid_until", "-id"]
        verbose_name = "同意"
        constraints = [models.CheckConstraint(
            name="consent_one_recipient",
            condition=(models.Q(recipient_kind="organisation", recipient_organisation__isnull=False,
                                recipient_type__isnull=True, recipient_team__isnull=True)
                       | models.Q(recipient_kind="organisation_type", recipient_organisation__isnull=True,
                                  recipient_type__isnull=False, recipient_team__isnull=True)
                       | models.Q(recipient_kind="support_team", recipient_organisation__isnull=True,
                                  recipient_type__isnull=True, recipient_team__isnull=False)))]

    def __str__(self):
        return f"同意#{self.pk} {self.recipient_name}"

    @property
    def recipient_name(self):
        if self.recipient_kind == "organisation_type":
            return f"{self.recipient_type.name}（種別）"
        if self.recipient_kind == "support_team":
            return f"支援チーム（ケース {self.recipient_team.case.number} の構成員）"
        return self.recipient_organisation.name

    @property
    def method_name(self):
        return dict(reference.method_choices()).get(self.method, self.method)

    @property
    def withdrawal_method_name(self):
        return dict(reference.withdrawal_method_choices()).get(self.withdrawal_method, "")

    def is_active_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.withdrawn_at is None and self.valid_from <= day <= self.valid_until

    @property
    def is_active(self):
        return self.is_active_on()

    @property
    def status_name(self):
        if self.withdrawn_at:
            return "撤回済み"
        today = timezone.localdate()
        if self.valid_until < today:
            return "期限切れ"
        if self.valid_from > today:
            return "開始前"
        if (self.valid_until - today).days <= reference.expiry_warning_days():
            return "期限が近い"
        return "有効"

    @property
    def days_left(self):
        return (self.valid_until - timezone.localdate()).days

    @property
    def legal_basis_label(self):
        return f"consent:{self.pk}"


class Disclosure(ScopedRecord):
    """A recorded provision of a person's data on a legal basis other than consent."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="disclosures",
                               verbose_name="本人")
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="disclosures_made",
                              verbose_name="提供した組織")
    recipient = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                  related_name="disclosures_received", verbose_name="提供先の機関")
    legal_basis = models.CharField("法的根拠", max_length=40)
    justification = models.TextField("提供の理由", blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="提供した職員")
    at = models.DateTimeField("提供日時", default=timezone.now)
    valid_until = models.DateField("閲覧できる期限", db_index=True)
    ended_at = models.DateTimeField("提供を終了した日時", null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="提供を終了した職員")
    end_reason = models.TextField("終了の理由", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "法的根拠による提供"

    def __str__(self):
        return f"提供#{self.pk} {self.recipient.name}（{self.legal_basis_name}）"

    @property
    def legal_basis_name(self):
        return reference.basis_names().get(self.legal_basis, self.legal_basis)

    def is_active_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.ended_at is None and timezone.localdate(self.at) <= day <= self.valid_until

    @property
    def is_active(self):
        return self.is_active_on()

    @property
    def status_name(self):
        if self.ended_at:
            return "終了（期限前）"
        return "提供中" if self.is_active else "期限切れ"

    @property
    def legal_basis_label(self):
        return f"{self.legal_basis}:disclosure:{self.pk}"


class BreakGlassAccess(models.Model):
    """An emergency opening of a record outside one's access: time-limited, reasoned, notified."""

    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+", verbose_name="本人")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由")
    legal_basis = models.CharField("法的根拠", max_length=40)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    # ended early by the holder of the person's record (the register): `expires_at` is then the end
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    end_reason = models.TextField("終了の理由", blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "緊急アクセス"

    def __str__(self):
        return f"緊急アクセス#{self.pk}"

    @property
    def legal_basis_name(self):
        return reference.basis_names().get(self.legal_basis, self.legal_basis)

    @property
    def is_active(self):
        return self.started_at <= timezone.now() < self.expires_at

    @property
    def legal_basis_label(self):
        return f"breakglass:{self.legal_basis}:{self.pk}"
