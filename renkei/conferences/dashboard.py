"""'会議の宿題' panel: the user's open action items (overdue first, highlighted) and purposes to acknowledge."""

from django.utils import timezone

from . import access, reference


def panels(request) -> list[dict]:
    m = request.membership
    if not access.may_attend(m):
        return []
    items = list(access.open_items_owned_by(request.user).select_related("conference__case")[:30])
    pending = [tm for tm in access.active_team_members(m).select_related("team__case")
               if tm.team.purpose_version and not tm.has_acknowledged]
    today = timezone.localdate()
    return [{"title": "会議の宿題", "template": "conferences/panels/action_items.html", "order": 20, "wide": True,
             "items": items, "overdue": sum(1 for i in items if i.due_date < today),
             "pending_purposes": pending, "status_choices": reference.status_choices(),
             "persons": [i.conference.case.person_id for i in items] + [tm.team.case.person_id for tm in pending],
             "field_groups": [access.BASIC, access.MINUTES]}]
