"""The support team's shared purpose, for the top of a case page (`purpose_for(case, membership)`)."""

from . import access


def purpose_for(case, membership) -> dict | None:
    """The purpose, goals and acknowledgement counts of `case`'s team, or None when there is no team or
    the member may not see it. The caller has already fetched `case` through the cases access layer."""
    if case is None or not access.may_attend(membership):
        return None
    team = access.team_of(case)
    if team is None:
        return {"case_id": case.pk, "purpose": "", "goals": "", "member_count": 0, "acknowledged_count": 0,
                "updated_at": None, "needs_my_acknowledgement": False}
    members = list(team.members.filter(removed_at__isnull=True))
    mine = [tm for tm in members if tm.user_id == membership.user_id and tm.organisation_id == membership.organisation_id]
    acknowledged = [tm for tm in members if tm.acknowledged_version == team.purpose_version and team.purpose_version]
    return {"case_id": case.pk, "purpose": team.purpose, "goals": team.goals, "member_count": len(members),
            "acknowledged_count": len(acknowledged), "updated_at": team.purpose_updated_at,
            "needs_my_acknowledgement": bool(team.purpose_version and any(tm.acknowledged_version != team.purpose_version
                                                                          for tm in mine))}
