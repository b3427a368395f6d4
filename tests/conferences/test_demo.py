from renkei.conferences import access
from renkei.conferences.models import ActionItem, Conference


def test_the_demo_holds_scenario_2s_pre_discharge_conference_and_a_second_load_changes_nothing(db):
    from renkei.accounts.models import Membership
    from renkei.demo.loader import load_demo

    load_demo()
    conference = Conference.objects.get(kind="pre_discharge", case__person__name="川口 美和")
    assert conference.case.support_team.purpose == "本人が望むアパートでの一人暮らしを続けられる"
    assert conference.attendees.count() == 6 and not conference.attendees.filter(agreed_at__isnull=True).exists()
    owners = set(ActionItem.objects.filter(conference=conference).values_list("owner__username", flat=True))
    assert {"peer.tsubasa", "houkan.ns", "byoin.psw", "aoba.sodan"} <= owners
    psw = Membership.objects.get(user__username="byoin.psw")
    assert access.minutes_access(psw, conference).allowed  # her written consent covers 会議記録
    peer = Membership.objects.get(user__username="peer.tsubasa")
    assert not access.minutes_access(peer, conference).allowed  # a peer's reach is 基本情報 only (consent data)
    assert access.open_items_owned_by(peer.user).count() == 1
    assert _second_load_of_this_app() == 0


def _second_load_of_this_app() -> int:
    """Changes a second load of the conferences demo makes (the other apps' demos are tested by them)."""
    import json

    from renkei.conferences import demo
    from renkei.demo import loader

    ctx = loader.DemoContext(data=json.loads(loader.DATA.read_text(encoding="utf-8")))
    loader._load_organisations(ctx)
    loader._load_users(ctx)
    demo.load(ctx)
    return ctx.changes
