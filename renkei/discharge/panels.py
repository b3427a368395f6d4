"""The discharge plan and community-transition progress of a case: a panel of the case page
(renkei.cases.panels), registered in DischargeConfig.ready. Shows only what the acting member may see
(access.py)."""

from renkei.cases import access as case_access

from . import access
from .models import Pathway


def case_progress(request, case):
    m = getattr(request, "membership", None)
    if m is None or not access.can_view(m) or not case_access.cases_visible_to(m).filter(pk=case.pk).exists():
        return None
    plans = list(access.plans_visible_to(m).filter(case=case))
    pathway = Pathway.objects.filter(case=case, case__in=access.pathways_visible_to(m).values("case")).first()
    refused = case.plan_refusals.exists()
    return ("discharge/_case_progress.html", {"dp": {"case": case, "plans": plans, "refused": refused,
                                                     "progress": pathway.progress() if pathway else None}})
