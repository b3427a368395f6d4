"""State changes of persons, consultations, cases and record entries.

Each runs in one transaction, validates (ValidationError with a Japanese message), writes, keeps the
search document in step, and writes its audit entry naming the person and the field groups.
Editable records are saved only through `save_versioned` (no lost updates).
"""

import datetime as dt
import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.audit import reads
from renkei.audit.actions import log_event
from renkei.core.dates import FiscalYear
from renkei.core.reference import assessment_domains
from renkei.core.text import fold_kana, normalise

from . import access, reference, search
from .access import BASIC, PURPOSE, RECORDS
from .models import Case, CaseCoWorker, CaseStatusChange, Consultation, Person, RecordEntry, RecordRevision
from .versioning import save_versioned

DUPLICATE_DAYS = 3
SIMILAR_KANA = 0.8
PERSON_FIELDS = ["name", "kana", "birth_date", "sex", "municipality", "address", "phone", "contact_notes"]


class DuplicateWarning(ValidationError):
    """Likely the same person is already registered; the worker may confirm and register anyway.
    `candidates` are the ones the worker may see; `elsewhere` is the hint (text) that an organisation of
    the 管内 the worker cannot see may have registered the same person — it names neither the person nor
    the organisation."""

    def __init__(self, candidates, elsewhere: str = ""):
        super().__init__("同じ人がすでに登録されている可能性があります。確認してください。" if candidates or not elsewhere
                         else elsewhere)
        self.candidates = candidates
        self.elsewhere = elsewhere


ELSEWHERE_HINT = "管内の他の機関に同じ方の登録がある可能性があります。"


def _log(action, membership, request, *, obj, person, groups, data=None, legal_basis=""):
    log_event(action, request=request, actor=membership.user, organisation=membership.organisation, obj=obj,
              person=person, field_groups=groups, purpose=PURPOSE, data=data, legal_basis=legal_basis)


def log_read(request, membership, action: str, obj, person, groups) -> None:
    """Every read of person-level data is on record (pages, API, opened search results). Reads through
    sharing carry their legal basis (consent id, disclosure basis, break-glass) and only the field
    groups actually visible (renkei.audit.reads)."""
    reads.log_read(request, action, obj=obj, person=person, field_groups=groups, membership=membership,
                   purpose=PURPOSE)


# --- persons -----------------------------------------------------------------------------------------
def find_duplicates(membership, *, kana: str, birth_date, name: str = "", exclude_id=None) -> list[Person]:
    """Likely duplicates among the persons the worker may see: same フリガナ (folded) and birth date;
    same フリガナ and a birth date within DUPLICATE_DAYS days (or one of them unknown); same birth
    date and a similar フリガナ or the same name."""
    folded, compact = fold_kana(kana), normalise(name).replace(" ", "")
    visible = access.persons_visible_to(membership)
    if exclude_id:
        visible = visible.exclude(pk=exclude_id)
    found: dict[int, Person] = {}
    if folded:
        for p in visible.filter(kana_folded=folded):
            if birth_date is None or p.birth_date is None or abs((p.birth_date - birth_date).days) <= DUPLICATE_DAYS:
                found[p.pk] = p
    if birth_date is not None:
        for p in visible.filter(birth_date=birth_date):
            similar = folded and p.kana_folded and SequenceMatcher(None, folded, p.kana_folded).ratio() >= SIMILAR_KANA
            if similar or (compact and p.name_search == compact):
                found[p.pk] = p
    return sorted(found.values(), key=lambda p: (p.kana_folded, p.pk))


def _clean_person(data: dict) -> dict:
    values = {name: data.get(name) for name in PERSON_FIELDS if name in data}
    # Names are kept exactly as typed (compatibility kanji such as 塚 U+FA10 included; NFC or NFKC would
    # change them); only the search keys (name_search, kana_folded) are normalised.
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        raise ValidationError("氏名を入力してください。")
    values["kana"] = (values.get("kana") or "").strip()
    if values.get("sex") not in reference.names("sexes"):
        values["sex"] = "unknown"
    birth = values.get("birth_date")
    if birth and birth > timezone.localdate():
        raise ValidationError("生年月日が未来の日付です。")
    municipality = values.get("municipality")
    if municipality is not None and municipality.type.code != "municipality":
        raise ValidationError("居住市町村には市町村を選んでください。")
    for name in ("address", "phone", "contact_notes"):
        values[name] = (values.get(name) or "").strip()
    return values


