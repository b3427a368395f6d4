"""Who may see which persons, cases, consultations and record entries. Every query goes through here.

Visibility is the OR of *grants*. A grant is one function `grant(membership, prefix="") -> Q` over one
model (`prefix`: the path from the queried model, e.g. "case__"). The built-in grants are: members of the
organisation holding the record whose role has `person.view`, and the co-workers of a case. Every other
app registers its grants in its `AppConfig.ready()` with `register_grant(kind, fn)`, next to the grant
tables they read (`grant_cache.grant_tables`) — nothing else in this module needs to change.

Writing needs `person.edit` AND that the object is the worker's own to change: its owning organisation
or its case team (`require_edit(membership, obj)`, `can_edit_object`). Grants that other layers register
(consent, disclosure, break-glass, accepted referrals, support teams) only ever let a worker *see*: a
record is changed only by those responsible for it.
Field groups (the data scopes written to the audit log): BASIC (name, birth date, contact) and RECORDS
(consultations, cases, record entries). Which field groups of a visible person a member sees, and whether
their contact details, is decided by the sharing rules of renkei.consent (a higher layer), registered
like its grants (`register_person_view`) and asked through `visible_field_groups` and
`sees_contact_details`.
"""

import functools
import operator
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from renkei.accounts.models import Organisation

from . import grant_cache
from .models import Case, CaseCoWorker, Consultation, Person, RecordEntry, SearchDocument
from .reference import statistics_reach

BASIC = "基本情報"
RECORDS = "相談・経過記録"
PURPOSE = "相談支援"
# Roles with any of these may open person pages at all; the grants decide which persons and how much.
READ_PERMS = ("person.view", "shared.view", "assignment.view")

NOTHING = Q(pk__in=[])
_MODELS = {"person": Person, "case": Case, "consultation": Consultation, "entry": RecordEntry}
Grant = Callable[[object, str], Q]
_GRANTS: dict[str, list[Grant]] = {"person": [], "case": [], "consultation": [], "entry": []}


def register_grant(kind: str, grant: Grant) -> Grant:
    """Add a source of visibility for `kind` ("person", "case", "consultation", "entry"): a grant is
    `grant(membership, prefix="") -> Q`; it must not multiply rows (related rows through `__in`
    subqueries, never multi-valued joins). Called from the app's `AppConfig.ready()`."""
    if grant not in _GRANTS[kind]:
        _GRANTS[kind].append(grant)
        grant_cache.clear()  # results evaluated without it no longer hold
    return grant


def unregister_grant(kind: str, grant: Grant) -> None:
    """Remove a grant (tests of the registry)."""
    _GRANTS[kind].remove(grant)
    grant_cache.clear()


def _grant_q(grant, membership) -> Q:
    """A grant's condition over its own model (no prefix)."""
    return grant(membership, "")


# --- the sharing grants: small sources, evaluated once ------------------------------------------------------
# Everything but the own-organisation grants is small (a worker's team, consents, referrals, break-glass).
# Each grant reads its *sources* first — consent (person, owner) pairs, team and referral case ids,
# hand-over persons — which are cached across requests (`grant_cache`). Persons and cases are then
# evaluated into ids (one query per kind); consultations and record entries — the tables everybody writes
# all day — stay SQL conditions built from those sources (`shared_q`), so adding a consultation or an
# entry changes no grant and empties nobody's cache. A set larger than MAX_IDS stays a subquery (same rows).
MAX_IDS = 500
_scope: ContextVar[dict | None] = ContextVar("renkei_cases_grant_scope", default=None)


