"""`{% discharge_progress case %}`: the discharge plan and community transition progress of a case, for
the case page. Shows only what the acting member may see (access.py)."""

from django import template

from renkei.cases import access as case_access

from .. import access
from ..models import Pathway

register = template.Library()


@register.inclusion_tag("discharge/_case_progress.html", takes_context=True)
def discharge_progress(context, case):
    request = context.get("request")
    m = getattr(request, "membership", None)
    if m is None or not access.can_view(m) or not case_access.cases_visible_to(m).filter(pk=case.pk).exists():
        return {"dp": None}
    plans = list(access.plans_visible_to(m).filter(case=case))
    pathway = Pathway.objects.filter(case=case, case__in=access.pathways_visible_to(m).values("case")).first()
    refused = case.plan_refusals.exists()
    return {"dp": {"case": case, "plans": plans, "refused": refused,
                   "progress": pathway.progress() if pathway else None}}
