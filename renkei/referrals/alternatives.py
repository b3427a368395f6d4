"""The next best agencies for a refused or failed referral, from the directory matching: same need,
the person's municipality, leaving out the agencies this person was already sent to."""

from renkei.accounts.models import Organisation
from renkei.directory import matching


def next_best(referral, membership=None, limit: int = 3) -> list:
    if referral.need is None:
        return []
    place = referral.person.municipality or (referral.from_organisation if
                                             referral.from_organisation.type.code == "municipality" else None)
    if place is None:
        return []
    tried = set(referral.person.referrals.values_list("to_organisation_id", flat=True))
    query = matching.MatchQuery(need=referral.need, municipality=place)
    ranked = matching.rank(query, membership=membership)
    out = []
    for item in ranked:
        org_id = item.service.organization.organisation_id
        if (org_id is not None and org_id in tried) or not item.covers_area:
            continue
        item.renkei_organisation = Organisation.objects.filter(pk=org_id, is_active=True).first() if org_id else None
        out.append(item)
        if len(out) >= limit:
            break
    return out
