"""State changes of 退院後支援計画: create (only with the person's consent), revise (a new version),
agree at a meeting, review, extend (only after a review with consent), record a refusal, hand over on
relocation (with consent), and — for the receiving organisation — start its own plan from the handed-over
one (with consent). Each runs in one transaction, validates with a Japanese message (nothing is
changed on error), writes and logs its audit entry naming the person and the field groups."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from renkei.accounts.models import Membership, Organisation, User
from renkei.audit import reads
from renkei.audit.actions import log_event
from renkei.cases import actions as case_actions
from renkei.cases.versioning import StaleVersion
from renkei.consent.access import active_consents
from renkei.consent.models import Consent

from . import access, reference
from .access import BASIC, PLAN, PURPOSE_PLAN, RECORDS
from .dates import add_months, months_between_ok
from .models import DischargePlan, PlanAgreement, PlanHandover, PlanRefusal, PlanReview, PlanVersion

CONTENT_FIELDS = ["hospital", "ward", "discharge_officer", "discharge_officer_name", "expected_discharge_on",
                  "wishes", "family_views", "needs", "support_items", "crisis_plan", "contacts", "period_start",
                  "period_end", "review_dates"]


def log(action, request, m, *, obj, person, groups, purpose=PURPOSE_PLAN, legal_basis="", data=None):
    log_event(action, request=request, actor=m.user, organisation=m.organisation, obj=obj, person=person,
              field_groups=groups, purpose=purpose, legal_basis=legal_basis, data=data)


def log_read(request, m, action, obj, person, groups, purpose=PURPOSE_PLAN, legal_basis=""):
    """A read on record, with the field groups visible to the reader and the legal basis it rests on."""
    reads.log_read(request, action, obj=obj, person=person, field_groups=groups, membership=m, purpose=purpose,
                   legal_basis=legal_basis)


def log_listing(request, m, action, *, plans=(), visits=(), requests=(), steps=(), groups=None, data=None):
    """One entry for a page or API answer listing plans, visits, visit-support requests or pathway steps:
    the registered persons they concern (a request names its patient by its own fields: it is on record by
    its id, with its person when linked)."""
    plans, visits, requests, steps = list(plans), list(visits), list(requests), list(steps)
    persons = ([p.person_id for p in plans] + [v.case.person_id for v in visits] + [r.person_id for r in requests]
               + [s.pathway.case.person_id for s in steps])
    ids = {"plans": [p.pk for p in plans], "visits": [v.pk for v in visits], "requests": [r.pk for r in requests],
           "steps": [s.pk for s in steps]}
    reads.log_listing(request, action, persons, field_groups=groups or [BASIC, PLAN], membership=m,
                      purpose=PURPOSE_PLAN, always=bool(requests),
                      data={k: v for k, v in ids.items() if v} | (data or {}))


# --- consent ---------------------------------------------------------------------------------------------
def plan_consent(person, organisation) -> Consent | None:
    """A consent in force covering 支援計画 of `person`: naming `organisation` as recipient, or obtained by
    `organisation` itself (the 保健所 that writes the plan asks the person first)."""
    scope = reference.plan_scope()
    consent = active_consents(person, organisation, [scope]).order_by("-valid_until", "-id").first()
    if consent is not None:
        return consent
    today = timezone.localdate()
    return (Consent.objects.filter(person=person, owner=organisation, withdrawn_at__isnull=True,
                                   valid_from__lte=today, valid_until__gte=today,
                                   scope_index__contains=f"|{scope}|").order_by("-valid_until", "-id").first())


def _require_consent(person, organisation) -> Consent:
    consent = plan_consent(person, organisation)
    if consent is None:
        raise ValidationError(
            "本人の同意（共有する情報の範囲「支援計画」を含む）が記録されていないため、退院後支援計画は作成できません。"
            "同意を得て同意の記録に登録するか、本人が希望しない場合は「本人が計画を希望しないこと」を記録してください"
            "（相談支援は続けられます）。")
    return consent


# --- validation ---------------------------------------------------------------------------------------------
def _text(data, name, label, required=False) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise ValidationError(f"{label}を入力してください。")
    return value


def _org(value, label) -> Organisation:
    if isinstance(value, Organisation):
        return value
    org = Organisation.objects.filter(pk=value, is_active=True).first() if str(value or "").isdigit() else None
    if org is None:
        raise ValidationError(f"{label}を選んでください。")
    return org


def _support_items(items) -> list[dict]:
    cleaned = []
    for item in items or []:
        content = (item.get("content") or "").strip()
        org_value = item.get("organisation_id") or item.get("organisation")
        contact = (item.get("contact") or "").strip()
        if not content and not org_value and not contact:
            continue
        if not content:
            raise ValidationError("支援の内容を入力してください（担当機関を選んだ行）。")
        org = _org(org_value, "支援の担当機関")
        cleaned.append({"content": content, "organisation_id": org.pk, "organisation": org.name, "contact": contact})
    if not cleaned:
        raise ValidationError("支援の内容と担当機関を1件以上入力してください。")
    return cleaned


def _date(value, label):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{label}の日付が正しくありません。") from None


def max_months(plan: DischargePlan | None) -> int:
    period = reference.plan_rules()["period"]
    return period["max_months"] + (plan.extensions if plan else 0) * period["extension_months"]


def default_period(start: dt.date) -> tuple[dt.date, list[dt.date]]:
    rules = reference.plan_rules()
    end = add_months(start, rules["period"]["default_months"]) - dt.timedelta(days=1)
    reviews, n = [], 1
    while (review := add_months(start, rules["review_interval_months"] * n)) <= end:
        reviews.append(review)
        n += 1
    return end, reviews


def clean_content(data: dict, plan: DischargePlan | None = None) -> dict:
    rules = reference.plan_rules()
    hospital = _org(data.get("hospital") or data.get("hospital_id"), "入院先の病院")
    if hospital.type.code not in rules["hospital_types"]:
        raise ValidationError("入院先には医療機関（病院）を選んでください。")
    officer = data.get("discharge_officer") or data.get("discharge_officer_id")
    if officer is not None and not isinstance(officer, User):
        officer = User.objects.filter(pk=officer, is_active=True).first() if str(officer).isdigit() else None
        if officer is None:
            raise ValidationError("退院後生活環境相談員に選んだ職員が見つかりません。")
    officer_name = _text(data, "discharge_officer_name", "退院後生活環境相談員の氏名")
    if officer is None and not officer_name:
        raise ValidationError("退院後生活環境相談員を選ぶか、氏名を入力してください。")
    start = _date(data.get("period_start"), "計画期間（開始）") or timezone.localdate()
    default_end, default_reviews = default_period(start)
    end = _date(data.get("period_end"), "計画期間（終了）") or default_end
    if end <= start:
        raise ValidationError("計画期間の終了日は開始日より後にしてください。")
    limit = max_months(plan)
    if not months_between_ok(start, end + dt.timedelta(days=1), limit):
        extra = "（延長は、見直しで本人の同意を得たうえで「期間の延長」から行います）" if plan is None or \
            plan.extensions == 0 else ""
        raise ValidationError(f"計画期間は{limit}か月以内にしてください{extra}。")
    raw_reviews = data.get("review_dates")
    reviews = sorted({_date(d, "見直しの予定日") for d in raw_reviews if d}) if raw_reviews else default_reviews
    if any(not start <= d <= end for d in reviews):
        raise ValidationError("見直しの予定日は計画期間の中にしてください。")
    return {
        "hospital": hospital, "ward": _text(data, "ward", "病棟"), "discharge_officer": officer,
        "discharge_officer_name": officer_name,
        "expected_discharge_on": _date(data.get("expected_discharge_on"), "退院予定日"),
        "wishes": _text(data, "wishes", "本人の希望", required=True),
        "family_views": _text(data, "family_views", "家族の意見"),
        "needs": _text(data, "needs", "支援の必要性・課題", required=True),
        "support_items": _support_items(data.get("support_items")),
        "crisis_plan": _text(data, "crisis_plan", "症状が悪化したときの対応（クライシスプラン）", required=True),
        "contacts": _text(data, "contacts", "連絡先"),
        "period_start": start, "period_end": end, "review_dates": [d.isoformat() for d in reviews],
    }


def _new_version(plan, m, values, reason="") -> PlanVersion:
    number = plan.current_number + 1
    version = PlanVersion.objects.create(plan=plan, number=number, created_by=m.user, change_reason=reason, **values)
    DischargePlan.objects.filter(pk=plan.pk).update(current_number=number)
    plan.current_number = number
    return version


def _require_case_edit(m, case):
    if not access.can_edit(m) or case.organisation_id != m.organisation_id:
        raise ValidationError("このケースの担当組織の相談員だけが計画を作成できます。")


# --- actions ----------------------------------------------------------------------------------------------
@transaction.atomic
def do_create_plan(*, request, membership, case, data: dict) -> DischargePlan:
    m = membership
    _require_case_edit(m, case)
    consent = _require_consent(case.person, m.organisation)
    if DischargePlan.objects.filter(case=case).exclude(status="handed_over").exists():
        raise ValidationError("このケースにはすでに退院後支援計画があります。変更は計画の「新しい版」で行ってください。")
    values = clean_content(data)
    plan = DischargePlan.objects.create(case=case, person=case.person, organisation=m.organisation,
                                        consent=consent, created_by=m.user)
    version = _new_version(plan, m, values)
    log("discharge_plan.created", request, m, obj=plan, person=plan.person, groups=[BASIC, PLAN],
        legal_basis=consent.legal_basis_label,
        data={"version": version.number, "period": [values["period_start"], values["period_end"]]})
    return plan


@transaction.atomic
def do_revise_plan(*, request, membership, plan, based_on, data: dict, reason: str) -> PlanVersion:
    """Every change is a new version; the earlier ones stay readable. The new version needs agreeing."""
    m = membership
    access.require_plan_edit(m, plan)
    plan = DischargePlan.objects.select_for_update().get(pk=plan.pk)
    if str(based_on) != str(plan.current_number):
        raise StaleVersion(plan.current, f"ほかの職員が先に計画を変更しました（現在は第{plan.current_number}版）。"
                                         "保存されていません。両方の内容を確認してください。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("変更の理由を入力してください。")
    consent = _require_consent(plan.person, m.organisation)
    version = _new_version(plan, m, clean_content(data, plan), reason)
    DischargePlan.objects.filter(pk=plan.pk).update(status="draft")
    log("discharge_plan.revised", request, m, obj=plan, person=plan.person, groups=[PLAN],
        legal_basis=consent.legal_basis_label, data={"version": version.number, "reason": reason})
    return version


@transaction.atomic
def do_record_agreement(*, request, membership, plan, agreed_on=None, meeting_kind="", meeting_form="",
                        attendees="", conference=None) -> PlanAgreement:
    """The agreement of the current version, at a conference of the case (conferences app) when there was
    one — its date, kind and form are taken from it — or at a meeting described here."""
    m = membership
    access.require_plan_edit(m, plan)
    rules = reference.plan_rules()
    version = plan.current
    if hasattr(version, "agreement"):
        raise ValidationError(f"第{version.number}版はすでに合意されています。")
    if conference is not None:
        from renkei.conferences.access import get_conference_for_user

        conference = get_conference_for_user(m, getattr(conference, "pk", conference))
        if conference.case_id != plan.case_id:
            raise ValidationError("このケースの会議を選んでください。")
        agreed_on = timezone.localdate(conference.starts_at)
        kinds = {k["code"] for k in rules["meeting_kinds"]}
        meeting_kind = conference.kind if conference.kind in kinds else "other"
        meeting_form = "remote" if conference.is_remote else (meeting_form or "hospital")
    agreed_on = _date(agreed_on, "合意した日")
    if agreed_on is None or agreed_on > timezone.localdate():
        raise ValidationError("合意した日を今日以前の日付で入力してください。")
    if meeting_kind not in {k["code"] for k in rules["meeting_kinds"]}:
        raise ValidationError("会議の種類を選んでください。")
    if meeting_form not in {k["code"] for k in rules["meeting_forms"]}:
        raise ValidationError("開催の形を選んでください。")
    agreement = PlanAgreement.objects.create(version=version, agreed_on=agreed_on, meeting_kind=meeting_kind,
                                             meeting_form=meeting_form, attendees=(attendees or "").strip(),
                                             conference=conference, recorded_by=m.user)
    DischargePlan.objects.filter(pk=plan.pk).update(status="agreed")
    log("discharge_plan.agreed", request, m, obj=plan, person=plan.person, groups=[PLAN],
        data={"version": version.number, "meeting_kind": meeting_kind, "agreed_on": agreed_on,
              "conference": conference.pk if conference else None})
    return agreement


@transaction.atomic
def do_record_refusal(*, request, membership, case, refused_on, note="") -> PlanRefusal:
    """The person does not want a plan: no plan; the case stays open and consultation goes on."""
    m = membership
    _require_case_edit(m, case)
    refused_on = _date(refused_on, "意思を確認した日") or timezone.localdate()
    if refused_on > timezone.localdate():
        raise ValidationError("意思を確認した日が未来になっています。")
    refusal = PlanRefusal.objects.create(case=case, person=case.person, organisation=m.organisation,
                                         refused_on=refused_on, note=(note or "").strip(), recorded_by=m.user)
    body = "退院後支援計画の作成について、本人は同意しない意向。計画は作成せず、相談支援を継続する。"
    case_actions.do_add_entry(request=request, membership=m, case=case, kind="other",
                              body=body + (f"\n{refusal.note}" if refusal.note else ""))
    log("discharge_plan.refused", request, m, obj=refusal, person=case.person, groups=[PLAN, RECORDS],
        data={"refused_on": refused_on})
    return refusal


@transaction.atomic
def do_record_review(*, request, membership, plan, held_on, outcome, extension_consented=False,
                     scheduled_for=None) -> PlanReview:
    m = membership
    access.require_plan_edit(m, plan)
    held_on = _date(held_on, "見直しの実施日")
    if held_on is None or held_on > timezone.localdate():
        raise ValidationError("見直しの実施日を今日以前の日付で入力してください。")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError("見直しの結果を入力してください。")
    scheduled_for = _date(scheduled_for, "見直しの予定日")
    if scheduled_for and scheduled_for.isoformat() not in plan.current.review_dates:
        raise ValidationError("見直しの予定日は計画にある日付を選んでください。")
    review = PlanReview.objects.create(plan=plan, version_number=plan.current_number, scheduled_for=scheduled_for,
                                       held_on=held_on, outcome=outcome,
                                       extension_consented=bool(extension_consented), recorded_by=m.user)
    log("discharge_plan.reviewed", request, m, obj=plan, person=plan.person, groups=[PLAN],
        data={"held_on": held_on, "extension_consented": review.extension_consented})
    return review


@transaction.atomic
def do_extend_plan(*, request, membership, plan, based_on, period_end, reason) -> PlanVersion:
    """Extension only after a review at which the person consented to it, within the data file's limits."""
    m = membership
    access.require_plan_edit(m, plan)
    rules = reference.plan_rules()["period"]
    current = plan.current
    review = plan.reviews.filter(extension_consented=True, version_number=plan.current_number).first()
    if review is None:
        raise ValidationError("期間の延長は、見直しを行い本人が延長に同意したことを記録してからにしてください。")
    if plan.extensions >= rules["max_extensions"]:
        raise ValidationError(f"期間の延長は{rules['max_extensions']}回までです。")
    period_end = _date(period_end, "延長後の終了日")
    if period_end is None or period_end <= current.period_end:
        raise ValidationError("延長後の終了日は現在の終了日より後にしてください。")
    if not months_between_ok(current.period_end, period_end, rules["extension_months"]):
        raise ValidationError(f"1回の延長は{rules['extension_months']}か月以内にしてください。")
    DischargePlan.objects.filter(pk=plan.pk).update(extensions=plan.extensions + 1)
    plan.extensions += 1
    data = {f: getattr(current, f) for f in CONTENT_FIELDS} | {"period_end": period_end}
    midway = add_months(current.period_end, max(1, rules["extension_months"] // 2))
    data["review_dates"] = [d for d in [*current.review_dates, midway.isoformat()] if d <= period_end.isoformat()]
    version = do_revise_plan(request=request, membership=m, plan=plan, based_on=based_on, data=data,
                             reason=f"期間の延長（見直し {review.held_on.isoformat()}）: {(reason or '').strip()}")
    log("discharge_plan.extended", request, m, obj=plan, person=plan.person, groups=[PLAN],
        data={"period_end": period_end, "review": review.pk})
    return version


@transaction.atomic
def do_hand_over(*, request, membership, plan, to_organisation, note="") -> PlanHandover:
    """On relocation: hand the plan to the new area's organisation, with the person's consent naming it."""
    m = membership
    access.require_plan_edit(m, plan)
    to_org = _org(to_organisation, "引継ぎ先の機関")
    if to_org.pk == plan.organisation_id:
        raise ValidationError("引継ぎ先には計画を作成した組織以外を選んでください。")
    consent = active_consents(plan.person, to_org, [reference.plan_scope()]).order_by("-valid_until", "-id").first()
    if consent is None:
        raise ValidationError(f"{to_org.name}への引継ぎについて本人の同意（範囲「支援計画」）が記録されていません。"
                              "同意を得て記録してから引き継いでください。")
    handover = PlanHandover.objects.create(plan=plan, from_organisation=plan.organisation, to_organisation=to_org,
                                           consent=consent, note=(note or "").strip(), handed_by=m.user)
    DischargePlan.objects.filter(pk=plan.pk).update(status="handed_over")
    log("discharge_plan.handed_over", request, m, obj=plan, person=plan.person, groups=[BASIC, PLAN],
        legal_basis=consent.legal_basis_label, data={"to": to_org.code, "consent": consent.pk})
    return handover


def own_person_for(person, organisation):
    """The receiving organisation's own registration of the person handed over (same name and birth date,
    registered by `organisation`), if it has one. Cases are opened only on one's own person."""
    from renkei.cases.models import Person

    if person.organisation_id == organisation.pk:
        return person
    return (Person.objects.filter(organisation=organisation, name_search=person.name_search,
                                  birth_date=person.birth_date).order_by("id").first())


def _register_own_person(request, m, person):
    """Register the person in the receiving organisation, from the 基本情報 the hand-over consent covers:
    its own record, with the consent as basis (the handed-over record stays the sender's)."""
    data = {name: getattr(person, name) for name in case_actions.PERSON_FIELDS}
    if data["municipality"] is not None and data["municipality"].type.code != "municipality":
        data["municipality"] = None
    return case_actions.do_register_person(request=request, membership=m, data=data, confirm_duplicate=True)


def continuation_case(person, organisation):
    """The receiving organisation's own open case for the person (its own registration of them), if any."""
    from renkei.cases.models import Case

    own = own_person_for(person, organisation)
    if own is None:
        return None
    return next((c for c in Case.objects.filter(person=own, organisation=organisation).order_by("-opened_at")
                 if c.is_open), None)


@transaction.atomic
def do_continue_handed_over(*, request, membership, plan) -> DischargePlan:
    """The organisation a plan was handed to starts its own plan from it: the current version's content
    becomes version 1 of a new plan on the organisation's own case for the person (opened if needed).
    Needs the hand-over in force and a consent covering 支援計画 for the organisation. The new plan is on
    the organisation's own registration of the person (registered from the handed-over 基本情報 when it
    has none): a recipient never opens a case on another organisation's person. The handed-over plan is
    not changed."""
    m = membership
    if not access.can_edit(m):
        raise ValidationError("引継ぎ先の機関の相談員だけが、引き継いだ計画から計画を作成できます。")
    handover = access.handovers_in_force(m.organisation).filter(plan=plan).order_by("-handed_at", "-id").first()
    if handover is None:
        raise ValidationError("この計画は貴機関に引き継がれていないか、引継ぎの同意が有効ではありません。")
    consent = _require_consent(plan.person, m.organisation)
    plan = DischargePlan.objects.select_for_update().select_related("person", "organisation").get(pk=plan.pk)
    source = plan.current
    if DischargePlan.objects.filter(source_version__plan=plan, organisation=m.organisation).exists():
        raise ValidationError("この引継ぎからはすでに計画を作成しています。")
    case = continuation_case(plan.person, m.organisation)
    if case is None:
        own = own_person_for(plan.person, m.organisation) or _register_own_person(request, m, plan.person)
        case = case_actions.do_open_case(request=request, membership=m, person=own,
                                         summary=f"転居に伴い{plan.organisation.name}から退院後支援計画を引継ぎ")
    elif DischargePlan.objects.filter(case=case).exclude(status="handed_over").exists():
        raise ValidationError(f"ケース {case.number} にはすでに退院後支援計画があります。"
                              "変更は計画の「新しい版」で行ってください。")
    new = DischargePlan.objects.create(case=case, person=case.person, organisation=m.organisation, consent=consent,
                                       source_version=source, created_by=m.user)
    values = {f: getattr(source, f) for f in CONTENT_FIELDS}
    _new_version(new, m, values, f"{plan.organisation.name}から引き継いだ計画（第{source.number}版）をもとに作成")
    log("discharge_plan.continued_from_handover", request, m, obj=plan, person=plan.person, groups=[PLAN],
        legal_basis=handover.consent.legal_basis_label, data={"version": source.number, "new_plan": new.pk})
    log("discharge_plan.created", request, m, obj=new, person=new.person, groups=[BASIC, PLAN],
        legal_basis=consent.legal_basis_label,
        data={"version": 1, "source_plan": plan.pk, "source_version": source.number, "case": case.pk})
    return new


# --- reminders -------------------------------------------------------------------------------------------------
def due_reviews(plans, today=None) -> list[dict]:
    """Review dates of the plans' current versions that are near (data: reminder_days_before) or past,
    with no review recorded for them."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=reference.plan_rules()["reminder_days_before"])
    plans = list(plans.exclude(status="handed_over"))
    if not plans:
        return []
    ids = [plan.pk for plan in plans]
    # Three queries for any number of plans: the plans, their current versions' review dates, the reviews done.
    dates = {plan_id: review_dates for plan_id, number, review_dates in PlanVersion.objects.filter(
        plan_id__in=ids, plan__current_number=F("number")).values_list("plan_id", "number", "review_dates")}
    done: dict[int, set] = {}
    for plan_id, day in PlanReview.objects.filter(plan_id__in=ids).exclude(scheduled_for=None).values_list(
            "plan_id", "scheduled_for"):
        done.setdefault(plan_id, set()).add(day)
    out = []
    for plan in plans:
        for text in dates.get(plan.pk) or []:
            day = dt.date.fromisoformat(text)
            if day <= horizon and day not in done.get(plan.pk, ()):
                out.append({"plan": plan, "date": day, "overdue": day < today})
    return sorted(out, key=lambda r: r["date"])


def reminder_recipients(plan) -> list:
    users = {plan.case.lead, plan.created_by}
    active = Membership.objects.filter(organisation=plan.organisation, is_active=True).values("user")
    return [u for u in users if u.is_active and u.email and User.objects.filter(pk=u.pk, pk__in=active).exists()]
