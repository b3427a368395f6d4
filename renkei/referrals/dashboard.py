"""Dashboard panels: the organisation's inbox, what came back to the sender (with the reason), overdue
referrals, たらい回し chains (for the sender and the supervisor), and unread notifications."""

from . import access, inbox, tarai


def panels(request) -> list[dict]:
    m = getattr(request, "membership", None)
    out = []
    if m is None:
        return out
    if access.can_respond(m):
        received = inbox.received(m, closed=False)
        out.append({"title": "連携依頼の受信箱", "template": "referrals/panels/inbox.html", "order": 12,
                    "received": received})
    if access.can_send(m):
        sent = inbox.sent(m, closed=False)
        chains = tarai.flagged_chains(m)
        if not m.has_perm("staff.manage"):
            chains = [c for c in chains if any(r.requester_id == m.user.pk or r.case.lead_id == m.user.pk
                                               for r in c.referrals)]
        out.append({"title": "送った連携依頼", "template": "referrals/panels/sent.html", "order": 11,
                    "returned": sent["returned"], "overdue": sent["overdue"], "waiting": sent["waiting"],
                    "chains": chains, "persons": [r.person_id for r in sent["returned"]]
                    + [o.referral.person_id for o in sent["overdue"]] + [c.person.pk for c in chains]})
    unread_all = access.notifications_for(m).filter(read_at__isnull=True)
    unread = list(unread_all[:5])
    if access.can_send(m) or access.can_respond(m) or unread:  # a peer supporter's notices too
        out.append({"title": "お知らせ", "template": "referrals/panels/notifications.html", "order": 30,
                    "items": unread, "more": max(0, unread_all.count() - len(unread)),
                    "persons": [n.person_id for n in unread if n.person_id]})
    return out
