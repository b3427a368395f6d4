from django.db import transaction
from django.http import Http404
from django.utils import timezone


@transaction.atomic
def do_mark_read(*, membership, notification) -> bool:
    """Mark one's own notice read; True when it was unread."""
    if membership is None or notification.recipient_id != membership.user.pk:
        raise Http404
    if notification.read_at is not None:
        return False
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    return True
