"""Who may see which persons, cases, consultations and record entries. Every query goes through here.

Visibility is the OR of *grants*. A grant is a function `grant(membership) -> Q` over one model.
The built-in grants are: members of the owning organisation whose role has `person.view`, and the
lead and co-workers of a case. A later layer (consent, legal-basis disclosure, break-glass) adds its
own grants with `register_grant(kind, fn)` — nothing else in this module needs to change.

Writing needs `person.edit` AND that the object is the worker's own to change: its owning organisation
or its case team (`require_edit(membership, obj)`, `can_edit_object`). Grants that other layers register
(consent, disclosure, break-glass, accepted referrals, support teams) only ever let a worker *see*: a
record is changed only by those responsible for it.
Field groups (the data scopes written to the audit log): BASIC (name, birth date, contact) and RECORDS
(consultations, cases, record entries).
"""

import functools
import inspect
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Case, Consultation, Person, RecordEntry, SearchDocument

BASIC = "基本情報"
RECORDS = "相談・経過記録"
PURPOSE = "相談支援（自組織の記録）"
# Roles with any of these may open person pages at all; the grants decide which persons and how much.
READ_PERMS = ("person.view", "shared.view", "assignment.view")

NOTHING = Q(pk__in=[])
_MODELS = {"person": Person, "case": Case, "consultation": Consultation, "entry": RecordEntry}
Grant = Callable[[object], Q]
_GRANTS: dict[str, list[Grant]] = {"person": [], "case": [], "consultation": [], "entry": []}


def register_grant(kind: str, grant: Grant) -> Grant:
    """Add a source of visibility for `kind` ("person", "case", "consultation", "entry").

    A grant is `grant(membership, prefix="") -> Q`, or `grant(membership) -> Q` over the model itself
    (such a grant is applied through a correlated EXISTS, so it may use multi-valued joins)."""
    if grant not in _GRANTS[kind]:
        _GRANTS[kind].append(grant)
    return grant


@functools.cache
def _takes_prefix(grant) -> bool:
    try:
        inspect.signature(grant).bind(None, "")
    except TypeError:
        return False
    return True


def _apply(kind: str, grant, membership, prefix: str) -> Q:
    if _takes_prefix(grant):
        return grant(membership, prefix)
    q = grant(membership)
    if q == NOTHING:
        return NOTHING
    # Correlated, so only the candidate rows are checked (an `IN (subquery)` would evaluate the grant
    # over the whole table on every search).
    outer = OuterRef(prefix[:-2] if prefix else "pk")
    return Q(Exists(_MODELS[kind].objects.filter(q, pk=outer)))


def _can_view(membership) -> bool:
    return membership is not None and membership.is_active and membership.has_perm("person.view")


def can_edit(membership) -> bool:
    return membership is not None and membership.is_active and membership.has_perm("person.edit")


def _team_cases(membership) -> QuerySet:
    user = membership.user
    return Case.objects.filter(Q(lead=user) | Q(pk__in=Case.co_workers.through.objects.filter(
        user=user).values("case"))).values("pk")


# --- built-in grants -------------------------------------------------------------------------------
# A grant is `grant(membership, prefix="") -> Q`; `prefix` is the path from the queried model to the
# granted one ("consultation__" when search documents are filtered). Grants must not multiply rows:
# reach related rows through `__in` subqueries, never through multi-valued joins.
def _p(prefix: str, **lookups) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def _own_org_person(m, prefix="") -> Q:
    if not _can_view(m):
        return NOTHING
    return _p(prefix, organisation=m.organisation) | _p(
        prefix, pk__in=Case.objects.filter(organisation=m.organisation).values("person"))


def _team_person(m, prefix="") -> Q:
    return _p(prefix, pk__in=Case.objects.filter(pk__in=_team_cases(m)).values("person")) if _can_view(m) else NOTHING


def _own_org_case(m, prefix="") -> Q:
    return _p(prefix, organisation=m.organisation) if _can_view(m) else NOTHING


def _team_case(m, prefix="") -> Q:
    return _p(prefix, pk__in=_team_cases(m)) if _can_view(m) else NOTHING


def _own_org_consultation(m, prefix="") -> Q:
    return _p(prefix, organisation=m.organisation) if _can_view(m) else NOTHING


def _team_consultation(m, prefix="") -> Q:
    if not _can_view(m):
        return NOTHING
    return _p(prefix, person__in=Case.objects.filter(pk__in=_team_cases(m)).values("person"))


def _case_entry(m, prefix="") -> Q:
    """An entry is visible with its case: the case grants, one step further down."""
    q = NOTHING
    for grant in _GRANTS["case"]:
        q |= _apply("case", grant, m, f"{prefix}case__")
    return q


for _kind, _grant in [("person", _own_org_person), ("person", _team_person), ("case", _own_org_case),
                      ("case", _team_case), ("consultation", _own_org_consultation),
                      ("consultation", _team_consultation), ("entry", _case_entry)]:
    register_grant(_kind, _grant)


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


def visibility(kind: str, membership, prefix: str = "") -> Q:
    """The OR of every grant of `kind` for `membership` (NOTHING for no or an inactive membership)."""
    if membership is None or not membership.is_active:
        return NOTHING
    q = NOTHING
    for grant in _GRANTS[kind]:
        q |= _apply(kind, grant, membership, prefix)
    return q


def _visible(model, kind: str, membership) -> QuerySet:
    return model.objects.filter(visibility(kind, membership))


# --- querysets ---------------------------------------------------------------------------------------
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


def search_visibility(membership) -> Q:
    """The consultation and entry grants, through the document. A document's `organisation` is the owner
    of its consultation or case (which never changes owner), so the own-organisation test comes first on
    the document's own column: the database decides most rows without evaluating the other grants."""
    if membership is None or not membership.is_active:
        return NOTHING
    own = Q(organisation=membership.organisation) if _can_view(membership) else NOTHING
    return own | visibility("consultation", membership, "consultation__") | visibility("entry", membership, "entry__")


# --- single objects: 404 alike for missing and forbidden ----------------------------------------------
def _get(queryset: QuerySet, object_id):
    try:
        return queryset.get(pk=int(object_id))
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


def require_edit(membership, obj=None) -> None:
    """404 unless the acting role may write person data and, given `obj`, the object is the worker's
    own to change (404, not 403: nobody learns what exists)."""
    if not can_edit(membership):
        raise Http404
    if obj is not None and not can_edit_object(membership, obj):
        raise Http404
