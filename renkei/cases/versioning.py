"""No lost updates: a save names the version it was based on and succeeds only if that is still
the stored version — one conditional UPDATE … SET version = version + 1 WHERE id = … AND version = n.
Otherwise `StaleVersion` carries the stored (theirs) record and nothing is written."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone


class StaleVersion(Exception):
    message = "ほかの職員が先に更新しました。保存されていません。両方の内容を確認してください。"

    def __init__(self, current):
        super().__init__(self.message)
        self.current = current


def parse_version(value) -> int:
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise ValidationError("版番号（version）が正しくありません。") from None
    if version < 1:
        raise ValidationError("版番号（version）が正しくありません。")
    return version


def save_versioned(obj, expected_version, values: dict, touch: str | None = "updated_at"):
    """Write `values` to `obj` only if its stored version is `expected_version`.

    Returns the refreshed object (version incremented). Raises StaleVersion with the stored record.
    """
    expected = parse_version(expected_version)
    model = type(obj)
    updates = dict(values)
    if touch:
        updates[touch] = timezone.now()
    # Field.get_db_prep_save runs for every value (the encrypted fields encrypt here).
    count = model.objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1, **updates)
    fresh = model.objects.get(pk=obj.pk)
    if count != 1:
        raise StaleVersion(fresh)
    return fresh
