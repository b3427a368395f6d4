"""入院等関係事務 of a 保健所: the register of 申請・通報・届出 (精神保健福祉法22〜26条の3) with its steps — 事前調査,
措置診察 by two 指定医, the decision, 書面告知, 移送 — and the inpatients under 措置・医療保護入院 whose
documents (入院届, 定期病状報告 …) the 保健所 receives and checks. Every row is the receiving organisation's.
Codes come from data/register.json; deadlines from data/deadlines.json."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import reference


class Report(models.Model):
    """One 申請・通報・届出 received by the 保健所, and what was done about it."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="受理した保健所")
    kind = models.CharField("種別", max_length=10, choices=reference.choices("kinds"))
    received_at = models.DateTimeField("受理日時")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="受理した職員")
    reporter = models.CharField("申請者・通報者", max_length=200, help_text="氏名・所属（例: みどり中央警察署 生活安全課 巡査部長 ○○）")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="本人")
    subject_label = models.CharField("本人（未登録のとき）", max_length=100, blank=True)
    place = models.CharField("本人の現在場所", max_length=300)
    symptoms = models.TextField("症状の概要")
    guardian = models.CharField("保護の任に当たる者", max_length=200, blank=True)
    # 事前調査
    investigated_at = models.DateTimeField("事前調査の日時", null=True, blank=True)
    investigated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name="事前調査の職員")
    findings = models.TextField("事前調査の所見", blank=True)
    exam_needed = models.BooleanField("措置診察の要否", null=True, blank=True)
    grounds = models.JSONField("判断の理由", default=list, blank=True)
    # 措置診察
    exam_at = models.DateTimeField("措置診察の日時", null=True, blank=True)
    exam_place = models.CharField("措置診察の場所", max_length=300, blank=True)
    exam_witness = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="立会い職員")
    # 決定
    decision = models.CharField("決定", max_length=30, blank=True, choices=reference.choices("decisions"))
    alternative = models.CharField("措置に代えた対応", max_length=30, blank=True, choices=reference.choices("alternatives"))
    decided_at = models.DateTimeField("決定の日時", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="決定を記録した職員")
    decision_note = models.TextField("決定の補足", blank=True)
    # 書面告知・移送
    notified_at = models.DateTimeField("書面告知の日時", null=True, blank=True)
    notified_to = models.CharField("告知した相手", max_length=200, blank=True)
    transferred_at = models.DateTimeField("移送の日時", null=True, blank=True)
    transfer_note = models.CharField("移送の方法・同行者", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-received_at"])]
        verbose_name = "申請・通報・届出"

    def __str__(self):
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d}"

    @property
    def subject(self) -> str:
        return self.person.name if self.person_id else (self.subject_label or "（本人不明）")

    @property
    def stage(self) -> str:
        if self.transferred_at:
            return "移送済み"
        if self.notified_at:
            return "書面告知済み"
        if self.decision:
            return "決定済み"
        if self.exam_at:
            return "措置診察済み"
        if self.investigated_at:
            return "事前調査済み"
        return "受理"


class ExamDoctor(models.Model):
    """One 指定医 of a 措置診察 and their result."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="doctors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField("指定医の氏名", max_length=100)
    number = models.CharField("指定医番号", max_length=20)
    result = models.CharField("診察の結果", max_length=20, blank=True, choices=reference.choices("doctor_results"))
    result_note = models.TextField("所見", blank=True)
    result_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"], name="admissions_doctor_position")]


class ReportEvent(models.Model):
    """The report's time line: who did what when (written by the actions with their audit entry)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]


class Admission(models.Model):
    """An inpatient under 措置・緊急措置・医療保護・応急入院 whose documents this 保健所 receives."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, null=True, blank=True, related_name="admissions")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="本人")
    subject_label = models.CharField("本人（未登録のとき）", max_length=100, blank=True)
    kind = models.CharField("入院形態", max_length=30, choices=reference.choices("admission_kinds"))
    hospital = models.CharField("入院先", max_length=200)
    admitted_at = models.DateTimeField("入院日時")
    ended_on = models.DateField("退院・措置解除の日", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-admitted_at", "-id"]
        verbose_name = "入院者"

    @property
    def subject(self) -> str:
        return self.person.name if self.person_id else (self.subject_label or "（本人不明）")


class ReceivedDocument(models.Model):
    """A document of a deadline rule (its nth occurrence) received and checked by the 保健所."""

    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="documents")
    rule = models.CharField(max_length=40)
    nth = models.PositiveSmallIntegerField(default=1)
    received_on = models.DateField("受理日")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="確認した職員")
    checked_at = models.DateTimeField(default=timezone.now)
    note = models.CharField("確認の結果・補足", max_length=500, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [models.UniqueConstraint(fields=["admission", "rule", "nth"], name="admissions_document_once")]
