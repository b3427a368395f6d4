"""`{% load case_panels %}{% case_panels "case.head" case %}`: the panels other apps registered for a slot of
the case and person pages (renkei.cases.panels), each rendered with only its own context and the CSRF token."""

from django import template
from django.utils.safestring import mark_safe

from .. import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panels(context, slot, obj):
    out = []
    for name, panel_context in panels.shown(slot, context.get("request"), obj):
        new_context = context.new(panel_context)
        csrf_token = context.get("csrf_token")
        if csrf_token is not None:
            new_context["csrf_token"] = csrf_token
        out.append(context.template.engine.get_template(name).render(new_context))
    return mark_safe("\n".join(out))
