"""`{% load conferences %}{% case_purpose case %}`: the support team's purpose at the top of a case page."""

from django import template

from ..summary import purpose_for

register = template.Library()


@register.inclusion_tag("conferences/_case_purpose.html", takes_context=True)
def case_purpose(context, case):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return {"purpose": purpose_for(case, membership)}
