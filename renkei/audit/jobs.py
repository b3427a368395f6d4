"""The audit log's periodic job: seal it (`renkei.audit.seal.make_seal`, the line also appended to the seal
log file `AUDIT_SEAL_LOG` when configured), run by `manage.py run_jobs`, registered in AuditConfig.ready."""

import datetime as dt

from django.db.models import Q

from renkei.core import jobs

from . import seal as sealing
from .actions import log_event
from .models import AuditEvent, AuditSeal

SEALED = "audit.sealed"


def seal(actor_label: str = "seal_audit"):
    """Seal the log now and record it (one `audit.sealed` entry); the seal. RuntimeError when the log does not
    continue its newest seal (`verify_audit` tells why)."""
    made = sealing.make_seal()
    log_event(SEALED, actor_label=actor_label, data={"seq": made.seq, "chain": made.chain})
    return made


def seal_job() -> str:
    """Seal when anything but the record of the last seal was written since it (so a quiet night adds nothing)."""
    latest = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first()
    if latest is not None:
        newer = AuditEvent.objects.filter(Q(seq__isnull=True) | Q(seq__gt=latest)).exclude(action=SEALED)
        if not newer.exists():
            return "前回の封印のあとに新しい記録がないため、封印しませんでした。"
    made = seal(actor_label="run_jobs")
    return f"監査ログを封印しました（{made.seq:,}件目まで）。"


def register() -> None:
    jobs.register("audit.seal", "監査ログの封印", seal_job, every=dt.timedelta(hours=1))
