"""The form renderer writes the widgets in Python with exactly the markup of Django's widget templates."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from renkei.core.renderer import FAST, Renderer

CHOICES = [("", "すべて"), ("a", "青葉市 <市>"), ("b", "若葉町 & 村"), (3, "三"),
           ("地域", [("x", "東部"), ("y", mark_safe("<b>西部</b>"))])]


class Everything(forms.Form):
    name = forms.CharField(label="名前", max_length=10, widget=forms.TextInput(attrs={"autocomplete": "off",
                                                                                 "data-x": 'a"b<c>'}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "data-draft": ""}), required=False)
    count = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 0, "disabled": True}))
    mail = forms.EmailField(required=False)
    site = forms.URLField(required=False, assume_scheme="https")
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    at = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    when = forms.DateTimeField(required=False)
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    flag = forms.BooleanField(required=False)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"checked": False}))
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.RadioSelect(attrs={"class": "inline"}))
    boxes = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple)
    nullable = forms.NullBooleanField(required=False)
    upload = forms.FileField(required=False)


DATA = [
    {},
    {"name": "山田 <太郎> & \"花子\"", "note": "\n一行目\n<script>alert(1)</script>", "count": "12345", "mail": "a@b.jp",
     "site": "https://example.jp/?a=1&b=2", "phone": "03-1234", "secret": "pw<>", "hidden": "h'\"", "day": "2026-12-01",
     "at": "09:30", "when": "2026-12-01 09:30", "q": "森", "flag": "on", "pick": "b", "many": ["a", "y"], "radio": "3",
     "boxes": ["x", "b"], "nullable": "true"},
]


def _normal(html: str) -> str:
    return "".join(line.strip() for line in str(html).splitlines())


@pytest.mark.parametrize("data", DATA, ids=["unbound", "bound"])
@pytest.mark.parametrize("field", list(Everything.base_fields))
def test_each_widget_has_the_same_markup_as_the_django_template(field, data):
    fast = Everything(data or None, initial={"count": 1000, "day": dt.date(2026, 4, 1)}, renderer=Renderer())
    slow = Everything(data or None, initial={"count": 1000, "day": dt.date(2026, 4, 1)}, renderer=DjangoTemplates())
    assert _normal(fast[field]) == _normal(slow[field])
    assert _normal(fast[field].as_field_group()) == _normal(slow[field].as_field_group())


def test_the_common_widgets_are_the_ones_rendered_in_python(monkeypatch):
    called = []
    for name, fn in FAST.items():
        monkeypatch.setitem(FAST, name, lambda widget, fn=fn, name=name: called.append(name) or fn(widget))
    str(Everything({"pick": "a"}, renderer=Renderer()))
    assert {"django/forms/widgets/select.html", "django/forms/widgets/text.html", "django/forms/widgets/textarea.html",
            "django/forms/widgets/checkbox_select.html", "django/forms/widgets/radio.html"} <= set(called)


def test_the_project_uses_the_renderer(settings):
    assert settings.FORM_RENDERER == "renkei.core.renderer.Renderer"
