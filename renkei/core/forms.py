"""The base of every form: the shared text rules (renkei/core/validators.py) on every text field.

- NUL and other control characters (tab and newlines allowed) are refused with the correct Japanese
  message — Django's own ProhibitNullCharactersValidator (whose Japanese message is a mistranslation)
  is replaced;
- every length limit says it in Japanese (`length_message`); a multi-line text without its own limit
  gets `settings.TEXT_LIMITS["long_text"]`; a widget attribute `data-limit="record_body"` names another
  limit of `settings.TEXT_LIMITS` (read when the form is built, so settings can change it);
- multi-line fields carry `data-maxlength` (not `maxlength`, which would silently cut pasted text) so
  renkei.js shows a counter, and `data-draft` so renkei.js keeps what is typed as a browser-side draft.

A bound form that is refused renders what was typed (Django keeps the data); views re-render it.
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from .validators import length_message, no_control_characters


def text_limit(name: str) -> int:
    return settings.TEXT_LIMITS[name]


class _JapaneseMaxLength(MaxLengthValidator):
    def __init__(self, limit_value):
        super().__init__(limit_value, message=length_message(limit_value) + "（現在 %(show_value)s文字）")


def apply_text_rules(form) -> None:
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        multiline = isinstance(field.widget, forms.Textarea)
        named = field.widget.attrs.pop("data-limit", None)  # a named limit from settings.TEXT_LIMITS
        if named:
            field.max_length = text_limit(named)
        elif field.max_length is None and multiline:
            field.max_length = text_limit("long_text")
        validators = [v for v in field.validators if v is not no_control_characters
                      and not isinstance(v, (ProhibitNullCharactersValidator, MaxLengthValidator))]
        validators.insert(0, no_control_characters)
        if field.max_length is not None:
            validators.append(_JapaneseMaxLength(int(field.max_length)))
        field.validators = validators
        if multiline:
            field.widget.attrs.pop("maxlength", None)
            field.widget.attrs["data-maxlength"] = str(field.max_length)
            field.widget.attrs.setdefault("data-draft", "")


class _AfterInit:
    """Applies the rules once the form's whole __init__ has run (subclasses add fields in theirs)."""

    def __call__(cls, *args, **kwargs):
        form = super().__call__(*args, **kwargs)
        apply_text_rules(form)
        return form


class FormMetaclass(_AfterInit, forms.forms.DeclarativeFieldsMetaclass):
    pass


class ModelFormMetaclass(_AfterInit, forms.models.ModelFormMetaclass):
    pass


class Form(forms.Form, metaclass=FormMetaclass):
    pass


class ModelForm(forms.ModelForm, metaclass=ModelFormMetaclass):
    pass
