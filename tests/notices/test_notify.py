"""One notification model for every app: `notify` makes one notice per recipient and key, links it to what
it is about and names its person; each member reads only their own notices, in the organisation they act in."""

import pytest
from django.core import mail
from django.http import Http404

from renkei.notices import access, notify
from renkei.notices.actions import do_mark_read
from renkei.notices.models import Notification


def tell(pref, **extra):
    values = {"organisation": pref.orgs.aoba, "kind": "basis_ended", "message": "お知らせの本文", "key": "k:1",
              "url": "/cases/1/", "person": 7} | extra
    return notify.notify([pref.users.alice, pref.users.bob], **values)


def test_notifying_twice_with_the_same_key_makes_one_notice_per_recipient(pref):
    assert tell(pref) == 2
    assert tell(pref, message="二度目") == 0
    assert Notification.objects.count() == 2
    note = Notification.objects.get(recipient=pref.users.alice)
    assert (note.message, note.url, note.person_id, note.read_at) == ("お知らせの本文", "/cases/1/", 7, None)
    assert tell(pref, key="k:2") == 2


def test_each_new_notice_is_mailed_after_the_commit_without_personal_data(
        pref, django_capture_on_commit_callbacks):
    pref.users.alice.email = "alice@example.jp"
    pref.users.alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        tell(pref, subject="【Renkei】テスト")
        tell(pref)
    to_alice = [m for m in mail.outbox if m.to == ["alice@example.jp"]]
    assert [m.subject for m in to_alice] == ["【Renkei】テスト"]
    assert "お知らせの本文" not in to_alice[0].body
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        tell(pref, key="k:3", subject=None)
    assert len(mail.outbox) == sent


def test_a_member_reads_only_their_own_notices_in_the_organisation_they_act_in(pref):
    tell(pref)
    notify.notify([pref.users.hana], organisation=pref.orgs.centre, kind="x", message="センターで", key="k")
    mine = Notification.objects.get(recipient=pref.users.alice)
    assert list(access.notices_for(pref.memberships.alice)) == [mine]
    assert not access.notices_for(pref.memberships.hana).exists()  # hana acts in 中央保健所 first
    assert access.notices_for(pref.all_memberships["hana"][1]).count() == 1
    bobs = Notification.objects.get(recipient=pref.users.bob)
    for missing in (bobs.pk, 10**12, "x"):
        with pytest.raises(Http404):
            access.get_notice_for_user(pref.memberships.alice, missing)
    with pytest.raises(Http404):
        do_mark_read(membership=pref.memberships.alice, notification=bobs)
    assert do_mark_read(membership=pref.memberships.alice, notification=mine) is True
    assert do_mark_read(membership=pref.memberships.alice, notification=mine) is False
