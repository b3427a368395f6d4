"""The form renderer: the widgets every form shows (inputs, text areas, selects, radio and checkbox lists)
rendered in Python with exactly the markup of Django's own widget templates, the rest through them.

Django renders each widget, and each `<option>` of a select, through a template include; on the pages
with forms (a case page, the directory's search, the referral form) that was a third of the time of the
page — a select of 60 municipalities is 60 template renders. The markup is the same as the templates'
(tests/core/test_renderer.py compares the two for every widget kind, escaping and attributes included),
so templates, tests and browsers see no difference.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """`{{ value }}` in a template: localized (numbers, dates), then escaped unless already safe."""
    return conditional_escape(localize(value))


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    return conditional_escape(value if isinstance(value, str) else f"{value}")


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_string(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_string(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict) -> str:
    return f'<option value="{_string(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


def _select(widget: dict) -> str:
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None  # a widget with its own option template: Django renders it
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input_option(option: dict) -> str:
    html = _input(option)
    if not option.get("wrap_label"):
        return html
    target = option["attrs"].get("id")
    label_for = f' for="{_text(target)}"' if target else ""
    return f"<label{label_for}>{html}\n {_text(option['label'])}</label>"  # input.html ends with a newline


def _multiple_input(widget: dict) -> str:
    target, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    out = [f"<div{f' id={chr(34)}{_text(target)}{chr(34)}' if target else ''}"
           f"{f' class={chr(34)}{_text(css)}{chr(34)}' if css else ''}>"]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            if option["template_name"] not in (WIDGETS + "radio_option.html", WIDGETS + "checkbox_option.html"):
                return None
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


_INPUTS = ("input", "text", "number", "email", "url", "tel", "password", "hidden", "date", "datetime", "time",
           "search", "color", "checkbox")
FAST = {**{f"{WIDGETS}{name}.html": _input for name in _INPUTS},
        WIDGETS + "textarea.html": _textarea, WIDGETS + "select.html": _select,
        WIDGETS + "radio.html": _multiple_input, WIDGETS + "checkbox_select.html": _multiple_input}


class Renderer(DjangoTemplates):
    """settings.FORM_RENDERER: the common widgets in Python (`FAST`), everything else through the templates."""

    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        widget = context.get("widget") if fast is not None else None
        if widget is not None and widget.get("template_name") == template_name:
            html = fast(widget)
            if html is not None:
                return mark_safe(html)
        return super().render(template_name, context, request)
