"""State changes of the community transition pathway, the inpatient visit support programme
(入院者訪問支援事業) and outreach visits. Same rules as actions.py: one transaction, Japanese
validation messages, nothing changed on error, an audit entry naming the person."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.accounts.models import Membership, Organisation, User
from renkei.cases import actions as case_actions
from renkei.cases import reference as case_reference
from renkei.core.dates import FiscalYear

from . import access, reference
from .access import BASIC, PLAN, PURPOSE_OUTREACH, PURPOSE_VISIT, RECORDS, VISIT_SUPPORT
from .actions import _date, _org, log
from .models import OutreachVisit, Pathway, PathwayStep, Supporter, VisitAssignment, VisitSupportRequest


# --- 地域移行・地域定着 ----------------------------------------------------------------------------------
@transaction.atomic
def do_start_pathway(*, request, membership, case) -> Pathway:
    m = membership
    if not access.can_edit(m) or case.organisation_id != m.organisation_id:
        raise ValidationError("このケースの担当組織の相談員だけが地域移行の経路を始められます。")
    if Pathway.objects.filter(case=case).exists():
        raise ValidationError("このケースの地域移行の経路はすでにあります。")
    pathway = Pathway.objects.create(case=case, template_version=reference.load("pathway")["version"],
                                     started_by=m.user)
    for order, step in enumerate(reference.pathway_steps(), start=1):
        PathwayStep.objects.create(pathway=pathway, code=step["code"], name=step["name"], partner=step["partner"],
                                   order=order)
    log("pathway.started", request, m, obj=pathway, person=case.person, groups=[PLAN],
        data={"template": pathway.template_version})
    return pathway


@transaction.atomic
def do_update_step(*, request, membership, step: PathwayStep, status, owner_organisation=None, owner_user=None,
                   note="") -> PathwayStep:
    m = membership
    case = step.pathway.case
    if not access.can_edit(m) or case.organisation_id != m.organisation_id:
        raise ValidationError("このケースの担当組織の相談員だけが経路を更新できます。")
    if status not in reference.pathway_status_done():
        raise ValidationError("状況を選んでください。")
    template = next((s for s in reference.pathway_steps() if s["code"] == step.code), {"partner_types": []})
    org = _org(owner_organisation, "担当機関") if owner_organisation else None
    if org is not None and template["partner_types"] and org.type.code not in template["partner_types"]:
        raise ValidationError(f"「{step.partner}」の担当機関には、この種別の機関は選べません（{org.type.name}）。")
    user = None
    if owner_user:
        user = owner_user if isinstance(owner_user, User) else User.objects.filter(pk=owner_user).first()
        if user is None or org is None or not Membership.objects.filter(user=user, organisation=org,
                                                                         is_active=True).exists():
            raise ValidationError("担当者には担当機関に所属する職員を選んでください。")
    PathwayStep.objects.filter(pk=step.pk).update(status=status, owner_organisation=org, owner_user=user,
                                                  note=(note or "").strip(), updated_by=m.user,
                                                  updated_at=timezone.now())
    step.refresh_from_db()
    log("pathway.step_updated", request, m, obj=step.pathway, person=case.person, groups=[PLAN],
        data={"step": step.code, "status": status, "owner": org.code if org else None})
    return step


# --- 入院者訪問支援事業 -------------------------------------------------------------------------------------
def _office(m):
    if not (access.is_office(m) and access.can_edit(m)):
        raise ValidationError("入院者訪問支援事業の事務局（都道府県・精神保健福祉センター）の職員だけが操作できます。")


def _choice(value, file, key, label):
    if value not in reference.names(file, key):
        raise ValidationError(f"{label}を選んでください。")
    return value


def _vlog(action, request, m, req, groups, data=None):
    log(action, request, m, obj=req, person=req.person, groups=groups, purpose=PURPOSE_VISIT, data=data)


@transaction.atomic
def do_register_supporter(*, request, membership, name, kana="", affiliation="", trained_on=None, user=None,
                          secrecy_pledged=False) -> Supporter:
    m = membership
    _office(m)
    name = (name or "").strip()
    if not name:
        raise ValidationError("訪問支援員の氏名を入力してください。")
    if Supporter.objects.filter(operator=m.organisation, name=name).exists():
        raise ValidationError("同じ氏名の訪問支援員がすでに登録されています。")
    trained_on = _date(trained_on, "養成研修の修了日")
    if trained_on and trained_on > timezone.localdate():
        raise ValidationError("養成研修の修了日が未来になっています。")
    if user is not None and not isinstance(user, User):
        user = User.objects.filter(pk=user, is_active=True).first()
        if user is None:
            raise ValidationError("職員アカウントが見つかりません。")
    supporter = Supporter.objects.create(operator=m.organisation, name=name, kana=(kana or "").strip(),
                                         affiliation=(affiliation or "").strip(), trained_on=trained_on, user=user,
                                         secrecy_pledged=bool(secrecy_pledged))
    log("visit_supporter.registered", request, m, obj=supporter, person=None, groups=[], purpose=PURPOSE_VISIT,
        data={"trained_on": trained_on})
    return supporter


@transaction.atomic
def do_receive_request(*, request, membership, data: dict) -> VisitSupportRequest:
    m = membership
    _office(m)
    hospital = _org(data.get("hospital") or data.get("hospital_id"), "入院先の病院")
    if hospital.type.code not in reference.plan_rules()["hospital_types"]:
        raise ValidationError("入院先には医療機関（病院）を選んでください。")
    name = (data.get("patient_name") or "").strip()
    person = data.get("person")
    if person is not None:
        from renkei.cases.access import get_person_for_user

        person = get_person_for_user(m, getattr(person, "pk", person))
        name = name or person.name
    if not name:
        raise ValidationError("本人の氏名を入力してください。")
    received_on = _date(data.get("received_on"), "受付日") or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError("受付日が未来になっています。")
    age = data.get("patient_age")
    if age not in (None, "") and not 0 <= int(age) <= 130:
        raise ValidationError("年齢が正しくありません。")
    req = VisitSupportRequest.objects.create(
        operator=m.organisation, person=person, patient_name=name, patient_age=age or None, hospital=hospital,
        ward=(data.get("ward") or "").strip(),
        admission_type=_choice(data.get("admission_type"), "visit_support", "admission_types", "入院形態"),
        source=_choice(data.get("source"), "visit_support", "sources", "申込みの経路"),
        requester_name=(data.get("requester_name") or "").strip(), received_on=received_on,
        request_note=(data.get("request_note") or "").strip(), created_by=m.user)
    _vlog("visit_support.received", request, m, req, [BASIC, VISIT_SUPPORT], {"source": req.source})
    return req


def _status(req, allowed, message):
    if req.status not in allowed:
        raise ValidationError(message)


@transaction.atomic
def do_confirm_wish(*, request, membership, req, confirmed_on, method, note="") -> VisitSupportRequest:
    m = membership
    _office(m)
    _status(req, {"received", "wish_confirmed"}, "この申込みは本人の意向確認の段階ではありません。")
    confirmed_on = _date(confirmed_on, "意向を確認した日")
    if confirmed_on is None:
        raise ValidationError("本人の意向を確認した日を入力してください。")
    if confirmed_on > timezone.localdate() or confirmed_on < req.received_on:
        raise ValidationError("意向を確認した日は受付日から今日までの日付にしてください。")
    _choice(method, "visit_support", "wish_methods", "意向確認の方法")
    VisitSupportRequest.objects.filter(pk=req.pk).update(
        wish_confirmed_on=confirmed_on, wish_method=method, wish_note=(note or "").strip(),
        wish_confirmed_by=m.user, status="wish_confirmed")
    req.refresh_from_db()
    _vlog("visit_support.wish_confirmed", request, m, req, [VISIT_SUPPORT], {"on": confirmed_on, "method": method})
    return req


@transaction.atomic
def do_assign_supporters(*, request, membership, req, supporters) -> VisitSupportRequest:
    """Two registered 訪問支援員 (the number is data), both trained and bound to secrecy, after the
    patient's own wish has been confirmed."""
    m = membership
    _office(m)
    if req.wish_confirmed_on is None:
        raise ValidationError("本人の意向を確認した日と方法を記録してから、訪問支援員を選任してください。")
    _status(req, {"wish_confirmed", "assigned", "scheduled"}, "この申込みには訪問支援員を選任できません。")
    wanted = reference.supporters_per_visit()
    ids = {int(getattr(s, "pk", s)) for s in supporters or [] if str(getattr(s, "pk", s)).isdigit()}
    chosen = list(Supporter.objects.filter(pk__in=ids, operator=req.operator, is_active=True))
    if len(ids) != wanted or len(chosen) != wanted:
        raise ValidationError(f"訪問支援員は登録されている方から{wanted}名を選んでください（2名1組で訪問します）。")
    untrained = [s.name for s in chosen if not s.is_trained()]
    if untrained:
        raise ValidationError(f"養成研修を修了していない訪問支援員は選任できません: {'、'.join(untrained)}")
    unpledged = [s.name for s in chosen if not s.secrecy_pledged]
    if unpledged:
        raise ValidationError(f"守秘義務の誓約がない訪問支援員は選任できません: {'、'.join(unpledged)}")
    VisitAssignment.objects.filter(request=req).exclude(supporter__in=chosen).delete()
    for s in chosen:
        VisitAssignment.objects.get_or_create(request=req, supporter=s, defaults={"assigned_by": m.user})
    if req.status == "wish_confirmed":
        VisitSupportRequest.objects.filter(pk=req.pk).update(status="assigned")
    req.refresh_from_db()
    _vlog("visit_support.assigned", request, m, req, [VISIT_SUPPORT], {"supporters": sorted(s.pk for s in chosen)})
    return req


