"""What a referral page shows, per side: the shared data of the person (exactly the shared scopes, while
the sharing holds) and the case facts; the field groups shown are what the audit entry records."""

from renkei.cases import access as cases_access
from renkei.cases.access import BASIC, RECORDS

from . import access, reference, sharing


def shared_view(membership, referral) -> dict:
    side = access.side_of(membership, referral)
    own = membership.organisation_id == referral.from_organisation_id
    if own:
        return {"own": True, "groups": [BASIC, RECORDS], "holds": True}
    holds = referral.status in reference.live_statuses() and sharing.still_holds(referral)
    view = {"own": False, "holds": holds, "groups": [], "side": side}
    if not holds:
        return view
    if BASIC in referral.scopes:
        view["groups"].append(BASIC)
    if RECORDS in referral.scopes:
        view["groups"].append(RECORDS)
        view["entries"] = list(cases_access.entries_visible_to(membership).filter(
            case=referral.case, entered_in_error=False).order_by("-occurred_at")[:20])
    view["other_scopes"] = [s for s in referral.scopes if s not in (BASIC, RECORDS)]
    return view
