from .access import organizations_editable_by
from .models import Service


def panels(request) -> list[dict]:
    """For supervisors who maintain directory entries: how many need re-checking (last verified > 1 year)."""
    membership = request.membership
    if not membership.has_perm("directory.edit"):
        return []
    orgs = list(organizations_editable_by(membership))
    if not orgs:
        return []
    services = Service.objects.filter(organization__in=orgs)
    stale = [o for o in orgs if o.is_stale] + [s for s in services if s.is_stale]
    return [{"title": "機関ディレクトリの管理", "template": "directory/panels/maintained.html", "order": 60,
             "organizations": orgs, "service_count": services.count(), "stale": stale}]
