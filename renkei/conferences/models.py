"""Support teams (支援チーム) with a shared purpose, case conferences (会議) and their action items (宿題).

A team belongs to one case. Its members come from any organisation: staff users (acting in one of their
memberships) or people recorded by name and organisation (e.g. a 民生委員). The purpose has a version;
a member's acknowledgement counts only for the version they acknowledged, so a change asks again.
Every membership change is kept in `TeamEvent` (and in the audit log and the case timeline).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import reference


class SupportTeam(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="support_team",
                                verbose_name="ケース")
    purpose = models.TextField("目的（チームで共有する目的）", blank=True)
    goals = models.TextField("目標", blank=True)
    purpose_version = models.PositiveIntegerField(default=0)
    purpose_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    purpose_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "支援チーム"

    def __str__(self):
        return f"支援チーム {self.case.number}"


class TeamMember(models.Model):
    team = models.ForeignKey(SupportTeam, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="team_memberships", verbose_name="職員")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="所属機関")
    name = models.CharField("氏名（職員でない人）", max_length=100, blank=True)
    organisation_label = models.CharField("所属（職員でない人）", max_length=200, blank=True)
    role = models.CharField("チームでの役割", max_length=30, choices=reference.team_role_choices())
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_version = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = "チームの構成員"
        constraints = [models.CheckConstraint(
            name="team_member_user_or_name",
            condition=models.Q(user__isnull=False) | ~models.Q(name=""))]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return str(self.user) if self.user_id else self.name

    @property
    def organisation_name(self):
        return self.organisation.name if self.organisation_id else self.organisation_label

    @property
    def role_name(self):
        return reference.team_role_names().get(self.role, self.role)

    @property
    def is_active(self):
        return self.removed_at is None

    @property
    def has_acknowledged(self):
        return self.team.purpose_version > 0 and self.acknowledged_version == self.team.purpose_version


class TeamEvent(models.Model):
    """The team's own history: members added, roles changed, members removed, purpose written."""

    KINDS = [("added", "追加"), ("role_changed", "役割の変更"), ("removed", "除外"), ("purpose", "目的の変更"),
             ("acknowledged", "目的の確認")]
    team = models.ForeignKey(SupportTeam, on_delete=models.PROTECT, related_name="events")
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=20, choices=KINDS)
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class Conference(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conferences",
                             verbose_name="ケース")
    kind = models.CharField("会議の種類", max_length=30, choices=reference.kind_choices())
    title = models.CharField("会議名", max_length=200, blank=True)
    starts_at = models.DateTimeField("日時")
    ends_at = models.DateTimeField("終了", null=True, blank=True)
    place = models.CharField("場所", max_length=200, blank=True)
    is_remote = models.BooleanField("オンライン（遠隔）", default=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="招集機関")
    convener = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="convened",
                                 verbose_name="招集者")
    agenda = models.TextField("議題", blank=True)
    minutes = models.TextField("議事録", blank=True)
    decisions = models.TextField("決定事項", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "会議"

    def __str__(self):
        return self.title or f"{self.kind_name} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def kind_info(self) -> dict:
        return reference.kind(self.kind) or {}

    @property
    def kind_name(self):
        return self.kind_info.get("name", self.kind)

    @property
    def shares_without_consent(self) -> bool:
        return bool(self.kind_info.get("sharing_without_consent"))

    @property
    def rules(self) -> list[str]:
        return reference.rules_for(self.kind)


class Attendee(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="attendees")
    team_member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="conference_attendances")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    name = models.CharField("氏名（職員でない人）", max_length=100, blank=True)
    organisation_label = models.CharField("所属（職員でない人）", max_length=200, blank=True)
    role_label = models.CharField("立場", max_length=100, blank=True)
    agreed_at = models.DateTimeField("情報の取扱いへの同意", null=True, blank=True)
    agreed_rules = models.JSONField(default=list, blank=True)
    agreement_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")
    disclosure_id = models.PositiveIntegerField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = "出席者"
        constraints = [models.CheckConstraint(name="attendee_user_or_name",
                                              condition=models.Q(user__isnull=False) | ~models.Q(name=""))]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return str(self.user) if self.user_id else self.name

    @property
    def organisation_name(self):
        return self.organisation.name if self.organisation_id else self.organisation_label

    @property
    def has_agreed(self):
        return self.agreed_at is not None


class ActionItem(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="action_items")
    description = models.TextField("内容")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items",
                              verbose_name="担当者")
    due_date = models.DateField("期限")
    status = models.CharField("状態", max_length=10, choices=reference.status_choices(), default="todo")
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "会議の宿題"
        indexes = [models.Index(fields=["owner", "status", "due_date"])]

    def __str__(self):
        return self.description[:40]

    @property
    def status_name(self):
        return reference.status_names().get(self.status, self.status)

    @property
    def is_open(self):
        return self.status in reference.open_statuses()

    @property
    def is_overdue(self):
        return self.is_open and self.due_date < timezone.localdate()