@transaction.atomic
def do_schedule_visit(*, request, membership, req, visit_at, hospital_contact="", note="") -> VisitSupportRequest:
    m = membership
    _office(m)
    _status(req, {"assigned", "scheduled"}, "訪問支援員を選任してから、病院と日程を調整してください。")
    if not isinstance(visit_at, dt.datetime):
        raise ValidationError("訪問日時を入力してください。")
    if timezone.is_naive(visit_at):
        visit_at = timezone.make_aware(visit_at)
    if visit_at.date() < req.received_on:
        raise ValidationError("訪問日時は受付日より後にしてください。")
    VisitSupportRequest.objects.filter(pk=req.pk).update(visit_at=visit_at, hospital_contact=(hospital_contact or "")
                                                         .strip(), schedule_note=(note or "").strip(),
                                                         status="scheduled")
    req.refresh_from_db()
    _vlog("visit_support.scheduled", request, m, req, [VISIT_SUPPORT], {"visit_at": visit_at})
    return req


@transaction.atomic
def do_report_visit(*, request, membership, req, visited_on, report) -> VisitSupportRequest:
    """The pair reports back: an assigned 訪問支援員 or the office writes the report."""
    m = membership
    supporter = access.supporter_of(m)
    is_assigned = supporter is not None and req.assignments.filter(supporter=supporter).exists()
    if not (is_assigned or (access.is_office(m) and access.can_edit(m))):
        raise ValidationError("担当の訪問支援員か事務局の職員だけが報告できます。")
    _status(req, {"scheduled"}, "病院と日程を調整してから、訪問の報告を記録してください。")
    visited_on = _date(visited_on, "訪問した日")
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationError("訪問した日を今日以前の日付で入力してください。")
    if visited_on < timezone.localdate(req.visit_at):
        raise ValidationError("訪問した日が、調整した訪問日より前になっています。")
    report = (report or "").strip()
    if not report:
        raise ValidationError("訪問の報告を入力してください。")
    VisitSupportRequest.objects.filter(pk=req.pk).update(report=report, reported_on=visited_on, report_by=m.user,
                                                         status="reported")
    req.refresh_from_db()
    _vlog("visit_support.reported", request, m, req, [VISIT_SUPPORT], {"visited_on": visited_on})
    return req