def area_organisations(organisation) -> list:
    """The public organisations of the worker's 管内: the 保健所 whose 管内 includes the organisation (or the
    organisation itself when it is one) and every municipality in their 管内; the organisation excluded."""
    from renkei.accounts.models import Organisation

    if not organisation.is_public:
        return []
    centres = list(organisation.health_centres.filter(is_active=True))
    if organisation.jurisdiction.exists():
        centres.append(organisation)
    ids = {c.pk for c in centres} | set(
        Organisation.objects.filter(health_centres__in=centres, is_active=True).values_list("pk", flat=True))
    ids.discard(organisation.pk)
    return sorted(ids)


def _elsewhere_hint(request, membership, values) -> str:
    """Whether an organisation of the 管内 the worker cannot see has registered a person with the same
    birth date and the same フリガナ (folded) or name. The hint says only that, and how to go on; each
    match is on the audit record under the person it concerns (the per-person access report shows it)."""
    birth, folded = values.get("birth_date"), fold_kana(values["kana"])
    compact = normalise(values["name"]).replace(" ", "")
    area = area_organisations(membership.organisation)
    if birth is None or not area or not (folded or compact):
        return ""
    same = Q(name_search=compact) | (Q(kana_folded=folded) if folded else Q(pk__in=[]))
    matches = list(Person.objects.filter(same, organisation_id__in=area, birth_date=birth)
                   .exclude(pk__in=access.persons_visible_to(membership).values("pk")).only("pk"))
    if not matches:
        return ""
    for match in matches:
        log_event("person.duplicate_hint", request=request, actor=membership.user,
                  organisation=membership.organisation, person=match, field_groups=[],
                  purpose="重複登録の確認（管内の他機関の登録の有無のみ）",
                  data={"shown": ELSEWHERE_HINT})
    centres = [o.name for o in membership.organisation.health_centres.filter(is_active=True)]
    ask = (f"管内の保健所（{'、'.join(centres)}）や市町村の相談窓口" if centres
           else "管内の市町村の相談窓口")
    return (f"{ELSEWHERE_HINT}同じ方かどうかは、本人の同意を得たうえで{ask}に問い合わせてください。"
            "同じ方であれば、新しく登録せずに、その機関への連携依頼や相談で支援をつないでください。"
            "別の方であることを確かめたときは、確認のうえ登録できます。")


def do_register_person(*, request, membership, data: dict, confirm_duplicate: bool = False) -> Person:
    """Register a person. Unless the worker confirmed, likely duplicates among the persons they may see,
    and the hint that the 管内 may hold one they cannot see, stop the registration (DuplicateWarning).
    The hint's audit entries are kept although nothing is registered."""
    access.require_edit(membership)
    values = _clean_person(data)
    if not confirm_duplicate:
        candidates = find_duplicates(membership, kana=values["kana"], birth_date=values.get("birth_date"),
                                     name=values["name"])
        elsewhere = _elsewhere_hint(request, membership, values)
        if candidates or elsewhere:
            raise DuplicateWarning(candidates, elsewhere)
    return _create_person(request, membership, values, confirm_duplicate)


@transaction.atomic
def _create_person(request, membership, values, confirm_duplicate) -> Person:
    person = Person.objects.create(organisation=membership.organisation, created_by=membership.user, **values)
    _log("person.created", membership, request, obj=person, person=person, groups=[BASIC],
         data={"confirmed_duplicate": confirm_duplicate})
    return person


@transaction.atomic
def do_update_person(*, request, membership, person: Person, version, data: dict) -> Person:
    access.require_edit(membership, person)
    values = _clean_person(data)
    values["name_search"] = normalise(values["name"]).replace(" ", "")
    values["kana_folded"] = fold_kana(values["kana"])
    person = save_versioned(person, version, values)
    changed = sorted(k for k in data if k in PERSON_FIELDS)
    _log("person.updated", membership, request, obj=person, person=person, groups=[BASIC],
         data={"fields": changed, "version": person.version})
    return person


