"""Sharing across organisations: which consents, disclosures and break-glass accesses let a member of
another organisation see a person, and how much of them (scopes, per field group).

Public interface (other apps call these): `active_consents`, `sharing_basis`, `scopes_shared_with`,
`basis_label`. The grants registered with `renkei.cases.access.register_grant` (see
apps.py) use the same querysets, so pages, API, search and exports agree. Withdrawal and expiry take
effect at once: the grants' results are reused across requests only while none of the tables they
read has changed and no time boundary (`next_time_boundary`, local midnight) has passed — see
renkei.cases.grant_cache.

Consent is a lower layer than conferences, referrals and discharge: it imports nothing from them. What it
needs of them they register in their AppConfig.ready — the support teams a consent may name
(`register_support_teams`, renkei.conferences) and the grants each lists for the holder
(`register_person_grants`).
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from renkei.cases.access import (
    BASIC,
    NOTHING,
    get_person_for_user,
    holds_record,
    member_key,
    per_request,
    team_person_ids,
)
from renkei.cases.models import CaseCoWorker, Person

from . import reference
from .models import BreakGlassAccess, Consent, Disclosure


def _scope_q(scope: str | None) -> Q:
    return Q(scope_index__contains=f"|{scope}|") if scope else Q()


# Sharing is the holder's: a consent or disclosure counts only when the organisation that recorded it holds
# the person's record. (Recording is refused to anyone else; this keeps rows recorded before that rule,
# or by an organisation that has since ceased to hold the record, from granting anything.)
BY_HOLDER = Q(owner=F("person__organisation"))


def _consents_on(day) -> QuerySet:
    return Consent.objects.filter(BY_HOLDER, withdrawn_at__isnull=True, valid_from__lte=day, valid_until__gte=day)


def in_force(consents: QuerySet, day=None) -> QuerySet:
    """Those of `consents` not withdrawn and within their period on `day` (today)."""
    day = day or timezone.localdate()
    return consents.filter(withdrawn_at__isnull=True, valid_from__lte=day, valid_until__gte=day)


def _covering(organisation, recipient_kinds) -> Q:
    q = NOTHING
    if "organisation" in recipient_kinds:
        q |= Q(recipient_kind="organisation", recipient_organisation=organisation)
    if "organisation_type" in recipient_kinds:
        q |= Q(recipient_kind="organisation_type", recipient_type_id=organisation.type_id)
    return q


# --- support teams as recipients (renkei.conferences registers them) ------------------------------------------
_support_teams: dict[str, Callable] = {}


def register_support_teams(*, member_teams: Callable, members: Callable, of_person: Callable,
                           label: Callable) -> None:
    """What a consent addressed to a support team needs of the teams, which live in renkei.conferences (a
    higher layer); called from its AppConfig.ready. `member_teams(membership)`: a values queryset of the ids
    of the teams the member belongs to now (as this user, in this organisation, not removed);
    `members(consent)`: the members a support-team consent reaches now (active, with a login);
    `of_person(person)`: the teams of the person's cases, which a consent about them may name;
    `label(team)`: a team as a choice on the consent form."""
    _support_teams.update(member_teams=member_teams, members=members, of_person=of_person, label=label)


def support_teams(name: str) -> Callable:
    """One of the functions registered with `register_support_teams`."""
    try:
        return _support_teams[name]
    except KeyError:
        raise ImproperlyConfigured("support teams are registered by renkei.conferences (AppConfig.ready)") from None


def member_teams(membership) -> QuerySet:
    """Ids of the support teams the member belongs to now: as this user, in this organisation, not removed."""
    return support_teams("member_teams")(membership)


def _covering_member(membership, recipient_kinds) -> Q:
    """`_covering` for one member: also the consents naming a support team they are an active member of.
    Team membership is read on every request, so removal from the team ends the access at once."""
    q = _covering(membership.organisation, recipient_kinds)
    if "support_team" in recipient_kinds:
        q |= Q(recipient_kind="support_team", recipient_team_id__in=member_teams(membership))
    return q


def active_consents(person, organisation, scopes=None) -> QuerySet:
    """Consents in force today for `person` that cover `organisation` (by itself or by its type) and
    every scope in `scopes` (all of them, when given). A support-team consent covers team members, not
    a whole organisation, so it is not among these (see `scopes_shared_with` for one member)."""
    qs = _consents_on(timezone.localdate()).filter(_covering(organisation, ["organisation", "organisation_type"]))
    if person is not None:
        qs = qs.filter(person=person)
    for scope in scopes or []:
        qs = qs.filter(_scope_q(scope))
    return qs.select_related("recipient_organisation", "recipient_type", "recipient_team__case", "owner")


def active_disclosures(person, organisation, scopes=None) -> QuerySet:
    today = timezone.localdate()
    qs = Disclosure.objects.filter(BY_HOLDER, recipient=organisation, valid_until__gte=today,
                                   at__lte=timezone.now(), ended_at__isnull=True)
    if person is not None:
        qs = qs.filter(person=person)
    for scope in scopes or []:
        qs = qs.filter(_scope_q(scope))
    return qs.select_related("recipient", "owner")


def active_breakglass(membership, person=None) -> QuerySet:
    if membership is None or not membership.is_active or not membership.has_perm("breakglass.use"):
        return BreakGlassAccess.objects.none()
    now = timezone.now()
    qs = BreakGlassAccess.objects.filter(user=membership.user, organisation=membership.organisation,
                                         started_at__lte=now, expires_at__gt=now)
    return qs.filter(person=person) if person is not None else qs


def next_time_boundary(now):
    """The next instant after `now` at which a grant changes by the clock alone (for the grant cache;
    dates — consent periods, disclosure ends — change at local midnight, which the cache knows): a
    break-glass access starting or ending, a disclosure dated ahead taking effect."""
    instants = [BreakGlassAccess.objects.filter(started_at__gt=now).aggregate(t=Min("started_at"))["t"],
                BreakGlassAccess.objects.filter(expires_at__gt=now).aggregate(t=Min("expires_at"))["t"],
                Disclosure.objects.filter(at__gt=now).aggregate(t=Min("at"))["t"]]
    return min((t for t in instants if t is not None), default=None)


def sharing_basis(person, organisation, scope) -> Consent | Disclosure | None:
    """The consent (preferred) or legal-basis disclosure that lets `organisation` see `scope` of `person`."""
    consent = active_consents(person, organisation, [scope]).order_by("-valid_until", "-id").first()
    if consent is not None:
        return consent
    return active_disclosures(person, organisation, [scope]).order_by("-valid_until", "-id").first()


# --- what one member may see ----------------------------------------------------------------------------
def _consents_for(membership, reach, scope) -> QuerySet:
    qs = _consents_on(timezone.localdate()).filter(_covering_member(membership, reach["recipient_kinds"]))
    return qs.filter(_scope_q(scope))


def _reach_allows(reach, scope) -> bool:
    return reach is not None and (reach["scopes"] == "*" or scope in reach["scopes"])


def _shared_sources(membership, scope):
    """(consents, disclosures) querysets through which `membership` may see `scope`, or None."""
    reach = reference.reach_for(membership)
    if not _reach_allows(reach, scope):
        return None
    consents = _consents_for(membership, reach, scope)
    disclosures = active_disclosures(None, membership.organisation, [scope]) if reach["disclosures"] \
        else Disclosure.objects.none()
    return consents, disclosures


READ_SOURCES_LIMIT = 2000


def _glass_rows(glass_qs, limit=None) -> list:
    glass_qs = glass_qs.select_related(None).only("id", "person_id", "legal_basis", "started_at").order_by()
    return [(a.person_id, a.started_at.timestamp(), a.pk, a.legal_basis_label) for a in glass_qs[:limit]]


def _source_rows(membership, person_ids=None) -> list:
    """(person id, rank, scope index, basis label) of the consents and disclosures covering `membership`
    (of `person_ids` when given; at most READ_SOURCES_LIMIT + 1 of each kind otherwise)."""
    reach = reference.reach_for(membership)
    if reach is None:
        return []
    sources = [(0, active_disclosures(None, membership.organisation))] if reach["disclosures"] else []
    sources.append((1, _consents_for(membership, reach, None)))
    rows = []
    for kind, source_qs in sources:
        fields = ["id", "person_id", "scope_index", "valid_until"] + (
            ["legal_basis"] if source_qs.model is Disclosure else [])
        source_qs = source_qs.select_related(None).only(*fields).order_by()
        source_qs = source_qs.filter(person_id__in=person_ids) if person_ids is not None \
            else source_qs[:READ_SOURCES_LIMIT + 1]
        rows += [(s.person_id, (kind, s.valid_until.toordinal(), s.pk), s.scope_index, s.legal_basis_label)
                 for s in source_qs]
    return rows


def _read_sources(membership):
    """(break-glass rows, sharing rows) covering `membership` now, for the audit of its reads: each
    break-glass row (person id, start, id, basis label); each consent or disclosure row (person id, rank,
    scope index, basis label), where the higher rank wins for a person and scope: a consent over a
    disclosure, then the later end date, then the later row. None when there are more than
    READ_SOURCES_LIMIT rows of a kind (the caller then asks for its persons only)."""
    glass = _glass_rows(active_breakglass(membership), READ_SOURCES_LIMIT + 1)
    rows = _source_rows(membership)
    if len(glass) > READ_SOURCES_LIMIT or len(rows) > READ_SOURCES_LIMIT:
        return None
    return frozenset(glass), frozenset(rows)


def read_sources(membership, person_ids):
    """`_read_sources` of `person_ids`' rows: once per request, and reused across requests while no grant
    table changed and no time boundary passed (renkei.cases.grant_cache); when there are too many rows to
    keep, the rows of `person_ids` only (three queries)."""
    from renkei.cases import access as cases_access
    from renkei.cases import grant_cache

    key = ("consent.read_sources", *member_key(membership))
    every = per_request(key, lambda: grant_cache.cached(
        (*key, membership.organisation.type_id), lambda: _read_sources(membership), cases_access._token))
    wanted = set(person_ids)
    if every is None:
        return (_glass_rows(active_breakglass(membership).filter(person_id__in=wanted)),
                _source_rows(membership, wanted))
    return ([row for row in every[0] if row[0] in wanted], [row for row in every[1] if row[0] in wanted])


def sources_by_scope(membership, person_ids, scopes) -> dict[str, dict[int, str]]:
    """For the audit of a read: {scope: {person id: basis label}} of the consents (preferred) and legal-basis
    disclosures through which `membership` sees each of `scopes` of `person_ids` (from `read_sources`: no
    query while the grants are unchanged). A scope the member's role may not see through sharing has no
    entry."""
    reach = reference.reach_for(membership)
    allowed = [scope for scope in scopes if _reach_allows(reach, scope)]
    found: dict[str, dict[int, str]] = {scope: {} for scope in scopes}
    if not allowed or not person_ids:
        return found
    best: dict[tuple[str, int], tuple] = {}
    for person, rank, scope_index, label in read_sources(membership, person_ids)[1]:
        for scope in allowed:
            if f"|{scope}|" in scope_index and rank > best.get((scope, person), ((-1,),))[0]:
                best[(scope, person)] = (rank, label)
    for (scope, person), (_rank, label) in best.items():
        found[scope][person] = label
    return found


def breakglass_bases(membership, person_ids) -> dict[int, str]:
    """{person id: basis label} of the latest active break-glass access of `membership` to each person."""
    out: dict[int, tuple] = {}
    for person, started, pk, label in read_sources(membership, person_ids)[0]:
        if (started, pk) > out.get(person, ((-1.0, -1), ""))[0]:
            out[person] = ((started, pk), label)
    return {person: label for person, (_order, label) in out.items()}


def _owned_by(source_qs, person_field: str, org_field: str) -> Exists:
    return Exists(source_qs.filter(person=OuterRef(person_field), owner=OuterRef(org_field)))


PAIRS_LIMIT = 300


def _sharing_pairs(membership, scope):
    """(break-glass person ids, {(person id, owner organisation id)} of the covering consents and
    disclosures) for `scope`, evaluated first (few rows); None when there are more than PAIRS_LIMIT."""
    # One query: break-glass rows carry owner 0 (no organisation has id 0).
    parts = [active_breakglass(membership).annotate(owner=Value(0, output_field=IntegerField()))
             .values_list("person_id", "owner").order_by()]
    sources = _shared_sources(membership, scope)
    if sources is not None:
        parts += [source.values_list("person_id", "owner_id").order_by() for source in sources]
    rows = list(parts[0].union(*parts[1:], all=True)[:2 * PAIRS_LIMIT + 2])
    glass = frozenset(person for person, owner in rows if owner == 0)
    pairs = frozenset((person, owner) for person, owner in rows if owner != 0)
    if len(glass) > PAIRS_LIMIT or len(pairs) > PAIRS_LIMIT or len(rows) > 2 * PAIRS_LIMIT + 1:
        return None
    return glass, pairs


def sharing_pairs(membership, scope):
    """`_sharing_pairs`, once per request and reused across requests while no grant table changed and no
    time boundary passed (renkei.cases.grant_cache): the small source the consent grants are built from."""
    from renkei.cases import access as cases_access
    from renkei.cases import grant_cache

    key = ("consent.pairs", scope, *member_key(membership))
    return per_request(key, lambda: grant_cache.cached(
        (*key, membership.organisation.type_id), lambda: _sharing_pairs(membership, scope), cases_access._token))


def grant_q(kind: str, membership, prefix: str = "") -> Q:
    """The grant for `kind` ("person", "case", "consultation"; entries follow their case): persons through
    any covering source; records only of the organisation that obtained the consent or made the
    disclosure; everything of a person under an active break-glass. `prefix` is the path from the queried
    model (see renkei.cases.access); only `pk__in` subqueries, so no rows are multiplied. The few sources
    are read first (once per request on read-only pages), so the condition is plain ids."""
    if membership is None or not membership.is_active:
        return NOTHING
    scope = reference.kind_scope(kind)
    evaluated = sharing_pairs(membership, scope)
    if evaluated is None:
        return _grant_subqueries(kind, membership, prefix, scope)
    glass, pairs = evaluated
    if kind == "person":
        ids = sorted(set(glass) | {person for person, _owner in pairs})
        return Q(**{f"{prefix}pk__in": ids}) if ids else NOTHING
    q = Q(**{f"{prefix}person_id__in": sorted(glass)}) if glass else NOTHING
    for person, owner in sorted(pairs):
        q |= Q(**{f"{prefix}person_id": person, f"{prefix}organisation_id": owner})
    return q


def person_grant(membership, prefix="") -> Q:
    return grant_q("person", membership, prefix)


def case_grant(membership, prefix="") -> Q:
    return grant_q("case", membership, prefix)


def consultation_grant(membership, prefix="") -> Q:
    return grant_q("consultation", membership, prefix)


def _grant_subqueries(kind: str, membership, prefix: str, scope) -> Q:
    """`grant_q` with the sources as subqueries (when there are many)."""
    glass = active_breakglass(membership).values("person_id")
    sources = _shared_sources(membership, scope)
    if kind == "person":
        ids = Person.objects.filter(pk__in=glass)
        if sources is not None:
            consents, disclosures = sources
            ids = Person.objects.filter(Q(pk__in=glass) | Q(pk__in=consents.values("person_id"))
                                        | Q(pk__in=disclosures.values("person_id")))
        return Q(**{f"{prefix}pk__in": ids.values("pk")})
    # On the record's own person and organisation columns (which a search document carries too), never
    # through record ids. `person_id__in` first (implied by the EXISTS): the database starts from the few
    # persons shared instead of testing every row of the table.
    person, org = f"{prefix}person_id", f"{prefix}organisation_id"
    q = Q(**{f"{person}__in": glass})
    if sources is not None:
        consents, disclosures = sources
        q |= Q(**{f"{person}__in": consents.values("person_id")}) & Q(_owned_by(consents, person, org))
        q |= Q(**{f"{person}__in": disclosures.values("person_id")}) & Q(_owned_by(disclosures, person, org))
    return q


def _is_own(membership, person) -> bool:
    """Seen through the built-in grants (own organisation, or the case team) — no sharing involved."""
    if not membership.is_active or not membership.has_perm("person.view"):
        return False
    if person.organisation_id == membership.organisation_id:
        return True
    team = team_person_ids(membership)  # a co-worker of the holder's case, in the membership given the place
    if isinstance(team, frozenset):
        return person.pk in team
    return team.filter(person=person.pk).exists()


def sees_contact_details(membership, person) -> bool:
    """Whether the member sees `person`'s address, phone and safe-contact notes: inside the holder's own
    organisation and the case team always; otherwise when the role's reach includes contact details
    (data/sharing.json: a peer supporter's assignment needs the name, not where the person lives)."""
    if membership is None or not membership.is_active or person is None:
        return False
    if _is_own(membership, person):
        return True
    reach = reference.reach_for(membership)
    return reach is None or reach.get("contact_details", True)


def scopes_shared_with(membership, person) -> set[str]:
    """The scopes (field groups) of `person` that `membership` may see: all for the own organisation and
    under break-glass; otherwise those covered by consents and disclosures, within the role's reach."""
    if membership is None or not membership.is_active or person is None:
        return set()
    if _is_own(membership, person) or active_breakglass(membership, person).exists():
        return set(reference.scope_codes())
    seen = set()
    for scope in reference.scope_codes():
        sources = _shared_sources(membership, scope)
        if sources is None:
            continue
        consents, disclosures = sources
        if consents.filter(person=person).exists() or disclosures.filter(person=person).exists():
            seen.add(scope)
    return seen


def _source_for(membership, person, scope):
    glass = active_breakglass(membership, person).first()
    if glass is not None:
        return glass
    sources = _shared_sources(membership, scope)
    if sources is None:
        return None
    consents, disclosures = sources
    return (consents.filter(person=person).order_by("-valid_until", "-id").first()
            or disclosures.filter(person=person).order_by("-valid_until", "-id").first())


def basis_label(membership, person, scope: str = BASIC) -> str:
    """What an audit entry of a read records as its legal basis: "" inside one's own organisation,
    "consent:<id>", "<basis code>:disclosure:<id>" or "breakglass:<basis code>:<id>" otherwise."""
    if membership is None or person is None or _is_own(membership, person):
        return ""
    source = _source_for(membership, person, scope)
    return source.legal_basis_label if source is not None else ""


# --- the consent register itself --------------------------------------------------------------------------
def get_person_for_consent(membership, person_id) -> Person:
    """The person, if the member may see them at all (404 alike for missing and forbidden)."""
    return get_person_for_user(membership, person_id)


def consents_visible_to(membership) -> QuerySet:
    """Consents a member may read: those their organisation obtained, and those naming their organisation
    (or its type, or a support team they are an active member of) for persons they may see."""
    if membership is None or not membership.is_active:
        return Consent.objects.none()
    if not (membership.has_perm("consent.manage") or membership.has_perm("person.view")
            or membership.has_perm("shared.view")):
        return Consent.objects.none()
    org = membership.organisation
    covering = _covering_member(membership, ["organisation", "organisation_type", "support_team"])
    held = Q(person__organisation=org) if (membership.has_perm("consent.manage")
                                           or membership.has_perm("person.view")) else NOTHING
    return Consent.objects.filter(Q(owner=org) | held | covering).select_related(
        "person", "owner", "recipient_organisation", "recipient_type", "recipient_team__case", "obtained_by",
        "withdrawn_by")


def disclosures_visible_to(membership) -> QuerySet:
    if membership is None or not membership.is_active:
        return Disclosure.objects.none()
    org = membership.organisation
    return Disclosure.objects.filter(Q(owner=org) | Q(person__organisation=org) | Q(recipient=org)).select_related(
        "person", "owner", "recipient", "disclosed_by")


def team_recipients(consent) -> QuerySet:
    """The staff members a support-team consent reaches now (active members with a login; none for a consent
    addressed otherwise)."""
    return support_teams("members")(consent)


def get_managed_disclosure(membership, disclosure_id) -> Disclosure:
    """A disclosure the member's organisation made, for ending it early (needs consent.manage); 404 alike
    for missing and forbidden."""
    if not can_manage(membership):
        raise Http404
    try:
        disclosure = disclosures_visible_to(membership).filter(may_end(membership)).get(pk=int(disclosure_id))
    except (Disclosure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_person_for_user(membership, disclosure.person_id)
    return disclosure


def get_consent_for_user(membership, consent_id) -> Consent:
    try:
        consent = consents_visible_to(membership).get(pk=int(consent_id))
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_person_for_user(membership, consent.person_id)  # the person must be visible too
    return consent


def get_managed_consent(membership, consent_id) -> Consent:
    """A consent the member's organisation obtained, for withdrawing it (needs consent.manage)."""
    if membership is None or not membership.has_perm("consent.manage"):
        raise Http404
    consent = get_consent_for_user(membership, consent_id)
    if not Consent.objects.filter(may_end(membership), pk=consent.pk).exists():
        raise Http404
    return consent


def expiring_consents(organisation, days=None) -> QuerySet:
    """Consents the organisation obtained that are in force and end within `days` (data file default)."""
    import datetime as dt

    today = timezone.localdate()
    days = reference.expiry_warning_days() if days is None else days
    return (_consents_on(today).filter(owner=organisation, valid_until__lte=today + dt.timedelta(days=days))
            .select_related("person", "recipient_organisation", "recipient_type", "recipient_team__case")
            .order_by("valid_until", "id"))


def may_end(membership) -> Q:
    """Consents and disclosures the member's organisation may end: those it recorded, and every one about a
    person whose record it holds (the holder ends what others recorded about its person)."""
    org = membership.organisation_id
    return Q(owner_id=org) | Q(person__organisation_id=org)


def may_share(membership, person) -> bool:
    """Whether the member may record consents and disclosures about `person`: consent.manage, acting for
    the organisation that holds the person's record. A recipient of shared data never passes it on."""
    return can_manage(membership) and holds_record(membership, person)


def get_person_for_sharing(membership, person_id) -> Person:
    """The person, to record a consent or disclosure about: 404 alike for missing, forbidden, and a person
    whose record another organisation holds (the same answer as every object one may not change)."""
    if not can_manage(membership):
        raise Http404
    person = get_person_for_user(membership, person_id)
    if not may_share(membership, person):
        raise Http404
    return person


def can_manage(membership) -> bool:
    return membership is not None and membership.is_active and membership.has_perm("consent.manage")


# --- every grant a person's record has, for its holder ------------------------------------------------------
GrantRows = Callable[[object, object], list[dict]]
_person_grant_rows: list[tuple[int, GrantRows]] = []


def register_person_grants(order: int, rows: GrantRows) -> None:
    """Add a kind of grant to the holder's list (`person_grants`), called from the AppConfig.ready of the
    app that keeps it: `rows(membership, person)` gives, for the holder's member, one dict per grant
    through which someone outside the holder sees the person now — {"kind", "who", "since", "until",
    "basis", "end_url", "end_label"} (`end_url` None where it ends by itself). Kinds are listed by `order`."""
    if all(fn is not rows for _order, fn in _person_grant_rows):
        _person_grant_rows.append((order, rows))
        _person_grant_rows.sort(key=lambda entry: entry[0])


def person_grants(membership, person) -> list[dict]:
    """For the organisation holding `person`'s record: every grant through which someone *outside* it sees
    the person now, besides the consents and disclosures listed with the register itself — break-glass
    accesses, referrals whose sharing holds, support-team members of other organisations, co-workers of
    other organisations on its cases, plan hand-overs (each kind registered with `register_person_grants`)
    — each with where it is ended (None where it ends by itself). Empty for anyone but the holder."""
    if not holds_record(membership, person) or not membership.has_perm("person.view"):
        return []
    return [row for _order, rows in _person_grant_rows for row in rows(membership, person)]


def breakglass_grants(membership, person) -> list[dict]:
    """The holder's list: emergency accesses to the person not yet expired; the holder's consent managers
    end an active one early (`consent:breakglass_end`)."""
    may_end = may_share(membership, person)
    return [{"kind": "緊急アクセス", "who": f"{glass.user}（{glass.organisation.name}）", "since": glass.started_at,
             "until": glass.expires_at, "basis": glass.legal_basis_name,
             "end_url": reverse("consent:breakglass_end", args=[glass.pk]) if may_end else None,
             "end_label": "緊急アクセスを終了する" if may_end else "時間で終了（延長はできません）"}
            for glass in (BreakGlassAccess.objects.filter(person=person, expires_at__gt=timezone.now())
                          .select_related("user", "organisation").order_by("started_at"))]


def get_breakglass_for_ending(membership, access_id) -> BreakGlassAccess:
    """A break-glass access to a person whose record the member's organisation holds, for its consent
    managers to end early (`may_share`); 404 alike for missing, forbidden and one the member may not end."""
    if not can_manage(membership):
        raise Http404
    try:
        glass = BreakGlassAccess.objects.select_related("person", "user", "organisation").get(pk=int(access_id))
    except (BreakGlassAccess.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not may_share(membership, glass.person):
        raise Http404
    return glass


def co_worker_grants(membership, person) -> list[dict]:
    """The holder's list: co-workers from other organisations on the holder's cases of the person, each
    in the membership their place was given to (a place without one opens nothing and is not listed)."""
    org, rows = membership.organisation_id, []
    places = (CaseCoWorker.objects.filter(case__person=person, case__organisation_id=org, membership__is_active=True,
                                          user__is_active=True)
              .exclude(membership__organisation_id=org)
              .select_related("case", "user", "membership__organisation").order_by("case__opened_at", "pk"))
    for place in places:
        case = place.case
        rows.append({"kind": "ケースの協働者", "who": f"{place.user}（{place.membership.organisation.name}）",
                     "since": case.opened_at, "until": None, "basis": f"ケース {case.number}",
                     "end_url": reverse("cases:case_edit", args=[case.pk]), "end_label": "ケースの編集で外す"})
    return rows
