from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema

from renkei.core import jobs
from renkei.core.api_errors import Error, bad_request
from renkei.core.api_types import Id, Text

from . import actions, throttle
from .access import JOBS_PERM, get_membership_for_manager, memberships_visible_to, require_perm
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
    login_locked_until: datetime | None


class PasswordResetIn(Schema):
    password: Text(128) | None = None


class PasswordResetOut(Schema):
    membership_id: int
    temporary_password: str
    must_change_password: bool


class UnlockOut(Schema):
    membership_id: int
    failures_cleared: int


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
         "department": m.department.name if m.department else None, "title": m.title, "is_active": m.is_active,
         "login_locked_until": throttle.account_locked_until(m.user.username)}
        for m in memberships_visible_to(request.membership).order_by("user__kana_folded")
    ]


def _managed(request, membership_id):
    if not request.membership.has_perm("staff.manage"):
        raise Http404
    return get_membership_for_manager(request.membership, membership_id)


@router.post("/staff/{membership_id}/unlock-login", response={200: UnlockOut, 404: Error},
             summary="職員のログイン制限を解除（管理者）")
def unlock_login(request, membership_id: Id):
    membership = _managed(request, membership_id)
    cleared = actions.do_unlock_login(request=request, membership=membership)
    return {"membership_id": membership.pk, "failures_cleared": cleared}


@router.post("/staff/{membership_id}/reset-password", response={200: PasswordResetOut, 400: Error, 404: Error},
             summary="職員のパスワードを再設定（管理者。仮パスワードは一度だけ返す。次回ログイン時に変更が必要。二要素認証もリセット）")
def reset_password(request, membership_id: Id, payload: PasswordResetIn):
    membership = _managed(request, membership_id)
    try:
        password = actions.do_reset_password(request=request, membership=membership, password=payload.password)
    except ValidationError as error:
        return 400, bad_request(error)
    return {"membership_id": membership.pk, "temporary_password": password, "must_change_password": True}


class JobRunOut(Schema):
    started_at: datetime
    finished_at: datetime | None
    ok: bool | None  # null while it runs
    summary: str


class JobOut(Schema):
    name: str
    title: str
    schedule: str
    running: bool
    next_due: datetime | None  # null until a runner (manage.py run_jobs) has started once
    last: JobRunOut | None
    last_ok: JobRunOut | None
    last_failed: JobRunOut | None


@router.get("/jobs", response={200: list[JobOut], 404: Error}, summary="定期処理の予定と実行状況（管理者）")
def job_list(request):
    """The periodic jobs: schedule, last run, last success and failure (a summary of counts or the error),
    next due. No person data; for members who may see the audit log, 404 for everyone else."""
    require_perm(request, JOBS_PERM)
    return jobs.overview()