@contextmanager
def grants_per_request():
    """Within the block, each member's grants are evaluated once per kind (a read-only page: nothing
    changes a grant while it renders). Outside it, on every call."""
    if _scope.get() is not None:  # already inside one
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def per_request(key, compute):
    """For grants: `compute()` once per `key` within `grants_per_request()`, on every call outside it."""
    cache = _scope.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def per_request_grants(view):
    """Decorator for a view that answers a POST by showing a page again (a refused form): `grants_per_request()`
    around the whole request. GET and HEAD need none: `GrantsPerRequestMiddleware` does it for every one."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with grants_per_request():
            return view(*args, **kwargs)
    return wrapped


_OWNER = {"person": "organisation_id", "case": "organisation_id", "consultation": "organisation_id",
          "entry": "case__organisation_id"}


def _shared_grants(kind: str) -> list[Grant]:
    """The grants of `kind` other than the built-in own-organisation ones (entries: other than 'with its case')."""
    skip = {_own_org_person, _own_org_case, _own_org_consultation, _case_entry}
    return [g for g in _GRANTS[kind] if g not in skip]


EVALUATED = ("person", "case")  # evaluated into ids; consultations and entries are conditions (shared_q)


def _evaluate(kind: str, membership):
    """Ids of `kind` ("person" or "case") visible through the shared grants: a frozenset, or a subquery
    when large."""
    assert kind in EVALUATED, kind
    model = _MODELS[kind]
    parts = [q for q in (_grant_q(g, membership) for g in _shared_grants(kind)) if q != NOTHING]
    if not parts:
        return frozenset()
    # What the own-organisation grant shows anyway is left out (the OR is the same): what remains is
    # what is shared across organisations, which is small.
    own = Q(**{_OWNER[kind]: membership.organisation_id}) if _can_view(membership) else NOTHING
    querysets = [model.objects.filter(q).exclude(own).values_list("pk", flat=True).order_by() for q in parts]
    union = querysets[0].union(*querysets[1:]) if len(querysets) > 1 else querysets[0].distinct()
    ids = list(union[:MAX_IDS + 1])
    if len(ids) <= MAX_IDS:
        return frozenset(ids)
    q = NOTHING
    for sub in querysets:
        q |= Q(pk__in=sub)
    return model.objects.filter(q).values("pk")


def shared_ids(kind: str, membership):
    """`_evaluate`, once per member and kind inside `grants_per_request()`, and reused across requests
    while no grant table has changed and no time boundary has passed (`grant_cache`)."""
    key = ("cases.shared", kind, *member_key(membership))
    return per_request(key, lambda: grant_cache.cached(
        (*key, membership.organisation.type_id), lambda: _evaluate(kind, membership), _token))


def shared_q(kind: str, membership) -> Q:
    """The shared grants of `kind` ("consultation", "entry") as one condition over the model's own columns,
    built from the grants' cached sources (never from record ids: new records need no new grant). The
    conditions use only `person_id`, `organisation_id` and `case_id`, which a search document carries
    for its consultation or entry alike, so `search_visibility` applies them to documents unchanged."""
    assert kind not in EVALUATED, kind

    def compute():
        parts = [q for q in (_grant_q(g, membership) for g in _shared_grants(kind)) if q != NOTHING]
        return functools.reduce(operator.or_, parts) if parts else NOTHING
    return per_request(("cases.shared_q", kind, *member_key(membership)), compute)


def _token():
    """The grant epoch's token, read once per `grants_per_request()` block."""
    return per_request(("grant_cache.token",), grant_cache.current_token)


def member_key(membership) -> tuple:
    """What a grant may depend on in a membership (for `per_request` keys)."""
    return membership.pk, membership.organisation_id, membership.user_id, membership.role, membership.is_active


def _in(field: str, ids) -> Q:
    if isinstance(ids, frozenset) and not ids:
        return NOTHING
    return Q(**{f"{field}__in": sorted(ids) if isinstance(ids, frozenset) else ids})


def _can_view(membership) -> bool:
    return membership is not None and membership.is_active and membership.has_perm("person.view")


def can_edit(membership) -> bool:
    return membership is not None and membership.is_active and membership.has_perm("person.edit")


def _led_and_co_worked(user_id) -> tuple[QuerySet, QuerySet]:
    """The cases the user leads, and those they are a co-worker of: two index lookups, to be read as one
    UNION (an OR of the two makes PostgreSQL scan every case)."""
    return (Case.objects.filter(lead_id=user_id),
            Case.objects.filter(pk__in=CaseCoWorker.objects.filter(user_id=user_id).values("case")))


def _led_or_co_worked_q(user_id) -> Q:
    """The same as one condition (when there are too many ids to read first)."""
    return Q(lead_id=user_id) | Q(pk__in=CaseCoWorker.objects.filter(user_id=user_id).values("case"))


def team_case_organisations(organisation):
    """Ids of the organisations whose cases may have a co-worker acting for `organisation` (None: every
    organisation): the reverse of `cases.forms.team_candidates`, the one rule of who may join a case."""
    from .forms import team_case_organisations as rule

    return rule(organisation)


def _co_worked_cases(membership) -> QuerySet:
    """The cases of *other* organisations the acting member is a co-worker of (their own organisation's
    cases are granted anyway). A co-worker's place is given to a working membership (a role that writes
    records) in an organisation that may join the case's team: acting in another membership of the same
    worker (a 閲覧 post elsewhere, or another working post) opens none of them: the place stores the
    membership it was given to (`CaseCoWorker.membership`), and only that one is let in."""
    if not can_edit(membership):
        return Case.objects.none()
    cases = Case.objects.filter(pk__in=CaseCoWorker.objects.filter(membership_id=membership.pk)
                                .values("case")).exclude(organisation_id=membership.organisation_id)
    orgs = team_case_organisations(membership.organisation)
    return cases if orgs is None else cases.filter(organisation_id__in=orgs)


