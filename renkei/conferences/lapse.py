"""When a consent naming a support team ends — withdrawn, or past its date — the team's members from other
organisations no longer see the person through it. Both sides are told at once (one notice per consent
and recipient, in the one notification model, renkei.notices.notify, linking to the team page): each such member, in the
organisation of their team membership, and the team's holder (the case lead, or the case organisation's
conference managers when the lead no longer works there). The team page says, for each member whose
access ended, when and why (「同意の撤回」/「同意期限切れ」) and offers the next steps (record a new
consent, remove the member); the member's own view of the page says the same without the person's data.

Three ways in, one function (`team_consent_ended`): the consent layer's `basis_ended` hook (withdrawal, in
the same transaction; registered in ConferencesConfig.ready), the daily command
`referrals_end_lapsed_bases` (expiry by the clock: `end_lapsed`), and `check(team)` when the team page is
read.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from renkei.audit.actions import log_event
from renkei.cases.access import BASIC

PURPOSE = "支援チーム（共有の根拠の終了）"
AUTOMATIC = "Renkei（自動）"
SUBJECT = "【Renkei】支援チームへの同意が終了しました"
WINDOW_DAYS = 30  # the daily run tells about consents that expired within this many days


def _key(consent) -> str:
    return f"team-consent:{consent.pk}"


def cause_name(cause: str) -> str:
    """「同意の撤回」/「同意期限切れ」: the consent layer's names of how a consent ended."""
    from renkei.consent.ending import cause_name as name

    return name(cause)


@dataclass
class Ended:
    """How a team consent stopped reaching a member: when, why, which consent."""

    consent: object
    cause: str  # "withdrawn" | "expired"
    at: dt.datetime

    @property
    def cause_name(self) -> str:
        return cause_name(self.cause)


def _end_of(consent) -> Ended | None:
    """When and why `consent` stopped counting; None while it is in force (or has not begun)."""
    expiry = timezone.make_aware(dt.datetime.combine(consent.valid_until + dt.timedelta(days=1), dt.time()))
    if consent.withdrawn_at is not None and consent.withdrawn_at < expiry:
        return Ended(consent, "withdrawn", consent.withdrawn_at)
    if expiry <= timezone.now():
        return Ended(consent, "expired", expiry)
    return None


def team_consents(team):
    """The consents naming `team` that count (recorded by the holder of the person's record)."""
    from renkei.consent.models import Consent

    return (Consent.objects.filter(recipient_kind="support_team", recipient_team=team,
                                   owner=F("person__organisation"))
            .select_related("withdrawn_by").order_by("-valid_until", "-id"))


def _membership_of(member):
    from renkei.accounts.models import Membership

    return (Membership.objects.filter(user_id=member.user_id, organisation_id=member.organisation_id,
                                      is_active=True).select_related("user", "organisation").first())


def ended_for(team, members) -> dict:
    """{member id: Ended} for the active staff members from other organisations whom a team consent reached
    and who, since it ended, no longer see the person at all (no other consent or basis covers them)."""
    from renkei.consent.access import scopes_shared_with

    case = team.case
    ends = [end for end in (_end_of(c) for c in team_consents(team)) if end is not None]
    if not ends:
        return {}
    out = {}
    for member in members:
        if not member.user_id or member.removed_at is not None or member.organisation_id == case.organisation_id:
            continue
        reached = [end for end in ends
                   if member.added_at < end.at and end.consent.valid_from <= timezone.localdate(end.at)]
        if not reached:
            continue
        membership = _membership_of(member)
        if membership is not None and BASIC in scopes_shared_with(membership, case.person):
            continue
        out[member.pk] = max(reached, key=lambda end: end.at)
    return out


def _holders(case) -> list:
    from renkei.accounts.models import Membership
    from renkei.notices import notify

    lead_works_there = Membership.objects.filter(user_id=case.lead_id, organisation_id=case.organisation_id,
                                                 is_active=True, user__is_active=True).exists()
    return [case.lead] if lead_works_there else notify.staff_with(case.organisation, "conference.manage")


@transaction.atomic
def team_consent_ended(consent, cause: str, *, request=None, membership=None) -> int:
    """Tell the team's members from other organisations, and its holder, that the team consent ended (they
    no longer see the person's data through it). Idempotent per consent; returns the notices made."""
    from django.urls import reverse

    from renkei.consent.access import team_recipients
    from renkei.notices import notify

    team = consent.recipient_team
    case = team.case
    what = "撤回されました" if cause == "withdrawn" else "有効期限が切れました"
    name = cause_name(cause)
    about = {"url": reverse("conferences:team", args=[case.pk]), "person": case.person_id, "subject": SUBJECT}
    made = 0
    others = [m for m in team_recipients(consent) if m.organisation_id != case.organisation_id]
    for member in others:
        made += notify.notify(
            [member.user], organisation=member.organisation, kind="basis_ended", key=_key(consent), **about,
            message=f"支援チーム（ケース {case.number}）への同意#{consent.pk}が{what}（{name}）。本人の情報はこの同意では"
                    f"見られなくなりました。支援を続けるときは{case.organisation.name}に新しい同意の記録を依頼してください")
    if others:
        names = "、".join(f"{m.user}（{m.organisation.name}）" for m in others)
        made += notify.notify(
            _holders(case), organisation=case.organisation, kind="basis_ended", key=_key(consent), **about,
            message=f"支援チーム（ケース {case.number}）への同意#{consent.pk}が{what}（{name}）。{names}は本人の情報を"
                    "見られなくなりました。支援チームの画面で、新しい同意を記録するか構成員を外してください")
    if made:
        actor = membership.user if membership is not None else None
        log_event("team.consent_ended", request=request, actor=actor,
                  organisation=membership.organisation if membership is not None else case.organisation,
                  obj=consent, person=case.person, field_groups=[BASIC], purpose=PURPOSE,
                  actor_label="" if actor else AUTOMATIC,
                  data={"consent": consent.pk, "cause": cause, "members": [m.pk for m in others]})
    return made


def on_basis_ended(*, request, membership, consent=None, disclosure=None, cause: str) -> None:
    """The consent layer's hook (renkei.consent.ending): a withdrawn consent naming a support team."""
    if consent is not None and consent.recipient_kind == "support_team":
        team_consent_ended(consent, cause, request=request, membership=membership)


def _untold(consents):
    from renkei.notices.models import Notification

    told = set(Notification.objects.filter(key__in=[_key(c) for c in consents]).values_list("key", flat=True))
    return [c for c in consents if _key(c) not in told]


def check(team) -> int:
    """On read: tell about the team's consents that expired by the clock and were not told yet."""
    today = timezone.localdate()
    expired = list(team_consents(team).filter(withdrawn_at__isnull=True, valid_until__lt=today,
                                              valid_until__gte=today - dt.timedelta(days=WINDOW_DAYS)))
    return sum(team_consent_ended(consent, "expired") for consent in _untold(expired))


def end_lapsed(today=None) -> int:
    """The daily run: tell support teams whose consent expired (within the last WINDOW_DAYS days; earlier
    ones were told on earlier runs). Returns the notices made."""
    from renkei.consent.models import Consent

    today = today or timezone.localdate()
    expired = list(Consent.objects.filter(
        recipient_kind="support_team", owner=F("person__organisation"), withdrawn_at__isnull=True, valid_until__lt=today,
        valid_until__gte=today - dt.timedelta(days=WINDOW_DAYS)).select_related(
        "recipient_team__case__lead", "recipient_team__case__organisation", "recipient_team__case__person"))
    return sum(team_consent_ended(consent, "expired") for consent in _untold(expired))
