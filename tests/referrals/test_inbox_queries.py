"""The referral inbox and the dashboard's referral panels cost a fixed number of queries, whatever the number
of referrals they list (no query per returned referral), and list them in the same sections and order."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renkei.referrals import inbox


def _returned_case(pref, consent_to, refer, move, n):
    from renkei.cases import actions

    m = pref.memberships.alice
    person = actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": f"返却 {n}郎", "kana": "ヘンキャク", "birth_date": dt.date(1970, 1, 1 + n), "sex": "male",
        "municipality": pref.orgs.aoba, "address": "みどり県青葉市本町1-2-3", "phone": ""})
    case = actions.do_open_case(request=None, membership=m, person=person, summary="住まいの相談")
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    move(r, pref.memberships.henry, "rejected", reason="no-capacity")
    return r


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_inbox_and_dashboard_queries_do_not_grow_with_the_returned_referrals(pref, net, consent_to, refer, move,
                                                                             client_for):
    client = client_for(pref.users.alice)
    first = _returned_case(pref, consent_to, refer, move, 1)
    for url in (reverse("referrals:inbox"), reverse("core:dashboard")):
        client.get(url)  # warm (content types, grant cache)
    small = {url: _queries(client, url) for url in (reverse("referrals:inbox"), reverse("core:dashboard"))}
    more = [_returned_case(pref, consent_to, refer, move, n) for n in range(2, 6)]
    for url in small:
        client.get(url)  # the new records changed the grant epoch
    large = {url: _queries(client, url) for url in small}
    assert large == small
    returned = inbox.sent(pref.memberships.alice)["returned"]
    assert [r.pk for r in returned] == [r.pk for r in reversed(more)] + [first.pk]  # newest refusal first
    page = client.get(reverse("referrals:inbox")).content.decode()
    assert all(f"#{r.pk}" in page for r in more)


def test_a_returned_referral_followed_by_a_newer_one_for_the_case_is_no_longer_returned(pref, net, consent_to,
                                                                                        refer, move):
    r = _returned_case(pref, consent_to, refer, move, 1)
    assert [x.pk for x in inbox.sent(pref.memberships.alice)["returned"]] == [r.pk]
    refer(r.case, net.anshin, consent=consent_to(r.case, net.anshin))
    assert inbox.sent(pref.memberships.alice)["returned"] == []


def test_received_sections_hold_each_live_referral_once_in_request_order(pref, net, case, consent_to, refer, move):
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    boxes = inbox.received(pref.memberships.henry)
    assert [x.pk for x in boxes["new"]] == [r.pk] and boxes["waiting"] == [] and boxes["active"] == []
    move(r, pref.memberships.henry, "received")
    boxes = inbox.received(pref.memberships.henry)
    assert boxes["new"] == [] and [x.pk for x in boxes["waiting"]] == [r.pk]
    move(r, pref.memberships.henry, "accepted")
    boxes = inbox.received(pref.memberships.henry)
    assert [x.pk for x in boxes["active"]] == [r.pk] and boxes["waiting"] == [] and boxes["overdue"] == []
