"""Who may produce a person's own record for them (本人開示, 個人情報保護法第76条〜): a member of the
organisation that holds the record whose role has `audit.view` (the supervisor who also answers the
開示請求 access report). Everyone else — another organisation, a caseworker or viewer — gets 404 alike,
the same answer as for a person that does not exist."""

from django.http import Http404

from renkei.accounts.access import require_perm
from renkei.cases.access import get_person_for_user, holds_record

PERM = "audit.view"


def may_produce(membership, person) -> bool:
    return membership is not None and membership.has_perm(PERM) and holds_record(membership, person)


def get_person_for_disclosure(request, person_id):
    require_perm(request, PERM)
    person = get_person_for_user(request.membership, person_id)
    if not holds_record(request.membership, person):
        raise Http404  # only the holder answers a 本人開示 request about its record
    return person