# --- consultations -------------------------------------------------------------------------------------
def _clean_consultation(membership, data: dict) -> dict:
    occurred_at = data.get("occurred_at") or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("相談日時が未来になっています。")
    try:
        fy = FiscalYear.of(occurred_at)
    except ValueError:
        raise ValidationError("相談日時が古すぎます。和暦で表せる日時（明治6年以降）を入力してください。") from None
    category = data.get("category") or ""
    if category not in {c["code"] for c in reference.categories(fy)}:
        raise ValidationError(f"相談の種類を選んでください（{fy.label}の区分）。")
    factors = list(dict.fromkeys(data.get("factors") or []))
    allowed = {f["code"] for f in reference.factors(fy)}
    if any(f not in allowed for f in factors):
        raise ValidationError("要因に選べない項目があります。")
    if data.get("channel") not in reference.names("channels"):
        raise ValidationError("相談の方法を選んでください。")
    if data.get("consulter") not in reference.names("consulters"):
        raise ValidationError("相談者を選んでください。")
    duration = data.get("duration_minutes")
    if duration is not None and not 0 <= int(duration) <= 24 * 60:
        raise ValidationError("所要時間は0〜1440分で入力してください。")
    content = (data.get("content") or "").strip()
    if not content:
        raise ValidationError("相談内容を入力してください。")
    person = data.get("person")
    anonymous = bool(data.get("is_anonymous")) and person is None
    label = "" if (person is not None or anonymous) else normalise(data.get("subject_label") or "")[:100]
    staff = data.get("staff") or membership.user
    from .forms import own_staff

    if staff != membership.user and not own_staff(membership).filter(pk=staff.pk).exists():
        raise ValidationError("対応職員には自組織の職員を選んでください。")
    return {"occurred_at": occurred_at, "category": category, "factors": factors, "channel": data["channel"],
            "consulter": data["consulter"], "duration_minutes": duration, "content": content,
            "person": person, "is_anonymous": anonymous, "subject_label": label, "staff": staff}


def _touch_cases(person, when) -> None:
    if person is None:
        return
    for case in person.cases.filter(status__in=reference.open_statuses()):
        if case.last_contact_at is None or case.last_contact_at < when:
            Case.objects.filter(pk=case.pk).update(last_contact_at=when)


@transaction.atomic
def do_log_consultation(*, request, membership, data: dict) -> Consultation:
    access.require_edit(membership)
    values = _clean_consultation(membership, data)
    if values["person"] is not None:
        access.get_person_for_user(membership, values["person"].pk)
    consultation = Consultation.objects.create(organisation=membership.organisation,
                                               created_by=membership.user, **values)
    search.sync_consultation(consultation)
    _touch_cases(consultation.person, consultation.occurred_at)
    _log("consultation.created", membership, request, obj=consultation, person=consultation.person,
         groups=[RECORDS], data={"channel": consultation.channel, "category": consultation.category,
                                 "anonymous": consultation.is_anonymous})
    return consultation


@transaction.atomic
def do_link_consultation(*, request, membership, consultation: Consultation, person: Person, version,
                         reason: str = "") -> Consultation:
    """Attach a consultation about a not-yet-registered person to the person, once registered. An
    anonymous consultation may be linked too when the worker records why (e.g. the caller later gave
    their name); the reason is on the audit record, and 実人員 then count it as that person."""
    access.require_edit(membership, consultation)
    access.get_person_for_user(membership, person.pk)
    was_anonymous = consultation.is_anonymous
    reason = (reason or "").strip()
    if was_anonymous and not reason:
        raise ValidationError("匿名で受けた相談を本人に結びつけるときは、理由（例: 後日、本人が名乗った）を入力してください。")
    values = {"person": person} | ({"is_anonymous": False} if was_anonymous else {})
    consultation = save_versioned(consultation, version, values, touch=None)
    search.sync_consultation(consultation)
    _touch_cases(person, consultation.occurred_at)
    data = {"label": consultation.subject_label} | ({"was_anonymous": True, "reason": reason} if was_anonymous
                                                      else {"reason": reason} if reason else {})
    _log("consultation.linked", membership, request, obj=consultation, person=person, groups=[RECORDS], data=data)
    return consultation


# --- cases --------------------------------------------------------------------------------------------
def case_prefix(organisation) -> str:
    """青葉市 → 青葉, みどり県中央保健所 → 中央保健所: short, as workers say it."""
    name = organisation.name
    if organisation.type.code == "municipality" and name[-1:] in ("市", "町", "村", "区"):
        return name[:-1]
    return re.sub(r"^.+?[都道府県](?=.)", "", name)


def _clean_needs(needs: dict | None) -> dict:
    domains = {d["code"] for d in assessment_domains()}
    levels = reference.need_level_rank()
    cleaned = {}
    for code, level in (needs or {}).items():
        if code not in domains:
            raise ValidationError("ニーズの領域が正しくありません。")
        if level not in levels:
            raise ValidationError("ニーズの程度が正しくありません。")
        if level != "none":
            cleaned[code] = level
    return cleaned


