from .models import Membership


def panels(request) -> list[dict]:
    membership = request.membership
    result = [{"title": "所属と役割", "template": "accounts/panels/memberships.html", "order": 80,
               "memberships": request.memberships}]
    if membership.has_perm("staff.manage"):
        staff = Membership.objects.filter(organisation=membership.organisation)
        result.append({"title": "職員", "template": "accounts/panels/staff.html", "order": 85,
                       "active": staff.filter(is_active=True).count(),
                       "inactive": staff.filter(is_active=False).count(),
                       "must_change": staff.filter(is_active=True, user__must_change_password=True).count()})
    return result
