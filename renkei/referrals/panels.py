"""The referrals panel of the case page (renkei.cases.panels, registered in ReferralsConfig.ready): the
case's referrals, the たらい回し flag, and the escalation suggested by the guidance rules with one click to
request it."""

from renkei.cases import access as cases_access

from . import access, escalation, lapse, tarai


def case_referrals(request, case):
    m = getattr(request, "membership", None)
    if m is None or not (access.can_send(m) or access.can_respond(m)):
        return None
    can_send = access.can_send(m) and cases_access.can_edit(m)
    referrals = [lapse.check(r) for r in access.referrals_visible_to(m).filter(case=case).select_related(None)
                 .select_related("to_organisation").order_by("-created_at")[:10]]
    return ("referrals/_case_panel.html", {"panel": {
        "case": case, "referrals": referrals, "held": [r for r in referrals if r.is_basis_held],
        "chain": tarai.chain_for(m, case.person), "escalation": escalation.suggestion(m, case) if can_send else None,
    }})
