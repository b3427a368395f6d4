"""Persons (本人), consultations (相談), cases (ケース) and their chronological record (経過記録).

Editable records carry `version`; they are saved only through `versioning.save_versioned`, one
conditional UPDATE … WHERE version = n, so nobody overwrites a change they have not seen.
Record entries are never edited in place: every text they ever had is kept in `RecordRevision`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renkei.core.fields import EncryptedCharField, EncryptedTextField
from renkei.core.text import fold_kana, normalise

from . import reference


class Person(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="registered_persons", verbose_name="登録した組織")
    name = models.CharField("氏名", max_length=100)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    kana = models.CharField("フリガナ", max_length=100, blank=True)
    kana_folded = models.CharField(max_length=100, editable=False, db_index=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=10, choices=reference.choices("sexes"), default="unknown")
    municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="residents",
        verbose_name="居住市町村", limit_choices_to={"type__code": "municipality"},
    )
    address = EncryptedTextField("住所", blank=True, null=True, default="")
    phone = EncryptedCharField("電話番号", max_length=40, blank=True, null=True, default="")
    contact_notes = EncryptedTextField("安全な連絡方法", blank=True, null=True, default="",
                                       help_text="例: 平日昼のみ携帯へ。家族に知られないよう配慮。")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kana_folded", "id"]
        verbose_name = "本人"
        indexes = [models.Index(fields=["kana_folded", "birth_date"])]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name_search = normalise(self.name).replace(" ", "")
        self.kana_folded = fold_kana(self.kana)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def sex_name(self):
        return reference.names("sexes").get(self.sex, "")

    def age_on(self, day=None):
        if self.birth_date is None:
            return None
        day = day or timezone.localdate()
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self):
        return self.age_on()


class Case(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cases",
                                     verbose_name="担当組織")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name="本人")
    number = models.CharField("ケース番号", max_length=80, unique=True)
    number_year = models.PositiveSmallIntegerField()
    number_seq = models.PositiveIntegerField()
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cases",
                             verbose_name="主担当")
    co_workers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="co_cases",
                                        verbose_name="副担当・協働者", through="CaseCoWorker")
    status = models.CharField("状態", max_length=20, choices=reference.choices("statuses"), default="intake")
    closure_reason = models.CharField("終結理由", max_length=20, blank=True,
                                      choices=reference.choices("closure_reasons"))
    needs = models.JSONField("ニーズ評価", default=dict, blank=True)
    complexity = models.CharField("複雑さ", max_length=20, choices=reference.choices("complexities"),
                                  default="normal")
    phase = models.CharField("時期", max_length=20, blank=True, choices=reference.choices("phases"))
    summary = models.TextField("主訴・概要", blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "ケース"
        constraints = [models.UniqueConstraint(fields=["organisation", "number_year", "number_seq"],
                                               name="case_number_per_org_and_year")]

    def __str__(self):
        return self.number

    @property
    def status_name(self):
        return reference.names("statuses").get(self.status, self.status)

    @property
    def complexity_name(self):
        return reference.names("complexities").get(self.complexity, self.complexity)

    @property
    def closure_reason_name(self):
        return reference.names("closure_reasons").get(self.closure_reason, "")

    @property
    def is_open(self):
        return reference.status(self.status)["open"]



class CaseCoWorker(models.Model):
    """A co-worker's place on a case, given to one membership (the organisation and role the co-worker
    acts in): the case opens to that membership only (`cases.access._co_worked_cases`). `membership` is
    empty only on places migrated from before it was stored whose user had no working membership the rule
    allows (`team_case_organisations`); such a place opens nothing until the case is saved with the
    co-worker chosen again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_worker_places")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="co_worker_places")

    class Meta:
        db_table = "cases_case_co_workers"
        unique_together = [("case", "user")]  # as the table Django made for the plain many-to-many
        verbose_name = "ケースの協働者"

    def __str__(self):
        return f"{self.case} {self.user}"

