from django.http import Http404
from ninja import Router, Schema

from .access import memberships_visible_to
from .roles import ROLES

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    organisation_type: str
    role: str
    role_name: str
    department: str | None
    title: str
    is_active: bool


class MeOut(Schema):
    username: str
    display_name: str
    active_membership_id: int
    permissions: list[str]
    memberships: list[MembershipOut]


class StaffOut(Schema):
    membership_id: int
    username: str
    display_name: str
    kana: str
    role: str
    role_name: str
    department: str | None
    title: str
    is_active: bool


def _membership_out(m) -> dict:
    return {
        "id": m.pk, "organisation_id": m.organisation_id, "organisation": m.organisation.name,
        "organisation_type": m.organisation.type.name, "role": m.role, "role_name": m.role_name,
        "department": m.department.name if m.department else None, "title": m.title, "is_active": m.is_active,
    }


@router.get("/me", response=MeOut, summary="ログイン中の職員と所属・権限")
def me(request):
    membership = request.membership
    return {
        "username": request.user.username,
        "display_name": request.user.display_name,
        "active_membership_id": membership.pk,
        "permissions": sorted(ROLES[membership.role].permissions),
        "memberships": [_membership_out(m) for m in request.memberships],
    }


@router.get("/staff", response=list[StaffOut], summary="自組織の職員一覧（管理者）")
def staff(request):
    if not request.membership.has_perm("staff.manage"):
        raise Http404
    return [
        {"membership_id": m.pk, "username": m.user.username, "display_name": m.user.display_name,
         "kana": m.user.kana, "role": m.role, "role_name": m.role_name,
         "department": m.department.name if m.department else None, "title": m.title, "is_active": m.is_active}
        for m in memberships_visible_to(request.membership).order_by("user__kana_folded")
    ]
