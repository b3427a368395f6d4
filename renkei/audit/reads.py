"""Reads of person-level data on record: one entry per response (page, list, search results, export, PDF,
API answer), naming every person it shows, with the field groups and the basis each was seen on.

Views call `log_read` for one record and `log_listing` for anything that shows several persons; both
work out the basis for all the persons at once (a few queries for the whole list, none at all when every
person shown is the organisation's own), from the sharing sources of `renkei.consent.access`:

- "" inside one's own organisation or case team;
- "consent:<id>", "<basis>:disclosure:<id>" for a person shared by consent or legal-basis disclosure;
- "breakglass:<basis>:<id>" under an emergency access (the action is then prefixed `breakglass.`, so the
  audit viewer highlights it).

The field groups of a read are those actually visible to the reader (a consent for 基本情報 only does
not put 相談・経過記録 on record).
"""

from collections.abc import Iterable

from django.db.models import Q

from .actions import log_event

MIXED = "mixed"  # a listing whose persons were seen on different bases (each is in data["bases"])


def _membership(request, membership):
    return membership if membership is not None else getattr(request, "membership", None)


def person_ids(persons: Iterable) -> list[int]:
    """The ids of `persons` (Person objects or ids; None skipped), first occurrence first."""
    seen: dict[int, None] = {}
    for p in persons:
        if p is None:
            continue
        pk = getattr(p, "pk", p)
        if pk is not None:
            seen.setdefault(int(pk), None)
    return list(seen)


def _own(membership, persons: list, ids: list[int]) -> set[int]:
    """Of `ids`, those seen through the built-in grants (own organisation, or the case team): no sharing
    involved. Persons given as objects of the member's organisation need no query."""
    from renkei.cases.models import Person

    if not membership.has_perm("person.view"):
        return set()
    org = membership.organisation_id
    # a deferred organisation (`.only(...)`) is not read here: that would be one query per person
    known = {p.pk: p.__dict__["organisation_id"] for p in persons
             if not isinstance(p, int) and "organisation_id" in p.__dict__}
    own = {pk for pk in ids if known.get(pk) == org}
    rest = [pk for pk in ids if pk not in own]
    if rest:  # the case team as the access layer decides it (in the membership given the place)
        from renkei.cases.access import team_person_ids

        team = team_person_ids(membership)
        in_team = Q(pk__in=sorted(team)) if isinstance(team, frozenset) else Q(pk__in=team)
        own |= set(Person.objects.filter(pk__in=rest).filter(Q(organisation_id=org) | in_team)
                   .values_list("pk", flat=True))
    return own


def read_bases(membership, persons: Iterable, groups: Iterable[str]) -> dict[int, tuple[list[str], str]]:
    """For each person seen through sharing (not the own organisation's): (the field groups of `groups`
    visible to the member, the legal basis). Own persons are left out: their groups are `groups` and
    their basis "". Queries: one for the case teams when a person is not the organisation's own, then
    one for break-glass and two for the consents and disclosures of the persons shared."""
    from renkei.consent import access as sharing
    from renkei.consent.access import BASIC

    persons = [p for p in persons if p is not None]
    ids = person_ids(persons)
    groups = list(groups) or [BASIC]
    if membership is None or not ids:
        return {}
    own = _own(membership, persons, ids)
    shared = [pk for pk in ids if pk not in own]
    if not shared:
        return {}
    glass = sharing.breakglass_bases(membership, shared)
    # per field group: {person id: the consent (preferred) or disclosure that shows it}
    sources = sharing.sources_by_scope(membership, shared, groups)
    out = {}
    for pk in shared:
        if pk in glass:
            out[pk] = (groups, glass[pk])
            continue
        seen = [g for g in groups if pk in sources[g]] or groups
        scope = next((g for g in seen if g != BASIC), seen[0])
        out[pk] = (seen, sources.get(scope, {}).get(pk, ""))
    return out


def log_read(request, action: str, *, obj, person, field_groups, membership=None, purpose: str = "",
             legal_basis: str = "", data: dict | None = None):
    """One record read (a page, an API answer, a PDF of one person): the entry names the person, the
    field groups visible to the reader and the basis. A caller that knows the basis of the read (a
    referral's own consent or disclosure, a conference's minutes access) gives it as `legal_basis`."""
    from renkei.cases.access import PURPOSE

    m = _membership(request, membership)
    groups, basis = list(field_groups), legal_basis
    if person is not None and not legal_basis:
        groups, basis = read_bases(m, [person], groups).get(person.pk, (groups, ""))
    if basis.startswith("breakglass:") and not action.startswith("breakglass."):
        action = f"breakglass.{action}"
    return log_event(action, request=request, actor=m.user if m else None, organisation=m.organisation if m else None,
                     obj=obj, person=person, field_groups=groups, purpose=purpose or PURPOSE,
                     legal_basis=basis, data=data)


def log_listing(request, action: str, persons: Iterable, *, field_groups=None, data: dict | None = None,
                membership=None, obj=None, purpose: str = "", always: bool = False, bases: dict | None = None):
    """One entry for a response that shows several persons (a list, search results, a dashboard panel, an
    export): the entry names every one of them (`log_event(persons=...)`: the indexed link table that the
    per-person access report reads), `data["bases"]` gives those seen through sharing with their basis, `data["groups"]` those of them whose visible field groups are fewer than the
    listing's. Nothing is written when no person is shown, unless `always` (a search is on record with
    its query even when it finds nobody). `bases` gives, for persons whose basis the caller knows (a
    referral's consent or disclosure), that basis instead of the one looked up."""
    from renkei.cases.access import BASIC, PURPOSE

    m = _membership(request, membership)
    persons = [p for p in persons if p is not None]
    ids = person_ids(persons)
    if not ids and not always:
        return None
    groups = list(field_groups or [BASIC])
    known = {int(pk): basis for pk, basis in (bases or {}).items() if basis}
    shared = read_bases(m, [p for p in persons if getattr(p, "pk", p) not in known], groups)
    shared |= {pk: (groups, basis) for pk, basis in known.items() if pk in ids}
    bases = {pk: basis for pk, (_seen, basis) in shared.items()}
    body = dict(data or {})
    body["count"] = len(ids)
    if bases:
        body["bases"] = {str(pk): basis for pk, basis in bases.items()}
        fewer = {str(pk): seen for pk, (seen, _basis) in shared.items() if seen != groups}
        if fewer:
            body["groups"] = fewer
    distinct = set(bases.values())
    legal_basis = ""
    if distinct:
        legal_basis = distinct.pop() if len(distinct) == 1 and len(bases) == len(ids) else MIXED
    glass = [pk for pk, basis in bases.items() if basis.startswith("breakglass:")]
    if glass and not action.startswith("breakglass."):
        action = f"breakglass.{action}"
        body["breakglass"] = glass
    single = persons[0] if len(ids) == 1 and hasattr(persons[0], "pk") else None
    return log_event(action, request=request, actor=m.user if m else None, organisation=m.organisation if m else None,
                     obj=obj, person=single, persons=ids, field_groups=groups, purpose=purpose or PURPOSE,
                     legal_basis=legal_basis, data=body)
