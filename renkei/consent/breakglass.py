"""Finding a person for break-glass access: across organisations, by exact name or フリガナ plus birth date
only (no partial matches, nothing to browse)."""

from django.db.models import Q
from django.http import Http404

from renkei.cases.models import Person
from renkei.core.text import fold_kana, normalise


def _may_use(membership) -> bool:
    return membership is not None and membership.is_active and membership.has_perm("breakglass.use")


def _exact(name: str, birth_date) -> Q:
    compact = normalise(name or "").replace(" ", "").replace("\u3000", "")
    folded = fold_kana(name or "")
    q = Q(name_search=compact) if compact else Q(pk__in=[])
    if folded:
        q |= Q(kana_folded=folded)
    return q & Q(birth_date=birth_date)


def find_for_breakglass(membership, name: str, birth_date) -> list[Person]:
    if not _may_use(membership) or not (name or "").strip() or birth_date is None:
        return []
    return list(Person.objects.filter(_exact(name, birth_date)).select_related("organisation", "municipality")
                .order_by("kana_folded", "id")[:10])


def get_person_for_breakglass(membership, person_id, name: str, birth_date) -> Person:
    """The person only when they match the exact search that found them (404 alike otherwise)."""
    if not _may_use(membership) or birth_date is None:
        raise Http404
    try:
        return Person.objects.filter(_exact(name, birth_date)).select_related("organisation").get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
