"""The discharge plan and community-transition progress of a case: a panel of the case page
(renkei.cases.panels), registered in DischargeConfig.ready. Shows only what the acting member may see
(access.py)."""

from . import access
from .models import Pathway


def case_progress(request, case):
    m = getattr(request, "membership", None)
    if m is None or not access.can_view(m):
        return None
    # the page fetched `case` through the access layer for this member (renkei.cases.panels), and a
    # pathway is seen with its case (access.pathways_visible_to)
    plans = access.plans_of_case(m, case)
    pathway = Pathway.objects.filter(case=case).first()
    refused = case.plan_refusals.exists()
    return ("discharge/_case_progress.html", {"dp": {"case": case, "plans": plans, "refused": refused,
                                                     "progress": pathway.progress() if pathway else None}})