class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    closure_reason = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    @property
    def from_name(self):
        return reference.names("statuses").get(self.from_status, "")

    @property
    def to_name(self):
        return reference.names("statuses").get(self.to_status, "")


class Consultation(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="consultations", verbose_name="受けた組織")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="consultations", verbose_name="本人")
    subject_label = models.CharField("対象者（未登録）", max_length=100, blank=True,
                                     help_text="本人を登録していないときの呼び名（例: 「○○さんの長男」）")
    is_anonymous = models.BooleanField("匿名相談", default=False)
    occurred_at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    channel = models.CharField("方法", max_length=20, choices=reference.choices("channels"), default="phone")
    consulter = models.CharField("相談者", max_length=20, choices=reference.choices("consulters"), default="self")
    category = models.CharField("相談の種類", max_length=40)
    factors = models.JSONField("要因（再掲）", default=list, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="対応職員")
    duration_minutes = models.PositiveIntegerField("所要時間（分）", null=True, blank=True)
    content = models.TextField("内容")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "相談"
        indexes = [models.Index(fields=["organisation", "occurred_at"]),
                   # a person's consultations newest first (case page timeline) without a table scan
                   models.Index(fields=["person", "occurred_at"], name="cases_consult_person_time")]

    def __str__(self):
        return f"相談 {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    @property
    def subject(self):
        if self.person_id:
            return self.person.name
        return "匿名" if self.is_anonymous else (self.subject_label or "未登録")

    @property
    def channel_name(self):
        return reference.names("channels").get(self.channel, self.channel)

    @property
    def consulter_name(self):
        return reference.names("consulters").get(self.consulter, self.consulter)

    @property
    def category_name(self):
        return reference.all_category_names().get(self.category, self.category)

    @property
    def factor_names(self):
        names = reference.all_factor_names()
        return [names.get(code, code) for code in self.factors]


class RecordEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("種別", max_length=20, choices=reference.choices("entry_kinds"), default="consultation")
    occurred_at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="記録者")
    body = models.TextField("内容")
    follow_up_on = models.DateField("次回確認日", null=True, blank=True,
                                    help_text="この日までに本人・家族・関係機関と連絡をとる予定の日")
    revision_count = models.PositiveIntegerField(default=1)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.TextField(blank=True)
    error_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    error_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "経過記録"
        indexes = [models.Index(fields=["case", "occurred_at"], name="cases_entry_case_time")]

    def __str__(self):
        return f"経過記録 {self.case.number} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    @property
    def kind_name(self):
        return reference.names("entry_kinds").get(self.kind, self.kind)

    @property
    def is_amended(self):
        return self.revision_count > 1


class RecordRevision(models.Model):
    """Every text an entry ever had, numbered from 1 (the original). Append-only."""

    entry = models.ForeignKey(RecordEntry, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    occurred_at = models.DateTimeField()
    body = models.TextField()
    reason = models.TextField("修正理由", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="one_revision_number")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("記録の履歴は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("記録の履歴は削除できません。")

    @property
    def kind_name(self):
        return reference.names("entry_kinds").get(self.kind, self.kind)


class SearchDocument(models.Model):
    """The normalised (NFKC) text of one consultation or record entry, for full-text search.

    SQLite indexes it in the FTS5 trigram table `cases_search_fts` (external content, triggers);
    PostgreSQL in a pg_trgm GIN index. Written by the actions in the same transaction.
    """

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="search_document")
    entry = models.OneToOneField(RecordEntry, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="search_document")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField(db_index=True)
    text = models.TextField()

    class Meta:
        ordering = ["-occurred_at", "-id"]


class GrantEpoch(models.Model):
    """One row whose `token` database triggers change whenever a table the sharing grants read changes
    (see grant_cache.py): the evaluated grants are reused only while it stays the same."""

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "共有範囲の世代"