def _team(membership):
    """(case ids, person ids, (person id, case organisation id) pairs) of the cases the acting member is a
    co-worker of (`_co_worked_cases`; usually none), read in one query; None when there are many. The
    person is granted only through a case of the organisation that holds the person's record, and the
    pairs say whose consultations the team reads: the case organisation's own, never other
    organisations' consultations about the same person."""
    def compute():
        rows = list(_co_worked_cases(membership).values_list("pk", "person_id", "organisation_id",
                                                             "person__organisation_id").order_by()[:MAX_IDS + 1])
        if len(rows) > MAX_IDS:
            return None
        return (frozenset(case for case, _, _, _ in rows),
                frozenset(person for _, person, org, holder in rows if org == holder),
                frozenset((person, org) for _, person, org, _ in rows))
    key = ("cases.team", *member_key(membership))
    return per_request(key, lambda: grant_cache.cached(key, compute, _token))


def _team_cases(membership):
    team = _team(membership)
    if team is not None:
        return team[0]
    return _co_worked_cases(membership).values("pk")


def works_on_case(membership, case_id) -> bool:
    """Whether the acting member is a co-worker of case `case_id` (in the membership given the place)."""
    if not _can_view(membership):
        return False
    team = _team(membership)
    if team is not None:
        return case_id in team[0]
    return _co_worked_cases(membership).filter(pk=case_id).exists()


def _team_persons(membership):
    team = _team(membership)
    if team is not None:
        return team[1]
    return _co_worked_cases(membership).filter(organisation_id=F("person__organisation_id")).values("person")


def team_person_ids(membership):
    """The persons the acting member sees as a co-worker of their holder's case (a frozenset or a subquery)."""
    return _team_persons(membership) if _can_view(membership) else frozenset()


def in_team_cases(membership, field: str = "pk") -> Q:
    """`field` names one of the cases the acting member is a co-worker of (other organisations' cases; for
    other apps' records that follow a case, e.g. discharge plans)."""
    return _in(field, _team_cases(membership)) if _can_view(membership) else NOTHING


def _team_consultations_q(membership, prefix: str) -> Q:
    team = _team(membership)
    if team is None:  # on the record's own columns (a search document carries them too)
        cases = _co_worked_cases(membership).filter(person_id=OuterRef(f"{prefix}person_id"),
                                                    organisation_id=OuterRef(f"{prefix}organisation_id"))
        return Q(Exists(cases))
    q = NOTHING
    for person, org in sorted(team[2]):
        q |= _p(prefix, person_id=person, organisation_id=org)
    return q


# --- built-in grants -------------------------------------------------------------------------------
# A grant is `grant(membership, prefix="") -> Q`; `prefix` is the path from the queried model to the
# granted one ("consultation__" when search documents are filtered). Grants must not multiply rows:
# reach related rows through `__in` subqueries, never through multi-valued joins.
def _p(prefix: str, **lookups) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def _own_org_person(m, prefix="") -> Q:
    """The persons whose record the organisation holds. A case the organisation opened on another
    organisation's person (before cases were limited to the holder) grants nothing over the person."""
    if not _can_view(m):
        return NOTHING
    return _p(prefix, organisation=m.organisation)


def _team_person(m, prefix="") -> Q:
    return _in(f"{prefix}pk", _team_persons(m)) if _can_view(m) else NOTHING


def _own_org_case(m, prefix="") -> Q:
    return _p(prefix, organisation=m.organisation) if _can_view(m) else NOTHING


def _team_case(m, prefix="") -> Q:
    return _in(f"{prefix}pk", _team_cases(m)) if _can_view(m) else NOTHING


def _own_org_consultation(m, prefix="") -> Q:
    return _p(prefix, organisation=m.organisation) if _can_view(m) else NOTHING


def _team_consultation(m, prefix="") -> Q:
    """A co-worker reads the case organisation's consultations about the case's person, not those other
    organisations logged about the same person."""
    if not _can_view(m):
        return NOTHING
    return _team_consultations_q(m, prefix)


def _case_entry(m, prefix="") -> Q:
    """An entry is visible with its case: the case grants, one step further down."""
    if m is None or not m.is_active:
        return NOTHING
    return _own_org_case(m, f"{prefix}case__") | _in(f"{prefix}case_id", shared_ids("case", m))


