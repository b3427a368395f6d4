"""The worklist: every unmet deadline of the stays a 保健所 keeps — overdue, due today, within 7 days — from
the rules of the revision in force when the stay began; a document received and checked takes its row off;
a 医療保護入院 that ended leaves only its 退院届 (10 days from the end)."""

import datetime as dt

from django.utils import timezone

from renkei.admissions import actions, worklist
from renkei.admissions.models import Admission


def _admit(pref, kind, **ago):
    return actions.do_register_admission(request=None, membership=pref.memberships.hana, data={
        "kind": kind, "hospital": "県立みどり病院", "subject_label": "男性（50歳代）",
        "admitted_at": timezone.now() - dt.timedelta(**ago)})


def _rows(pref, now=None):
    work = worklist.worklist(pref.memberships.hana, now)
    return {status: [(i.rule.code, i.nth) for i in items] for status, items in work["groups"].items()}


def test_an_emergency_measure_admission_is_due_72_hours_later(pref):
    admitted = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=5), dt.time(10)))
    actions.do_register_admission(request=None, membership=pref.memberships.hana, data={
        "kind": "emergency_measure", "hospital": "県立みどり病院", "subject_label": "男性", "admitted_at": admitted})
    due = [("emergency_limit_29_2", 1)]
    assert _rows(pref, admitted + dt.timedelta(hours=24)) == {"overdue": [], "today": [], "soon": due}
    assert _rows(pref, admitted + dt.timedelta(hours=71)) == {"overdue": [], "today": due, "soon": []}
    assert _rows(pref, admitted + dt.timedelta(hours=72, minutes=1)) == {"overdue": due, "today": [], "soon": []}


def test_a_measure_admission_lists_its_notice_now_and_its_first_report_a_week_before_three_months(pref):
    admission = _admit(pref, "measure", hours=1)
    assert _rows(pref, admission.admitted_at)["today"] == [("measure_notice_29", 1)]  # any hour of the day
    actions.do_record_document(request=None, membership=pref.memberships.hana, admission=admission,
                               rule_code="measure_notice_29", nth=1, received_on=timezone.localdate())
    first = worklist.Item(admission, admission_rule(admission, "measure_report_38_2"), 1,
                          admission_rule(admission, "measure_report_38_2").due(admission.admitted_at, 1))
    week_before = timezone.make_aware(dt.datetime.combine(first.due_day - dt.timedelta(days=7), dt.time(9)))
    assert _rows(pref, week_before) == {"overdue": [], "today": [], "soon": [("measure_report_38_2", 1)]}
    day_after = timezone.make_aware(dt.datetime.combine(first.due_day + dt.timedelta(days=1), dt.time(9)))
    assert _rows(pref, day_after)["overdue"] == [("measure_report_38_2", 1)]


def admission_rule(admission, code):
    return worklist.rule_start(admission, code)[0]


def test_a_medical_protection_stay_that_ended_leaves_only_its_discharge_notice(pref):
    admission = _admit(pref, "medical_protection", days=30)
    assert _rows(pref)["overdue"] == [("mp_notice_33", 1)]
    actions.do_end_admission(request=None, membership=pref.memberships.hana, admission=admission,
                             ended_on=timezone.localdate())
    admission = Admission.objects.get(pk=admission.pk)
    assert _rows(pref) == {"overdue": [], "today": [], "soon": []}
    later = timezone.now() + dt.timedelta(days=8)
    assert [r for rows in _rows(pref, later).values() for r in rows] == [("mp_discharge_notice_33_2", 1)]
    actions.do_record_document(request=None, membership=pref.memberships.hana, admission=admission,
                               rule_code="mp_discharge_notice_33_2", nth=1, received_on=timezone.localdate())
    assert _rows(pref, later) == {"overdue": [], "today": [], "soon": []}


def test_another_organisations_stays_are_not_on_the_worklist(pref):
    _admit(pref, "medical_protection", days=30)
    assert worklist.worklist(pref.memberships.alice)["groups"] == {"overdue": [], "today": [], "soon": []}


def test_a_medical_protection_stay_past_its_term_end_awaits_the_renewal_notice(pref):
    from renkei.core.dates import add_months

    admission = _admit(pref, "medical_protection", days=100)
    hana = pref.memberships.hana
    actions.do_record_document(request=None, membership=hana, admission=admission, rule_code="mp_notice_33", nth=1,
                               received_on=timezone.localdate() - dt.timedelta(days=92))
    term_end = add_months(timezone.localtime(admission.admitted_at).date(), 3)
    now = timezone.make_aware(dt.datetime.combine(term_end + dt.timedelta(days=1), dt.time(12)))
    items = {(i.rule.code, i.nth): i for i in worklist.items_for(admission, now, horizon_days=30)}
    assert items[("mp_term_33", 1)].status(now) == "overdue"  # the term ended: renewed or discharged?
    renewal = items[("mp_renewal_notice_33", 1)]
    assert renewal.due_day >= term_end + dt.timedelta(days=10) and renewal.status(now) == "soon"
    assert "更新届" in renewal.rule.document
