"""地域づくり: building the network itself (issue #16). No person data: groups, their fostering, 普及啓発 and
education activities, 協議の場 and network meetings with their action items. Each record belongs to the office
that recorded it (`organisation`) and is shared with the co-organising offices (`co_organisers`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class OwnedRecord(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="記録した機関")
    co_organisers = models.ManyToManyField("accounts.Organisation", blank=True, related_name="+",
                                           verbose_name="共催・協働の機関")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Group(OwnedRecord):
    """A 当事者団体, 家族会, 断酒会 or other self-help group the offices foster. No member's personal data."""

    kind = models.CharField("種別", max_length=30)
    name = models.CharField("団体名", max_length=200)
    directory_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+",
                                               verbose_name="機関ディレクトリの登録")
    area = models.CharField("活動地域", max_length=200, blank=True)
    member_count = models.PositiveIntegerField("会員数", null=True, blank=True)
    contact = models.CharField("連絡窓口（職員のみ閲覧）", max_length=200, blank=True)
    note = models.TextField("備考", blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class GroupSupport(OwnedRecord):
    """One thing the offices did to foster a group: a meeting, training, venue, subsidy, joint event, consultation."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="supports")
    date = models.DateField("実施日")
    kind = models.CharField("支援の種類", max_length=30)
    summary = models.TextField("内容")
    member_count = models.PositiveIntegerField("参加した会員数", null=True, blank=True)
    participant_count = models.PositiveIntegerField("参加者数（会員以外を含む）", null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]


class Outreach(OwnedRecord):
    """A 普及啓発 or education activity: a school class, a lecture for residents, a campaign, an event."""

    kind = models.CharField("種類", max_length=30)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状態", max_length=20, default="planned")
    date = models.DateField("実施日（予定日）")
    place = models.CharField("会場", max_length=200, blank=True)
    school = models.CharField("学校名", max_length=200, blank=True)
    grade = models.CharField("学年", max_length=60, blank=True)
    themes = models.JSONField("テーマ", default=list)
    audiences = models.JSONField("対象", default=list)
    partners = models.CharField("協力機関・講師", max_length=300, blank=True)
    sessions = models.PositiveIntegerField("回数", default=1)
    participants = models.PositiveIntegerField("参加者数", null=True, blank=True)
    note = models.TextField("備考", blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


class Meeting(OwnedRecord):
    """A 協議の場 or network meeting: who attended by organisation and department, agenda, decisions."""

    kind = models.CharField("種類", max_length=30)
    title = models.CharField("会議名", max_length=200)
    date = models.DateField("開催日")
    place = models.CharField("会場", max_length=200, blank=True)
    agenda = models.TextField("議題", blank=True)
    decisions = models.TextField("決定事項", blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


class MeetingAttendance(models.Model):
    """Who took part, by organisation and department (a number of staff, never a person)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="機関")
    organisation_label = models.CharField("機関名（登録外）", max_length=200, blank=True)
    department = models.CharField("部署", max_length=120, blank=True)
    headcount = models.PositiveIntegerField("人数", default=1)

    class Meta:
        ordering = ["id"]

    @property
    def organisation_name(self):
        return self.organisation.name if self.organisation_id else self.organisation_label


class ActionItem(models.Model):
    """A next step of a meeting or of a group's support, with its owner (a membership) and due date."""

    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    support = models.ForeignKey(GroupSupport, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    description = models.CharField("内容", max_length=300)
    owner = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+",
                              verbose_name="担当")
    due_date = models.DateField("期限")
    status = models.CharField("状態", max_length=20, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(meeting__isnull=False, support__isnull=True)
            | models.Q(meeting__isnull=True, support__isnull=False), name="network_item_one_parent")]

    @property
    def parent(self):
        return self.meeting or self.support