def register_builtin_grants() -> None:
    """The built-in grants (CasesConfig.ready, before every other app registers its own)."""
    for kind, grant in [("person", _own_org_person), ("person", _team_person), ("case", _own_org_case),
                        ("case", _team_case), ("consultation", _own_org_consultation),
                        ("consultation", _team_consultation), ("entry", _case_entry)]:
        register_grant(kind, grant)


# Grants that also allow writing. Everything registered later is read-only.
_EDIT_GRANTS: dict[str, list[Grant]] = {
    "person": [_own_org_person, _team_person], "case": [_own_org_case, _team_case],
    "consultation": [_own_org_consultation, _team_consultation], "entry": [],
}
_KIND_OF = {Person: "person", Case: "case", Consultation: "consultation", RecordEntry: "entry"}


def editability(kind: str, membership, prefix: str = "") -> Q:
    """Which objects of `kind` the worker may change (their role permitting)."""
    if membership is None or not membership.is_active:
        return NOTHING
    if kind == "entry":
        return editability("case", membership, f"{prefix}case__")
    q = NOTHING
    for grant in _EDIT_GRANTS[kind]:
        q |= grant(membership, prefix)
    return q


def can_edit_object(membership, obj) -> bool:
    if not can_edit(membership) or obj is None:
        return False
    kind = _KIND_OF[type(obj)]
    return _MODELS[kind].objects.filter(editability(kind, membership), pk=obj.pk).exists()


_OWN = {"person": _own_org_person, "case": _own_org_case, "consultation": _own_org_consultation,
        "entry": _case_entry}


def visibility(kind: str, membership, prefix: str = "") -> Q:
    """The OR of every grant of `kind` for `membership` (NOTHING for no or an inactive membership): the
    own-organisation grant as a condition, the others as ids evaluated first (`shared_ids`)."""
    if membership is None or not membership.is_active:
        return NOTHING
    if kind in EVALUATED:
        return _OWN[kind](membership, prefix) | _in(f"{prefix}pk", shared_ids(kind, membership))
    if prefix:
        return _OWN[kind](membership, prefix) | _p(prefix, pk__in=_MODELS[kind].objects.filter(
            shared_q(kind, membership)).values("pk"))
    return _OWN[kind](membership) | shared_q(kind, membership)


def _visible(model, kind: str, membership) -> QuerySet:
    return model.objects.filter(visibility(kind, membership))


# --- querysets ---------------------------------------------------------------------------------------
def led_or_worked_on_by(user) -> Q:
    """Cases `user` leads or is a co-worker of: their ids read first (one UNION of two index lookups),
    so the database starts from the worker's few cases instead of filtering every case of the
    organisation; as subqueries when there are many."""
    led, co = (cases.values_list("pk", flat=True).order_by() for cases in _led_and_co_worked(user.pk))
    ids = list(led.union(co)[:MAX_IDS + 1])
    return Q(pk__in=ids) if len(ids) <= MAX_IDS else _led_or_co_worked_q(user.pk)


def persons_visible_to(membership) -> QuerySet:
    return _visible(Person, "person", membership)


def cases_visible_to(membership) -> QuerySet:
    return _visible(Case, "case", membership).select_related("person", "lead", "organisation")


def consultations_visible_to(membership) -> QuerySet:
    return _visible(Consultation, "consultation", membership).select_related("person", "staff", "organisation")


def entries_visible_to(membership) -> QuerySet:
    return _visible(RecordEntry, "entry", membership).select_related("case", "author")


def search_documents_visible_to(membership) -> QuerySet:
    """Search documents of the consultations and record entries the worker may see."""
    return SearchDocument.objects.filter(search_visibility(membership))


@grants_per_request()
def search_visibility(membership) -> Q:
    """The consultation and entry grants, on the document's own columns (no join): a document's
    `organisation` is the owner of its consultation or case (which never changes owner) and an entry's
    document carries the entry's case; the sharing grants are ids evaluated first (`shared_ids`)."""
    if membership is None or not membership.is_active:
        return NOTHING
    own = Q(organisation=membership.organisation) if _can_view(membership) else NOTHING
    consultations, entries = shared_q("consultation", membership), shared_q("entry", membership)
    return (own | (Q(entry__isnull=True) & consultations if consultations != NOTHING else NOTHING)
            | (Q(entry__isnull=False) & (_in("case_id", shared_ids("case", membership)) | entries)))


