"""The cache of evaluated sharing grants (renkei.cases.grant_cache): reused while nothing they read has
changed, never stale — a change of any table the grants read, a rollback, or the clock ends it."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.cases import access, grant_cache
from renkei.consent import actions as consent_actions
from tests.consent.conftest import consent_to, world  # noqa: F401 — fixtures

TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?', re.IGNORECASE)
KINDS = ("person", "case", "consultation", "entry")


def _evaluate_everything(membership):
    """Every grant of every kind for `membership`, evaluated afresh (no cache, no request scope)."""
    for kind in KINDS:
        if kind in access.EVALUATED:
            access._evaluate(kind, membership)
        else:
            access.shared_q(kind, membership)
        for grant in access._GRANTS[kind]:
            access._grant_q(grant, membership)
    access.editability("person", membership)


def test_every_table_the_grants_read_changes_the_epoch(db):
    """Evaluate every grant for every member of the demo prefecture (consents, disclosures, referrals,
    support teams, hand-overs, break-glass) and read the SQL: each table it reads must be declared, and
    carry the triggers. A new grant reading a new table fails here until the table is declared."""
    from renkei.demo.loader import load_demo

    load_demo()
    memberships = list(Membership.objects.filter(is_active=True).select_related("user", "organisation"))
    assert len(memberships) > 10
    with CaptureQueriesContext(connection) as ctx:
        for m in memberships:
            _evaluate_everything(m)
    read = {table for query in ctx.captured_queries for table in TABLE.findall(query["sql"])}
    read -= {"cases_search_fts", grant_cache.EPOCH_TABLE}
    declared = set(grant_cache.declared_tables())
    assert {"consent_consent", "referrals_referral", "conferences_teammember", "cases_case"} <= read
    # the tables everybody writes all day are conditions, never evaluated (nor cached) by a grant
    assert not read & {"cases_consultation", "cases_recordentry", "cases_searchdocument"}, read
    assert not {"cases_consultation", "cases_recordentry"} & grant_cache.installed_tables()
    assert read <= declared, f"grants read tables without epoch triggers: {sorted(read - declared)}"
    assert declared <= grant_cache.installed_tables()


def test_cached_grants_are_reused_until_a_grant_table_changes(pref, world, consent_to):  # noqa: F811
    mallory = pref.memberships.mallory
    with access.grants_per_request():
        assert access.shared_ids("person", mallory) == frozenset()
    with CaptureQueriesContext(connection) as ctx, access.grants_per_request():
        assert access.shared_ids("person", mallory) == frozenset()
    assert [q["sql"] for q in ctx.captured_queries] == [f"SELECT token FROM {grant_cache.EPOCH_TABLE} WHERE id = 1"]
    consent_to(world["person"], organisation=pref.orgs.wakaba)
    with access.grants_per_request():
        assert access.shared_ids("person", mallory) == frozenset({world["person"].pk})


def test_withdrawal_ends_access_at_once_with_the_cache_warm(pref, world, consent_to):  # noqa: F811
    mallory = pref.memberships.mallory
    consent = consent_to(world["person"], organisation=pref.orgs.wakaba)
    for _ in range(2):
        assert access.persons_visible_to(mallory).filter(pk=world["person"].pk).exists()
    consent_actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                        version=consent.version,
                                        method="oral", note="電話で撤回の申し出")
    assert not access.persons_visible_to(mallory).filter(pk=world["person"].pk).exists()


def test_a_new_record_of_a_shared_person_is_seen_at_once(pref, world, consent_to, make_consultation):  # noqa: F811
    from renkei.cases.models import Consultation

    mallory = pref.memberships.mallory
    consent_to(world["person"], organisation=pref.orgs.wakaba, scopes=("基本情報", "相談・経過記録"))
    before = set(access.consultations_visible_to(mallory).values_list("pk", flat=True))
    assert world["consultation"].pk in before
    new = make_consultation(membership=pref.memberships.alice, person=world["person"], content="追加の相談")
    assert isinstance(new, Consultation)
    assert new.pk in set(access.consultations_visible_to(mallory).values_list("pk", flat=True))


def test_break_glass_expiry_ends_access_without_any_write(pref, world):  # noqa: F811
    mallory = pref.memberships.mallory
    glass = consent_actions.do_open_breakglass(request=None, membership=mallory, person=world["person"],
                                               reason="夜間に警察から保護の連絡があったため", legal_basis="apppi-27-1-2")
    assert access.persons_visible_to(mallory).filter(pk=world["person"].pk).exists()
    assert access.persons_visible_to(mallory).filter(pk=world["person"].pk).exists()  # from the cache
    later = glass.expires_at + dt.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not access.persons_visible_to(mallory).filter(pk=world["person"].pk).exists()


def test_every_entry_ends_at_local_midnight(db):
    now = timezone.make_aware(dt.datetime(2026, 11, 25, 23, 59, 30))
    grant_cache.clear()
    until = grant_cache._expiry("token", now)
    assert timezone.localtime(until) == timezone.make_aware(dt.datetime(2026, 11, 26, 0, 0))


def test_a_rolled_back_change_never_brings_its_token_back(pref, world, consent_to):  # noqa: F811
    before = grant_cache.current_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        consent_to(world["person"], organisation=pref.orgs.wakaba)
        inside = grant_cache.current_token()
        raise RuntimeError
    assert grant_cache.current_token() == before != inside
    consent_to(world["person"], organisation=pref.orgs.wakaba)
    assert grant_cache.current_token() not in (before, inside)


def test_updates_that_leave_the_read_columns_alone_keep_the_epoch(pref, world):  # noqa: F811
    from renkei.cases.models import Case

    before = grant_cache.current_token()
    Case.objects.filter(pk=world["case"].pk).update(summary="要約を更新")
    Case.objects.filter(pk=world["case"].pk).update(lead=pref.users.bob)  # no grant reads the lead
    assert grant_cache.current_token() == before
    Case.objects.filter(pk=world["case"].pk).update(organisation=pref.orgs.wakaba)
    assert grant_cache.current_token() != before


def test_without_the_epoch_row_nothing_is_cached(pref, world):  # noqa: F811
    from renkei.cases.models import GrantEpoch

    GrantEpoch.objects.all().delete()
    calls = []
    for _ in range(2):
        grant_cache.cached(("test",), lambda: calls.append(1) or frozenset())
    assert len(calls) == 2


def test_an_audit_entry_neither_reads_nor_locks_the_epoch_row(db):
    """The audit append takes no shared row (renkei/audit/seal.py), so no lock order with the epoch row
    is needed: a write to a grant table and its audit entry cannot deadlock on them."""
    from renkei.audit.actions import log_event

    with CaptureQueriesContext(connection) as ctx:
        log_event("test.locks")
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sqls and not any(grant_cache.EPOCH_TABLE in sql or "FOR UPDATE" in sql for sql in sqls)


def test_a_new_consultation_or_entry_leaves_every_workers_cached_grants_alone(pref, world, consent_to,  # noqa: F811
                                                                             make_consultation):
    """Item 4 of issue 11: records are opened by SQL conditions over their person, organisation and case
    columns, so writing one changes no grant: the epoch stays, another worker's cache is reused, and the
    new record is still seen at once through the condition."""
    from renkei.cases import actions

    mallory = pref.memberships.mallory
    consent_to(world["person"], organisation=pref.orgs.wakaba, scopes=("基本情報", "相談・経過記録"))
    with access.grants_per_request():
        access.shared_ids("case", mallory)
        access.shared_ids("person", mallory)
    token = grant_cache.current_token()
    consultation = make_consultation(membership=pref.memberships.alice, person=world["person"], content="新しい相談")
    entry = actions.do_add_entry(request=None, membership=pref.memberships.alice, case=world["case"], kind="phone",
                                 body="新しい経過記録")
    actions.do_register_person(request=None, membership=pref.memberships.alice, confirm_duplicate=True,
                               data={"name": "新規 登録", "kana": "シンキ トウロク"})
    assert grant_cache.current_token() == token
    with CaptureQueriesContext(connection) as ctx, access.grants_per_request():
        assert access.shared_ids("case", mallory) == frozenset({world["case"].pk})
        assert access.shared_ids("person", mallory) == frozenset({world["person"].pk})
    assert [q["sql"] for q in ctx.captured_queries] == [f"SELECT token FROM {grant_cache.EPOCH_TABLE} WHERE id = 1"]
    assert access.consultations_visible_to(mallory).filter(pk=consultation.pk).exists()
    assert access.entries_visible_to(mallory).filter(pk=entry.pk).exists()
    assert access.search_documents_visible_to(mallory).filter(entry=entry).exists()
    assert access.search_documents_visible_to(mallory).filter(consultation=consultation).exists()


def _everything_visible(m):
    return {kind: set(qs.values_list("pk", flat=True)) for kind, qs in [
        ("person", access.persons_visible_to(m)), ("case", access.cases_visible_to(m)),
        ("consultation", access.consultations_visible_to(m)), ("entry", access.entries_visible_to(m)),
        ("doc", access.search_documents_visible_to(m))]}


def test_lowered_size_limits_take_the_fallback_paths_with_the_same_answers(pref, world, consent_to,  # noqa: F811
                                                                          make_consultation, monkeypatch):
    """Consent, disclosure, co-worker and break-glass grants answer the same through the subqueries used
    when their sources are too many to read first (MAX_IDS, PAIRS_LIMIT)."""
    from renkei.consent import access as consent_access

    consent_to(world["person"], organisation=pref.orgs.wakaba, scopes=("基本情報", "相談・経過記録"))
    other = make_consultation(membership=pref.memberships.mallory, person=world["person"], content="若葉町の相談")
    world["case"].co_workers.add(pref.users.sam, through_defaults={"membership": pref.memberships.sam})
    consent_actions.do_open_breakglass(request=None, membership=pref.memberships.hana, person=world["person"],
                                       reason="夜間に警察から保護の連絡があったため", legal_basis="apppi-27-1-2")
    members = [pref.memberships.mallory, pref.memberships.sam, pref.memberships.hana, pref.memberships.dave]
    expected = {m.pk: _everything_visible(m) for m in members}
    assert world["consultation"].pk in expected[pref.memberships.mallory.pk]["consultation"]
    assert other.pk not in expected[pref.memberships.sam.pk]["consultation"]  # a co-worker: the case's own only
    assert world["entry"].pk in expected[pref.memberships.sam.pk]["entry"]
    assert expected[pref.memberships.hana.pk]["consultation"] >= {world["consultation"].pk, other.pk}
    monkeypatch.setattr(access, "MAX_IDS", 0)
    monkeypatch.setattr(consent_access, "PAIRS_LIMIT", 0)
    grant_cache.clear()
    for m in members:
        assert _everything_visible(m) == expected[m.pk], m