# --- アウトリーチ・家庭訪問 ------------------------------------------------------------------------------------
def _members(organisation, users, label, *, inside: bool) -> list:
    out = []
    for u in users or []:
        user = u if isinstance(u, User) else User.objects.filter(pk=u, is_active=True).first()
        in_org = user is not None and Membership.objects.filter(user=user, organisation=organisation,
                                                                is_active=True).exists()
        other = user is not None and Membership.objects.filter(user=user, is_active=True).exclude(
            organisation=organisation).exists()
        if user is None or (inside and not in_org) or (not inside and not other):
            raise ValidationError(f"{label}に選べない職員が含まれています。")
        out.append(user)
    return out


@transaction.atomic
def do_plan_visit(*, request, membership, case, kind, planned_at, purpose, category, staff=(), companions=(),
                  place="") -> OutreachVisit:
    m = membership
    if not access.can_edit(m) or case.organisation_id != m.organisation_id:
        raise ValidationError("このケースの担当組織の相談員だけが訪問を予定できます。")
    _choice(kind, "outreach", "kinds", "訪問の種類")
    if not isinstance(planned_at, dt.datetime):
        raise ValidationError("予定日時を入力してください。")
    if category not in {c["code"] for c in case_reference.categories(FiscalYear.of(planned_at))}:
        raise ValidationError("相談の種類（統計の区分）を選んでください。")
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError("訪問の目的を入力してください。")
    staff = _members(m.organisation, list(staff) or [m.user], "訪問する職員（自組織）", inside=True)
    companions = _members(m.organisation, companions, "同行する他機関の職員", inside=False)
    visit = OutreachVisit.objects.create(case=case, organisation=m.organisation, kind=kind, planned_at=planned_at,
                                         purpose=purpose, category=category, place=(place or "").strip(),
                                         created_by=m.user)
    visit.staff.set(staff)
    visit.companions.set(companions)
    log("outreach.planned", request, m, obj=visit, person=case.person, groups=[RECORDS], purpose=PURPOSE_OUTREACH,
        data={"kind": kind, "staff": [u.pk for u in staff], "companions": [u.pk for u in companions]})
    return visit


