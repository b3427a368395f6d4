"""Dashboard panels: plan reviews due (with this worker's planned visits), the community-transition steps
this worker (or their organisation) owns, and a 訪問支援員's visits."""

from django.db.models import Q

from . import access, actions


def panels(request) -> list[dict]:
    m = request.membership
    out = []
    if m is not None and access.can_view(m):
        plans = access.own_plans(m).filter(Q(case__lead=request.user) | Q(created_by=request.user))
        due = actions.due_reviews(plans)
        visits = list(access.visits_visible_to(m).filter(status="planned").filter(
            Q(staff=request.user) | Q(companions=request.user)).distinct().order_by("planned_at")[:10])
        if due or visits:
            out.append({"title": "退院後支援計画の見直し・訪問の予定", "template": "discharge/panels/reviews.html",
                        "order": 15, "due": due, "visits": visits, "field_groups": [access.BASIC, access.PLAN],
                        "persons": [d["plan"].person for d in due] + [v.case.person for v in visits]})
    steps = list(access.open_steps_owned_by(m)[:20])
    if steps:
        out.append({"title": "地域移行の担当", "template": "discharge/panels/steps.html", "order": 17,
                    "rows": steps, "persons": [s.pathway.case.person_id for s in steps],
                    "field_groups": [access.PLAN]})
    supporter = access.supporter_of(m)
    if supporter is not None:
        requests = list(access.requests_visible_to(m).filter(assignments__supporter=supporter)
                        .exclude(status="reported"))
        rows = [access.supporter_view(r) for r in requests]
        if rows:
            out.append({"title": "入院者訪問支援（担当の訪問）", "template": "discharge/panels/assignments.html",
                        "order": 16, "rows": rows, "persons": [r.person_id for r in requests]})
    return out
