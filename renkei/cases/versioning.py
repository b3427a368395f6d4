"""No lost updates: a save names the version it was based on and succeeds only if that is still
the stored version — one conditional UPDATE … SET version = version + 1 WHERE id = … AND version = n.
Otherwise `StaleVersion` carries the stored (theirs) record and nothing is written.

The one conflict mechanism of every versioned form (persons, cases, record entries, 退院後支援計画,
conference records, a support team's purpose …):

- a refused save shows the stored version and the worker's input side by side, differences marked
  (`conflict(form, theirs, version)` rendered by `templates/includes/conflict.html`, placed inside the form);
- the refused form keeps the version it was opened on, so pressing 保存 again is refused again;
- the worker takes the stored version explicitly with the conflict panel's button (`TAKE_FIELD`): the
  form is shown again, still with everything typed, now based on the version seen (`rebase`), and
  only then a save is accepted;
- when the stored version ends the record (a consent's withdrawal, recorded first by a colleague),
  nothing is left to save: the panel (`final`) shows both, so what was typed is not lost, without the
  take button.
"""

import datetime as dt
import difflib
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

TAKE_FIELD = "take_version"


class StaleVersion(ValidationError):
    """Someone saved first. A ValidationError, so a handler that does not know conflicts still refuses
    with the Japanese message (and never answers 500); conflict-aware views catch it first."""

    message = "ほかの職員が先に更新しました。保存されていません。両方の内容を確認してください。"

    def __init__(self, current, message=None):
        super().__init__(message or self.message, code="stale_version")
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


# --- the conflict shown in a form -------------------------------------------------------------------------
def taken_version(post) -> int | None:
    """The version the worker explicitly took with the conflict panel's button, if that was pressed."""
    value = post.get(TAKE_FIELD) if post is not None else None
    if value in (None, ""):
        return None
    try:
        version = int(value)
    except (TypeError, ValueError):
        return None
    return version if version >= 0 else None


def rebase(post, version, field_name: str = "version"):
    """The posted input (everything typed) based on `version`, without the take button."""
    data = post.copy()
    data[field_name] = str(version)
    data.pop(TAKE_FIELD, None)
    return data


@dataclass
class ConflictRow:
    label: str
    theirs: str
    yours: str
    differs: bool


@dataclass
class Conflict:
    version: int
    label: str
    taken: bool = False
    final: bool = False
    rows: list = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.differs)


def _choice_labels(form_field) -> dict:
    labels = {}
    for value, label in getattr(form_field, "choices", []):
        if isinstance(label, (list, tuple)):  # option groups
            labels.update({str(v): str(lab) for v, lab in label})
        else:
            labels[str(getattr(value, "value", value))] = str(label)
    return labels


def _display(form_field, value) -> str:
    """One value as the worker reads it: choice labels, 和暦 dates, はい/いいえ; "—" when empty."""
    from renkei.core.dates import wareki

    if value is None or value == "" or value == [] or value == ():
        return "" if isinstance(form_field, forms.BooleanField) else "—"
    if isinstance(form_field, forms.BooleanField):
        return "はい" if value and value not in ("False", "false", "0", "off") else "いいえ"
    if hasattr(form_field, "choices"):
        labels = _choice_labels(form_field)
        values = value if isinstance(value, (list, tuple, set)) or hasattr(value, "all") else [value]
        if hasattr(values, "all"):
            values = list(values.all())
        names = [labels.get(str(getattr(v, "pk", v)), str(v)) for v in values]
        return "、".join(names) if names else "—"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{wareki(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return wareki(value)
    return str(value)


def _yours(form, name):
    cleaned = getattr(form, "cleaned_data", None) or {}
    if name in cleaned:
        return cleaned[name]
    return form[name].value()


SHORT = 80  # changed lines shorter than this (together) are marked whole: a phone number stays readable


def _marked(a: str, b: str) -> tuple[str, str]:
    """Both texts as HTML with the differing parts in <mark>: changed lines, and within long changed
    lines the changed characters."""
    if a == b:
        return escape(a), escape(b)
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        left, right = "".join(la[i1:i2]), "".join(lb[j1:j2])
        if op == "equal":
            out_a.append(escape(left))
            out_b.append(escape(right))
        elif op == "replace" and SHORT < len(left) + len(right) <= 4000:  # long lines: the changed characters
            for cop, a1, a2, b1, b2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
                x, y = left[a1:a2], right[b1:b2]
                if cop == "equal":
                    out_a.append(escape(x))
                    out_b.append(escape(y))
                else:
                    out_a.append(f'<mark class="diff-theirs">{escape(x)}</mark>' if x else "")
                    out_b.append(f'<mark class="diff-yours">{escape(y)}</mark>' if y else "")
        else:
            out_a.append(f'<mark class="diff-theirs">{escape(left)}</mark>' if left else "")
            out_b.append(f'<mark class="diff-yours">{escape(right)}</mark>' if right else "")
    return "".join(out_a), "".join(out_b)


def conflict(form, theirs: dict, version: int, *, label: str | None = None, taken: bool = False,
             final: bool = False, fields=None) -> Conflict:
    """The stored version (`theirs`: field name → stored value, as the form's initial data) against
    the worker's input in the bound `form`, one row per visible field, differences marked. `final`: the
    stored version leaves nothing to save (no take button)."""
    result = Conflict(version=version, label=label or f"第{version}版", taken=taken, final=final)
    for name in fields or [n for n in form.fields if n in theirs]:
        form_field = form.fields[name]
        if isinstance(form_field.widget, forms.HiddenInput):
            continue
        a = _display(form_field, theirs.get(name))
        b = _display(form_field, _yours(form, name))
        norm_a, norm_b = a.replace("\r\n", "\n").strip(), b.replace("\r\n", "\n").strip()
        marked_a, marked_b = _marked(norm_a, norm_b)
        result.rows.append(ConflictRow(label=str(form_field.label or name), theirs=mark_safe(marked_a),
                                       yours=mark_safe(marked_b), differs=norm_a != norm_b))
    return result
