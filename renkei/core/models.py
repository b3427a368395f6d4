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