def _clean_team(membership, lead, co_workers):
    """(lead, co-worker memberships). A co-worker is given as the membership their place goes to (the form's
    choices), or as a user (the API's ids, the demo): then the user's candidate membership the same rule
    picks for every such user (`forms.pick_membership`: the acting organisation's first)."""
    from .forms import own_staff, pick_membership, team_candidates

    if lead is None or not own_staff(membership).filter(pk=lead.pk).exists():
        raise ValidationError("主担当には自組織の相談員を選んでください。")
    candidates = list(team_candidates(membership))
    by_pk = {m.pk: m for m in candidates}
    chosen = {}
    for item in co_workers or []:
        if isinstance(item, Membership):
            place = by_pk.get(item.pk)
        else:
            place = pick_membership([m for m in candidates if m.user_id == item.pk], membership.organisation_id)
        if place is None:
            raise ValidationError("協働者に選べない職員が含まれています。")
        if place.user_id in chosen and chosen[place.user_id].pk != place.pk:
            raise ValidationError(f"{place.user}さんは協働者として一つの所属だけ選んでください。")
        if place.user_id != lead.pk:
            chosen[place.user_id] = place
    return lead, list(chosen.values())


def _set_co_workers(case, places) -> None:
    """Store the co-workers' places with their memberships (one row per user)."""
    wanted = {m.user_id: m.pk for m in places}
    current = {p.user_id: p for p in CaseCoWorker.objects.filter(case=case)}
    CaseCoWorker.objects.filter(case=case).exclude(user_id__in=wanted).delete()
    for user_id, membership_id in wanted.items():
        place = current.get(user_id)
        if place is None:
            CaseCoWorker.objects.create(case=case, user_id=user_id, membership_id=membership_id)
        elif place.membership_id != membership_id:
            CaseCoWorker.objects.filter(pk=place.pk).update(membership_id=membership_id)


