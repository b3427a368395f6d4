"""Referrals (連携依頼) between organisations, their transitions, and in-product notifications.

A referral is at once the FHIR ServiceRequest (what is asked, for whom, by whom) and the Task that
tracks it (status, owner, reason, outcome): the closed loop of the SDOH Clinical Care IG.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import reference

LIVE = ["draft", "requested", "received", "accepted", "in-progress", "on-hold"]  # = data file "live"


class Referral(models.Model):
    kind = models.CharField("種類", max_length=20, choices=reference.choices("kinds"), default="referral")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals", verbose_name="ケース")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="referrals",
                               verbose_name="本人")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                          related_name="referrals_sent", verbose_name="依頼元")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent",
                                  verbose_name="依頼者")
    to_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                        related_name="referrals_received", verbose_name="依頼先")
    service = models.ForeignKey("directory.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="referrals", verbose_name="サービス")
    need = models.ForeignKey("directory.TaxonomyTerm", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="ニーズ（サービス種別）")
    purpose = models.TextField("本人にとっての目的")
    urgency = models.CharField("緊急度", max_length=20, choices=reference.choices("urgencies"), default="routine")
    asks = models.JSONField("依頼内容", default=list)
    scopes = models.JSONField("共有する情報の範囲", default=list)
    basis = models.CharField("共有の根拠", max_length=20, choices=[("consent", "本人同意"), ("legal", "法令等の根拠")])
    consent_ids = models.JSONField("根拠とした同意", default=list, blank=True)
    legal_basis = models.CharField("法的根拠", max_length=60, blank=True)
    justification = models.TextField("根拠の説明", blank=True)
    disclosure_ref = models.CharField("提供記録", max_length=60, blank=True)
    status = models.CharField("状態", max_length=20, choices=reference.choices("statuses"), default="draft",
                              db_index=True)
    status_reason = models.CharField("理由", max_length=30, blank=True, choices=reference.choices("reasons"))
    status_reason_text = models.TextField("理由（詳細）", blank=True)
    outcome = models.TextField("結果", blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="referrals_owned", verbose_name="依頼先の担当者")
    escalation_rule = models.CharField(max_length=80, blank=True)
    citation = models.CharField("根拠（指針）", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    requested_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "連携依頼"
        constraints = [
            models.UniqueConstraint(fields=["person", "to_organisation"], condition=Q(status__in=LIVE),
                                    name="one_live_referral_per_person_and_receiver"),
        ]
        indexes = [models.Index(fields=["to_organisation", "status"]),
                   models.Index(fields=["from_organisation", "status"])]

    def __str__(self):
        return f"連携依頼 #{self.pk}"

    @property
    def status_name(self):
        return reference.status_names().get(self.status, self.status)

    @property
    def reason_name(self):
        return reference.reason_names().get(self.status_reason, "")

    @property
    def urgency_name(self):
        return reference.urgency_names().get(self.urgency, self.urgency)

    @property
    def kind_name(self):
        return reference.kind_names().get(self.kind, self.kind)

    @property
    def ask_names(self):
        names = reference.ask_names()
        return [names.get(a, a) for a in self.asks]

    @property
    def is_live(self):
        return self.status in reference.live_statuses()

    @property
    def is_unsuccessful(self):
        return self.status in ("rejected", "failed")

    @property
    def basis_name(self):
        from . import sharing

        return sharing.basis_name(self)

    @property
    def is_basis_held(self):
        """On hold because the basis of the sharing ended (withdrawal, expiry): see lapse.py."""
        return self.status == reference.basis_hold()["to"] and self.status_reason in reference.basis_ended_reasons()


class ReferralEvent(models.Model):
    """One transition of a referral. Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=30, blank=True)
    reason_text = models.TextField(blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                           blank=True, help_text="空欄は Renkei が自動で行った変更（同意の期限切れなど）")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("連携依頼の履歴は変更できません。")
        super().save(*args, **kwargs)

    @property
    def from_name(self):
        return reference.status_names().get(self.from_status, "")

    @property
    def to_name(self):
        return reference.status_names().get(self.to_status, self.to_status)

    @property
    def reason_name(self):
        return reference.reason_names().get(self.reason, "")

    @property
    def by_name(self):
        return str(self.by) if self.by_id else "Renkei（自動）"
