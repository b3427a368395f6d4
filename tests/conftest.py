"""One shared small prefecture for every test (as healthchecks' BaseTestCase builds alice/bob/charlie).

    青葉市 (municipality)        alice  相談員 (caseworker)     bob    管理者 (supervisor)
                                 carol  閲覧 (viewer)
    若葉町 (municipality)        mallory 相談員 — an outsider to 青葉市's records
    中央保健所 (health centre; 管内 青葉市, 若葉町)   hana 相談員, also 閲覧 at the センター (two memberships)
    精神保健福祉センター          sam 相談員
    訪問看護ステーション (partner) dave 連携先職員
    すまいサポート (housing)       henry 連携先職員
    ピアサポートの会 (peer group)  erin ピアサポーター

Every user's password is PASSWORD. Fixtures: `pref` (a namespace with .orgs, .users, .memberships),
and `client_for(user)` which returns a logged-in test client acting in the user's first membership.
"""

import os
import shutil
from types import SimpleNamespace

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-42"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    have = shutil.which(CHROMIUM) is not None
    if have:
        return
    if os.environ.get("BROWSER_TESTS") == "1":
        raise pytest.UsageError(f"BROWSER_TESTS=1 but no browser at {CHROMIUM}: apt-get install chromium")
    skip = pytest.mark.skip(reason=f"no chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AUDIT_SEAL_KEY = "renkei-test-audit-seal-key"  # a fixed key: tests never touch var/
    settings.AUDIT_SEAL_LOG = ""


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    """Uploaded files (renkei.core.attachments) go to a temporary folder, never the worktree's var/."""
    settings.ATTACHMENT_ROOT = tmp_path_factory.mktemp("attachments")


def build_prefecture():
    from renkei.accounts.models import (
        Department,
        DepartmentKind,
        Membership,
        Organisation,
        OrganisationType,
        User,
    )
    from renkei.accounts.reference import sync_reference_data

    sync_reference_data()
    types = {t.code: t for t in OrganisationType.objects.all()}
    kinds = {k.code: k for k in DepartmentKind.objects.all()}

    def org(code, name, kana, type_code, municipality=None, **extra):
        return Organisation.objects.create(code=code, name=name, kana=kana, type=types[type_code],
                                           is_public=types[type_code].is_public, municipality=municipality,
                                           **extra)

    aoba = org("aoba", "青葉市", "アオバシ", "municipality")
    wakaba = org("wakaba", "若葉町", "ワカバチョウ", "municipality")
    sakuragawa = org("sakuragawa", "桜川村", "サクラガワムラ", "municipality")
    hc = org("chuo-hc", "みどり県中央保健所", "ミドリケンチュウオウホケンジョ", "health_centre", aoba)
    hc.jurisdiction.set([aoba, wakaba, sakuragawa])
    centre = org("mhw-centre", "みどり県精神保健福祉センター", "ミドリケンセイシンホケンフクシセンター", "mhw_centre", aoba)
    vn = org("vn-midori", "訪問看護ステーション みどり", "ホウモンカンゴステーションミドリ", "visiting_nurse", aoba)
    housing = org("sumai-midori", "NPO法人 すまいサポートみどり", "スマイサポートミドリ", "housing_support", aoba)
    peers = org("tsubasa", "ピアサポートの会 つばさ", "ピアサポートノカイツバサ", "peer_family_group", wakaba)
    welfare = Department.objects.create(organisation=aoba, name="障害福祉課", kind=kinds["welfare"])
    Department.objects.create(organisation=aoba, name="住宅政策課", kind=kinds["housing"])

    def user(username, display_name, kana, *memberships):
        u = User(username=username, display_name=display_name, kana=kana, email=f"{username}@example.jp")
        u.set_password(PASSWORD)
        u.save()
        made = [Membership.objects.create(user=u, organisation=o, role=r, **kw) for o, r, kw in memberships]
        return u, made

    users, memberships = {}, {}
    for username, name, kana, ms in [
        ("alice", "青葉 アリス", "アオバ アリス", [(aoba, "caseworker", {"department": welfare, "title": "精神保健福祉相談員"})]),
        ("bob", "青葉 ボブ", "アオバ ボブ", [(aoba, "supervisor", {"department": welfare})]),
        ("carol", "青葉 キャロル", "アオバ キャロル", [(aoba, "viewer", {})]),
        ("mallory", "若葉 マロリー", "ワカバ マロリー", [(wakaba, "caseworker", {"title": "保健師"})]),
        ("walter", "若葉 ウォルター", "ワカバ ウォルター", [(wakaba, "supervisor", {})]),
        ("hana", "中央 はな", "チュウオウ ハナ", [(hc, "caseworker", {}), (centre, "viewer", {"title": "兼務"})]),
        ("hiro", "中央 ひろ", "チュウオウ ヒロ", [(hc, "supervisor", {})]),
        ("sam", "センター サム", "センター サム", [(centre, "caseworker", {})]),
        ("dave", "訪看 デイブ", "ホウカン デイブ", [(vn, "partner", {"title": "看護師"})]),
        ("henry", "住まい ヘンリー", "スマイ ヘンリー", [(housing, "partner", {})]),
        ("erin", "ピア エリン", "ピア エリン", [(peers, "peer", {})]),
    ]:
        users[username], memberships[username] = user(username, name, kana, *ms)
    return SimpleNamespace(
        orgs=SimpleNamespace(aoba=aoba, wakaba=wakaba, sakuragawa=sakuragawa, hc=hc, centre=centre, vn=vn,
                             housing=housing, peers=peers),
        users=SimpleNamespace(**users),
        memberships=SimpleNamespace(**{k: v[0] for k, v in memberships.items()}),
        all_memberships=memberships,
        password=PASSWORD,
    )


@pytest.fixture
def pref(db):
    return build_prefecture()


@pytest.fixture
def client_for(client, pref):
    """client_for(user) → a Django test client logged in as `user`."""
    from django.test import Client

    def make(user, membership=None):
        c = Client()
        c.force_login(user)
        if membership is not None:
            from renkei.accounts.middleware import SESSION_MEMBERSHIP_KEY

            session = c.session
            session[SESSION_MEMBERSHIP_KEY] = membership.pk
            session.save()
        return c

    return make


@pytest.fixture
def run_job_twice(db):
    """run_job_twice(name) → the two runs of a registered periodic job through the product's runner, the
    second made due again at once (as a runner whose lease ran out would): for the jobs' idempotency."""
    from django.utils import timezone

    from renkei.core import jobs
    from renkei.core.models import JobState

    def run(name):
        job = jobs.get(name)
        jobs.ensure_states([job])
        JobState.objects.filter(name=name).update(next_due=timezone.now())
        first = jobs.run_job(job)
        JobState.objects.filter(name=name).update(next_due=timezone.now())
        second = jobs.run_job(job)
        assert first.ok and second.ok, (first.summary, second.summary)
        return first, second

    return run