@transaction.atomic
def do_open_case(*, request, membership, person: Person, lead=None, co_workers=(), complexity="normal",
                 needs=None, summary="") -> Case:
    access.get_person_for_case(membership, person.pk)  # only the holder of the person's record
    lead, co = _clean_team(membership, lead or membership.user, co_workers)
    if complexity not in reference.names("complexities"):
        raise ValidationError("複雑さの区分が正しくありません。")
    org, now = membership.organisation, timezone.now()
    year = FiscalYear.of(now).year
    for _attempt in range(5):
        seq = (Case.objects.filter(organisation=org, number_year=year).aggregate(m=Max("number_seq"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    organisation=org, person=person, number=f"{case_prefix(org)}-{year}-{seq:04d}",
                    number_year=year, number_seq=seq, lead=lead, complexity=complexity,
                    needs=_clean_needs(needs), summary=(summary or "").strip(), created_by=membership.user,
                    opened_at=now)
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError("ケース番号を採番できませんでした。もう一度保存してください。")
    _set_co_workers(case, co)
    CaseStatusChange.objects.create(case=case, to_status=case.status, by=membership.user, at=now)
    _log("case.opened", membership, request, obj=case, person=person, groups=[RECORDS],
         data={"number": case.number, "complexity": complexity})
    return case


@transaction.atomic
def do_update_case(*, request, membership, case: Case, version, lead, co_workers, complexity, needs,
                   summary) -> Case:
    access.require_edit(membership, case)
    lead, co = _clean_team(membership, lead, co_workers)
    if complexity not in reference.names("complexities"):
        raise ValidationError("複雑さの区分が正しくありません。")
    before = {"complexity": case.complexity, "needs": case.needs}
    case = save_versioned(case, version, {"lead": lead, "complexity": complexity, "needs": _clean_needs(needs),
                                          "summary": (summary or "").strip()})
    _set_co_workers(case, co)
    _log("case.updated", membership, request, obj=case, person=case.person, groups=[RECORDS],
         data={"before": before, "complexity": case.complexity, "needs": case.needs, "version": case.version})
    return case


@transaction.atomic
def do_change_case_status(*, request, membership, case: Case, version, to_status: str, closure_reason="",
                          note="") -> Case:
    """受付 → アセスメント → 支援中 ⇄ 見守り → 終結 (with a reason), and reopening: transitions are data."""
    access.require_edit(membership, case)
    current = reference.status(case.status)
    if to_status not in current["to"]:
        raise ValidationError(f"「{current['name']}」から「{reference.names('statuses').get(to_status, to_status)}」"
                              "には変更できません。")
    values = {"status": to_status}
    if to_status == "closed":
        if closure_reason not in reference.names("closure_reasons"):
            raise ValidationError("終結理由を選んでください。")
        values.update(closure_reason=closure_reason, closed_at=timezone.now())
    else:
        values.update(closure_reason="", closed_at=None)
    from_status = case.status
    case = save_versioned(case, version, values)
    CaseStatusChange.objects.create(case=case, from_status=from_status, to_status=to_status,
                                    closure_reason=values["closure_reason"], note=(note or "").strip(),
                                    by=membership.user)
    action = "case.reopened" if from_status == "closed" else ("case.closed" if to_status == "closed"
                                                              else "case.status_changed")
    _log(action, membership, request, obj=case, person=case.person, groups=[RECORDS],
         data={"from": from_status, "to": to_status, "closure_reason": values["closure_reason"]})
    return case


# --- record entries -------------------------------------------------------------------------------------
def _clean_entry(kind, occurred_at, body):
    if kind not in reference.names("entry_kinds"):
        raise ValidationError("記録の種別を選んでください。")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("記録の日時が未来になっています。")
    body = (body or "").strip()
    if not body:
        raise ValidationError("記録の内容を入力してください。")
    return kind, occurred_at, body


@transaction.atomic
def do_add_entry(*, request, membership, case: Case, kind: str, body: str, occurred_at=None,
                 follow_up_on=None, automatic: bool = False) -> RecordEntry:
    """A new entry; `follow_up_on` is the date by which the next contact is planned (shown as due on the
    dashboard of the case's team until a later contact is recorded).

    `automatic` entries note what a partner did through another feature (a support-team change, a
    conference): the partner must see the case, not own it."""
    if automatic:
        access.require_edit(membership)
        access.get_case_for_user(membership, case.pk)
    else:
        access.require_edit(membership, case)
    kind, occurred_at, body = _clean_entry(kind, occurred_at, body)
    if follow_up_on is not None and follow_up_on < timezone.localtime(occurred_at).date():
        raise ValidationError("次回確認日が記録の日付より前になっています。")
    entry = RecordEntry.objects.create(case=case, kind=kind, occurred_at=occurred_at, author=membership.user,
                                       body=body, follow_up_on=follow_up_on)
    RecordRevision.objects.create(entry=entry, number=1, kind=kind, occurred_at=occurred_at, body=body,
                                  by=membership.user, at=entry.created_at)
    search.sync_entry(entry)
    if case.last_contact_at is None or case.last_contact_at < occurred_at:
        Case.objects.filter(pk=case.pk).update(last_contact_at=occurred_at)
    _log("record.created", membership, request, obj=entry, person=case.person, groups=[RECORDS],
         data={"case": case.number, "kind": kind,
               "follow_up_on": follow_up_on.isoformat() if follow_up_on else None})
    return entry


@transaction.atomic
def do_amend_entry(*, request, membership, entry: RecordEntry, version, body: str, reason: str,
                   kind=None, occurred_at=None) -> RecordEntry:
    """An amendment is a new revision: the earlier text stays visible with who and when."""
    access.require_edit(membership, entry)
    if entry.entered_in_error:
        raise ValidationError("誤記入とされた記録は修正できません。新しい記録を追加してください。")
    kind, occurred_at, body = _clean_entry(kind or entry.kind, occurred_at or entry.occurred_at, body)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("修正の理由を入力してください。")
    entry = save_versioned(entry, version, {"body": body, "kind": kind, "occurred_at": occurred_at,
                                            "revision_count": F("revision_count") + 1}, touch=None)
    RecordRevision.objects.create(entry=entry, number=entry.revision_count, kind=kind, occurred_at=occurred_at,
                                  body=body, reason=reason, by=membership.user)
    search.sync_entry(entry)
    _log("record.amended", membership, request, obj=entry, person=entry.case.person, groups=[RECORDS],
         data={"revision": entry.revision_count, "reason": reason})
    return entry


@transaction.atomic
def do_mark_entry_in_error(*, request, membership, entry: RecordEntry, version, reason: str) -> RecordEntry:
    """No deletion: an entry written by mistake is marked, with the reason, and stays on record."""
    access.require_edit(membership, entry)
    if entry.entered_in_error:
        raise ValidationError("この記録はすでに誤記入とされています。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("誤記入とする理由を入力してください。")
    entry = save_versioned(entry, version, {"entered_in_error": True, "error_reason": reason,
                                            "error_by": membership.user, "error_at": timezone.now()}, touch=None)
    _log("record.entered_in_error", membership, request, obj=entry, person=entry.case.person, groups=[RECORDS],
         data={"reason": reason})
    return entry