# --- single objects: 404 alike for missing and forbidden ----------------------------------------------
def _get(queryset: QuerySet, object_id):
    try:
        pk = int(object_id)
        if not 0 < pk < 2**63:  # beyond a bigint: no such record (and no overflow on either database)
            raise ValueError(pk)
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_person_for_user(membership, person_id) -> Person:
    return _get(persons_visible_to(membership).select_related("municipality", "organisation"), person_id)


def get_case_for_user(membership, case_id) -> Case:
    return _get(cases_visible_to(membership).select_related("person__municipality", "person__organisation"), case_id)


def get_consultation_for_user(membership, consultation_id) -> Consultation:
    return _get(consultations_visible_to(membership), consultation_id)


def get_entry_for_user(membership, entry_id) -> RecordEntry:
    return _get(entries_visible_to(membership), entry_id)


def get_search_document_for_user(membership, document_id) -> SearchDocument:
    return _get(search_documents_visible_to(membership).select_related("person"), document_id)


# --- what of a visible person the member sees (the sharing rules, registered by renkei.consent) -------------
_person_view: dict[str, Callable] = {}


def register_person_view(*, field_groups: Callable, contact_details: Callable) -> None:
    """Called from renkei.consent's AppConfig.ready: `field_groups(membership, person) -> set[str]`, the
    field groups (scopes) of `person` the member sees; `contact_details(membership, person) -> bool`,
    whether they see the address, phone and safe-contact notes."""
    _person_view.update(field_groups=field_groups, contact_details=contact_details)


def _view(name: str) -> Callable:
    try:
        return _person_view[name]
    except KeyError:
        raise ImproperlyConfigured("the person view is registered by renkei.consent (AppConfig.ready)") from None


def visible_field_groups(membership, person) -> set[str]:
    """The field groups of `person` the member sees: all inside the holder and the case team; otherwise
    those a consent or disclosure covers within the role's reach, all under break-glass."""
    return _view("field_groups")(membership, person)


def sees_contact_details(membership, person) -> bool:
    """Whether the member sees `person`'s address, phone and safe-contact notes."""
    return _view("contact_details")(membership, person)


def holds_record(membership, person) -> bool:
    """Whether the acting organisation holds `person`'s record (registered it): only the holder opens
    cases on the person and records consents and disclosures about them (sharing is the holder's)."""
    return (membership is not None and membership.is_active and person is not None
            and person.organisation_id == membership.organisation_id)


def get_person_for_case(membership, person_id) -> Person:
    """A person to open a case on: one whose record the acting organisation holds (404 alike for missing,
    forbidden and another organisation's person — a recipient of shared data registers its own person)."""
    require_edit(membership)
    person = get_person_for_user(membership, person_id)
    if not holds_record(membership, person):
        raise Http404
    return person


def require_edit(membership, obj=None) -> None:
    """404 unless the acting role may write person data and, given `obj`, the object is the worker's
    own to change (404, not 403: nobody learns what exists)."""
    if not can_edit(membership):
        raise Http404
    if obj is not None and not can_edit_object(membership, obj):
        raise Http404


# --- statistics: counts only, never person data --------------------------------------------------------
def may_view_statistics(membership) -> bool:
    """Whether the acting role reads report tables at all (`report.view` in accounts/roles.py)."""
    return membership is not None and membership.is_active and membership.has_perm("report.view")


def statistics_organisations(membership) -> list:
    """The organisations whose report tables (counts) the member may read: their own first, then — by the
    reach of its type in data/report_forms.json — every reporting 保健所 and 市町村 (都道府県, 精神保健福祉センター)
    or those of its 管内 (保健所), 保健所 before 市町村, by フリガナ."""
    if not may_view_statistics(membership):
        return []
    own = membership.organisation
    reach = statistics_reach()
    others = Organisation.objects.none()
    if own.type.code in reach["all"]:
        others = Organisation.objects.filter(is_active=True, type__code__in=reach["reported_types"])
    elif own.type.code in reach["jurisdiction"]:
        others = own.jurisdiction.filter(is_active=True, type__code__in=reach["reported_types"])
    order = {code: i for i, code in enumerate(reach["reported_types"])}
    found = sorted(others.exclude(pk=own.pk).select_related("type"),
                   key=lambda o: (order.get(o.type.code, len(order)), o.kana_folded or o.kana, o.pk))
    return [own, *found]


def get_statistics_organisation(membership, organisation_id=None):
    """One organisation of `statistics_organisations` by id (its own when None); 404 alike for a missing
    organisation and one whose figures the member may not read."""
    organisations = statistics_organisations(membership)
    if not organisations:
        raise Http404
    if organisation_id is None:
        return organisations[0]
    for organisation in organisations:
        if organisation.pk == organisation_id:
            return organisation
    raise Http404
