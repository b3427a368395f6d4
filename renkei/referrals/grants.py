"""Visibility that an accepted referral gives its receiver, registered with the cases access layer.

The receiving organisation's accepting worker (the referral's owner), acting in that organisation,
sees while the referral is accepted, in progress or on hold:
- 基本情報 (BASIC): the person;
- 相談・経過記録 (RECORDS): also the case, its record entries and the sender's consultations with the person.
Nothing else. When the sharing rested on consent, the consent must still be active (checked through
the consent layer on every request), so a withdrawal ends the access at once.
"""

from django.db.models import Q
from django.urls import reverse

from renkei.cases import access as cases_access
from renkei.cases import grant_cache
from renkei.cases.access import BASIC, RECORDS
from renkei.consent.access import register_person_grants

from . import reference, sharing
from .models import Referral

NOTHING = Q(pk__in=[])


def _may_see_shared(m) -> bool:
    return m is not None and m.is_active and (m.has_perm("shared.view") or m.has_perm("person.view"))


def active_referrals(m) -> list[Referral]:
    """The referrals whose sharing currently holds for this member (owner, receiving side); looked up
    once per request on read-only pages (`cases_access.per_request`), on every call elsewhere."""
    if not _may_see_shared(m):
        return []
    return cases_access.per_request(("referrals.active", *cases_access.member_key(m)), lambda: _active(m))


def _active(m) -> list[Referral]:
    candidates = Referral.objects.filter(owner=m.user, to_organisation=m.organisation,
                                         status__in=reference.grant_statuses()).select_related("person")
    return [r for r in candidates if sharing.still_holds(r)]


def _sources(m) -> frozenset:
    """{(person id, case id, sender organisation id, scopes)} of the referrals whose sharing holds now: the
    small source of these grants, reused across requests while no grant table changed and no time boundary
    passed (renkei.cases.grant_cache) — never the ids of the records they open."""
    if not _may_see_shared(m):
        return frozenset()
    key = ("referrals.sources", *cases_access.member_key(m))
    return cases_access.per_request(key, lambda: grant_cache.cached(key, lambda: frozenset(
        (r.person_id, r.case_id, r.from_organisation_id, tuple(r.scopes)) for r in _active(m)), cases_access._token))


def _with_scope(m, scope) -> list[tuple]:
    return sorted(source for source in _sources(m) if scope in source[3])


def person_grant(m, prefix="") -> Q:
    ids = sorted({person for person, _, _, _ in _with_scope(m, BASIC)})
    return Q(**{f"{prefix}pk__in": ids}) if ids else NOTHING


def case_grant(m, prefix="") -> Q:
    ids = sorted({case for _, case, _, _ in _with_scope(m, RECORDS)})
    return Q(**{f"{prefix}pk__in": ids}) if ids else NOTHING


def entry_grant(m, prefix="") -> Q:
    ids = sorted({case for _, case, _, _ in _with_scope(m, RECORDS)})
    return Q(**{f"{prefix}case_id__in": ids}) if ids else NOTHING


def consultation_grant(m, prefix="") -> Q:
    """The sender's consultations with the person (on the record's own columns, as search documents carry)."""
    q = NOTHING
    for person, _, sender, _ in _with_scope(m, RECORDS):
        q |= Q(**{f"{prefix}person_id": person, f"{prefix}organisation_id": sender})
    return q


def referral_grants(m, person) -> list[dict]:
    """The holder's list of grants (consent register): referrals of the person to other organisations whose
    status gives the receiver access."""
    return [{"kind": "連携依頼", "who": referral.to_organisation.name, "since": referral.created_at, "until": None,
             "basis": "・".join(referral.scopes), "end_url": reverse("referrals:detail", args=[referral.pk]),
             "end_label": "依頼の画面で終了・取り下げ"}
            for referral in (Referral.objects.filter(person=person, status__in=reference.grant_statuses())
                             .exclude(to_organisation_id=m.organisation_id).select_related("to_organisation")
                             .order_by("created_at"))]


def register() -> None:
    register_person_grants(20, referral_grants)
    cases_access.register_grant("person", person_grant)
    cases_access.register_grant("case", case_grant)
    cases_access.register_grant("entry", entry_grant)
    cases_access.register_grant("consultation", consultation_grant)
    grant_cache.grant_tables(Referral)
