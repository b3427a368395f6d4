"""退院後支援計画 (with versions, agreements, reviews, refusals and hand-overs), the community transition
pathway, the inpatient visit support programme (入院者訪問支援事業) and outreach visits.

A plan's contents live in its versions: every change makes a new `PlanVersion`; earlier versions stay
readable and are never changed. Codes are stored; their names come from the data files.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import reference

USER = settings.AUTH_USER_MODEL
ORG = "accounts.Organisation"


# --- 退院後支援計画 ----------------------------------------------------------------------------------------
class DischargePlan(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="discharge_plans",
                             verbose_name="ケース")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="discharge_plans",
                               verbose_name="本人")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="discharge_plans",
                                     verbose_name="作成した組織")
    status = models.CharField("状態", max_length=20, default="draft")
    consent = models.ForeignKey("consent.Consent", on_delete=models.PROTECT, related_name="+",
                                verbose_name="計画作成の同意")
    current_number = models.PositiveIntegerField("現在の版", default=0)
    extensions = models.PositiveSmallIntegerField("延長の回数", default=0)
    source_version = models.ForeignKey("PlanVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="continuations", verbose_name="引継ぎ元の計画の版")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "退院後支援計画"

    def __str__(self):
        return f"退院後支援計画#{self.pk}"

    @property
    def status_name(self):
        return reference.names("plan_rules", "statuses").get(self.status, self.status)

    @property
    def current(self):
        return self.versions.filter(number=self.current_number).select_related(
            "hospital", "discharge_officer").first()


class PlanVersion(models.Model):
    """One version of the plan's contents. Append-only."""

    plan = models.ForeignKey(DischargePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版")
    hospital = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+", verbose_name="入院先の病院")
    ward = models.CharField("病棟", max_length=60, blank=True)
    discharge_officer = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name="退院後生活環境相談員（職員）")
    discharge_officer_name = models.CharField("退院後生活環境相談員（氏名）", max_length=100, blank=True)
    expected_discharge_on = models.DateField("退院予定日", null=True, blank=True)
    wishes = models.TextField("本人の希望")
    family_views = models.TextField("家族の意見", blank=True)
    needs = models.TextField("支援の必要性・課題")
    support_items = models.JSONField("支援の内容と担当機関", default=list)
    crisis_plan = models.TextField("症状が悪化したときの対応（クライシスプラン）")
    contacts = models.TextField("連絡先", blank=True)
    period_start = models.DateField("計画期間（開始）")
    period_end = models.DateField("計画期間（終了）")
    review_dates = models.JSONField("見直しの予定日", default=list)
    change_reason = models.TextField("変更の理由", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self):
        return f"{self.plan} 第{self.number}版"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("計画の版は変更できません。新しい版を作成してください。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("計画の版は削除できません。")

    @property
    def review_days(self):
        import datetime as dt

        return [dt.date.fromisoformat(d) for d in self.review_dates]

    @property
    def officer_label(self):
        return str(self.discharge_officer) if self.discharge_officer_id else self.discharge_officer_name


class PlanAgreement(models.Model):
    """The agreement of one version at a meeting (in principle a conference; may be held in the hospital
    or remotely)."""

    version = models.OneToOneField(PlanVersion, on_delete=models.PROTECT, related_name="agreement")
    conference = models.ForeignKey("conferences.Conference", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="合意した会議")
    agreed_on = models.DateField("合意した日")
    meeting_kind = models.CharField("会議の種類", max_length=30)
    meeting_form = models.CharField("開催の形", max_length=20)
    attendees = models.TextField("出席者", blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    @property
    def meeting_kind_name(self):
        return reference.names("plan_rules", "meeting_kinds").get(self.meeting_kind, self.meeting_kind)

    @property
    def meeting_form_name(self):
        return reference.names("plan_rules", "meeting_forms").get(self.meeting_form, self.meeting_form)


class PlanRefusal(models.Model):
    """The person declined a plan: no plan is made, consultation support goes on."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plan_refusals")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    refused_on = models.DateField("意思を確認した日")
    note = models.TextField("本人の意向・理由", blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-refused_on", "-id"]


class PlanReview(models.Model):
    plan = models.ForeignKey(DischargePlan, on_delete=models.PROTECT, related_name="reviews")
    version_number = models.PositiveIntegerField("見直した版")
    scheduled_for = models.DateField("予定日", null=True, blank=True)
    held_on = models.DateField("実施日")
    outcome = models.TextField("見直しの結果")
    extension_consented = models.BooleanField("本人が期間の延長に同意", default=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]


class PlanHandover(models.Model):
    """On relocation the plan is handed to the new area's organisation with the person's consent; that
    consent, while in force, is what lets the new organisation see the plan (see grants.py)."""

    plan = models.ForeignKey(DischargePlan, on_delete=models.PROTECT, related_name="handovers")
    from_organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="received_plans",
                                        verbose_name="引継ぎ先")
    consent = models.ForeignKey("consent.Consent", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("引継ぎのメモ", blank=True)
    handed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-handed_at", "-id"]


class ReviewReminder(models.Model):
    """One e-mail reminder sent for one review date to one member of staff (so it is sent once)."""

    plan = models.ForeignKey(DischargePlan, on_delete=models.PROTECT, related_name="+")
    review_date = models.DateField()
    recipient = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "review_date", "recipient"],
                                               name="one_review_reminder")]


# --- 地域移行・地域定着 ----------------------------------------------------------------------------------
class Pathway(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="transition_pathway")
    template_version = models.CharField(max_length=20)
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    def progress(self) -> dict:
        done = reference.pathway_status_done()
        steps = list(self.steps.all())
        finished = sum(1 for s in steps if done.get(s.status))
        return {"done": finished, "total": len(steps),
                "percent": round(100 * finished / len(steps)) if steps else 0}


class PathwayStep(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="steps")
    code = models.CharField(max_length=40)
    name = models.CharField("内容", max_length=200)
    partner = models.CharField("連携先", max_length=100)
    order = models.PositiveSmallIntegerField()
    owner_organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                           verbose_name="担当機関")
    owner_user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="担当者")
    status = models.CharField("状況", max_length=20, default="todo")
    note = models.TextField("メモ", blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pathway", "order"]
        constraints = [models.UniqueConstraint(fields=["pathway", "code"], name="one_step_per_code")]

    @property
    def status_name(self):
        return reference.names("pathway", "statuses").get(self.status, self.status)


# --- 入院者訪問支援事業 -------------------------------------------------------------------------------------
class Supporter(models.Model):
    """A registered 訪問支援員 of the programme (may be a user of the product, e.g. a ピアサポーター)."""

    operator = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="visit_supporters",
                                 verbose_name="登録した事務局")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="visit_supporter",
                             verbose_name="職員アカウント")
    name = models.CharField("氏名", max_length=100)
    kana = models.CharField("フリガナ", max_length=100, blank=True)
    affiliation = models.CharField("所属・活動", max_length=120, blank=True)
    trained_on = models.DateField("養成研修の修了日", null=True, blank=True)
    registered_on = models.DateField("登録日", default=timezone.localdate)
    secrecy_pledged = models.BooleanField("守秘義務の誓約", default=False)
    is_active = models.BooleanField("登録中", default=True)

    class Meta:
        ordering = ["kana", "id"]
        constraints = [models.UniqueConstraint(fields=["operator", "name"], name="one_supporter_name_per_operator")]

    def __str__(self):
        return self.name

    def is_trained(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.trained_on is not None and self.trained_on <= day


class VisitSupportRequest(models.Model):
    operator = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="visit_support_requests",
                                 verbose_name="事務局")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="本人（登録済み）")
    patient_name = models.CharField("本人の氏名", max_length=100)
    patient_age = models.PositiveSmallIntegerField("年齢", null=True, blank=True)
    hospital = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+", verbose_name="入院先の病院")
    ward = models.CharField("病棟", max_length=60, blank=True)
    admission_type = models.CharField("入院形態", max_length=40)
    source = models.CharField("申込みの経路", max_length=30)
    requester_name = models.CharField("申込者", max_length=100, blank=True)
    received_on = models.DateField("受付日")
    request_note = models.TextField("申込みの内容", blank=True)
    wish_confirmed_on = models.DateField("本人の意向を確認した日", null=True, blank=True)
    wish_method = models.CharField("意向確認の方法", max_length=20, blank=True)
    wish_confirmed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    wish_note = models.TextField("本人の意向", blank=True)
    visit_at = models.DateTimeField("訪問日時", null=True, blank=True)
    hospital_contact = models.CharField("病院の窓口", max_length=120, blank=True)
    schedule_note = models.TextField("日程調整のメモ", blank=True)
    report = models.TextField("訪問の報告", blank=True)
    reported_on = models.DateField("訪問した日", null=True, blank=True)
    report_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField("状態", max_length=20, default="received")
    supporters = models.ManyToManyField(Supporter, through="VisitAssignment", related_name="requests")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "入院者訪問支援の申込み"

    def __str__(self):
        return f"訪問支援#{self.pk}"

    @property
    def status_name(self):
        return reference.names("visit_support", "statuses").get(self.status, self.status)

    @property
    def source_name(self):
        return reference.names("visit_support", "sources").get(self.source, self.source)

    @property
    def admission_type_name(self):
        return reference.names("visit_support", "admission_types").get(self.admission_type, self.admission_type)

    @property
    def wish_method_name(self):
        return reference.names("visit_support", "wish_methods").get(self.wish_method, "")


class VisitAssignment(models.Model):
    request = models.ForeignKey(VisitSupportRequest, on_delete=models.PROTECT, related_name="assignments")
    supporter = models.ForeignKey(Supporter, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "supporter"], name="one_assignment")]


# --- アウトリーチ・家庭訪問 ---------------------------------------------------------------------------------
class OutreachVisit(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="outreach_visits")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("種類", max_length=20)
    status = models.CharField("状態", max_length=20, default="planned")
    planned_at = models.DateTimeField("予定日時")
    place = models.CharField("訪問先", max_length=200, blank=True)
    purpose = models.TextField("目的")
    category = models.CharField("相談の種類（統計）", max_length=40)
    staff = models.ManyToManyField(USER, related_name="outreach_visits", verbose_name="訪問する職員（多職種）")
    companions = models.ManyToManyField(USER, blank=True, related_name="accompanied_visits",
                                        verbose_name="同行する他機関の職員")
    visited_at = models.DateTimeField("実施日時", null=True, blank=True)
    record = models.TextField("記録", blank=True)
    entry = models.OneToOneField("cases.RecordEntry", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="outreach_visit")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-planned_at", "-id"]
        verbose_name = "アウトリーチ・訪問"

    def __str__(self):
        return f"訪問#{self.pk}"

    @property
    def kind_name(self):
        return reference.names("outreach", "kinds").get(self.kind, self.kind)

    @property
    def status_name(self):
        return reference.names("outreach", "statuses").get(self.status, self.status)