@transaction.atomic
def do_record_visit(*, request, membership, visit, visited_at, record) -> OutreachVisit:
    """The visit took place: its record becomes a case record entry of kind 訪問, and it counts as one
    contact of 訪問指導 in the statistics (see stats.py)."""
    m = membership
    if not access.can_edit_visit(m, visit):
        raise ValidationError("訪問を予定した組織の相談員だけが記録できます。")
    if visit.status != "planned":
        raise ValidationError("この訪問はすでに記録済みか中止です。")
    if not isinstance(visited_at, dt.datetime):
        raise ValidationError("実施日時を入力してください。")
    record = (record or "").strip()
    if not record:
        raise ValidationError("訪問の記録を入力してください。")
    who = "、".join(str(u) for u in visit.staff.all())
    along = "、".join(f"{u}（{u.memberships.filter(is_active=True).exclude(organisation=visit.organisation).first().organisation}）"
                     for u in visit.companions.all())
    body = f"【{visit.kind_name}】訪問者: {who}" + (f"／同行: {along}" if along else "") + f"\n{record}"
    entry = case_actions.do_add_entry(request=request, membership=m, case=visit.case, kind="visit", body=body,
                                      occurred_at=visited_at)
    OutreachVisit.objects.filter(pk=visit.pk).update(status="done", visited_at=entry.occurred_at, record=record,
                                                     entry=entry)
    visit.refresh_from_db()
    log("outreach.recorded", request, m, obj=visit, person=visit.case.person, groups=[RECORDS],
        purpose=PURPOSE_OUTREACH, data={"entry": entry.pk})
    return visit


@transaction.atomic
def do_cancel_visit(*, request, membership, visit, reason) -> OutreachVisit:
    m = membership
    if not access.can_edit_visit(m, visit):
        raise ValidationError("訪問を予定した組織の相談員だけが中止できます。")
    if visit.status != "planned":
        raise ValidationError("予定中の訪問だけを中止できます。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("中止の理由を入力してください。")
    OutreachVisit.objects.filter(pk=visit.pk).update(status="cancelled", record=f"中止: {reason}")
    visit.refresh_from_db()
    log("outreach.cancelled", request, m, obj=visit, person=visit.case.person, groups=[RECORDS],
        purpose=PURPOSE_OUTREACH, data={"reason": reason})
    return visit


def organisations_for(codes=None):
    qs = Organisation.objects.filter(is_active=True).select_related("type")
    return qs.filter(type__code__in=codes) if codes else qs
