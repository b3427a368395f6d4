"""Shared models: uploaded files (renkei.core.attachments is the one way to create and serve them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .attachments import private_storage


class Attachment(models.Model):
    """An uploaded file, encrypted at rest; its owner (a consent …) decides who may download it."""

    file = models.FileField(storage=private_storage, max_length=200)
    name = models.CharField("ファイル名", max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField("大きさ（バイト）")
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "添付ファイル"

    def __str__(self):
        return self.name


class JobState(models.Model):
    """One row per registered periodic job (`renkei.core.jobs`): when it is next due and who holds it.

    A runner claims a job with one conditional UPDATE of this row (due, and no live lease), so of several
    runners on several servers exactly one runs it; the lease ends a claim whose runner died."""

    name = models.CharField("処理", max_length=80, primary_key=True)
    next_due = models.DateTimeField("次の実行予定")
    lease_until = models.DateTimeField("実行中（この時刻まで確保）", null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "定期処理の状態"


class JobRun(models.Model):
    """One run of a periodic job: when, whether it succeeded, a short Japanese summary or the error."""

    job = models.CharField("処理", max_length=80, db_index=True)
    started_at = models.DateTimeField("開始", default=timezone.now)
    finished_at = models.DateTimeField("終了", null=True, blank=True)
    ok = models.BooleanField("成功", null=True)  # None while it runs
    summary = models.CharField("結果", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "定期処理の実行"
        indexes = [models.Index(fields=["job", "-started_at"], name="core_jobrun_job_started")]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"
