"""Demo みどり県 (data/demo.json): 中央保健所's 入院等関係事務 — a 警察官通報 received at night (a new person,
高橋 誠), the 事前調査 within the hour, the 措置診察 by two 指定医 with a staff member attending, the 措置入院
decision, 書面告知 and 移送; and 石田 勝's 医療保護入院 whose 入院届 is overdue on the worklist. Times count
back from the day it is loaded, so the worklist always has something due. Written through the actions (with
their time line and audit entries); idempotent: a report or admission already there is left as it is."""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.cases.models import Person

from . import actions
from .models import Admission, Report

DATA = Path(__file__).parent / "data" / "demo.json"


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _police(ctx, spec, org, m, supervisor):
    p = spec["person"]
    person, changed = ctx.upsert(Person, {"organisation": org, "name": p["name"],
                                          "birth_date": dt.date.fromisoformat(p["birth_date"])},
                                 {"kana": p["kana"], "sex": p["sex"], "municipality": ctx.orgs.get(p["municipality"]),
                                  "created_by": m.user})
    ctx.note(changed)
    if Report.objects.filter(organisation=org, kind="23", person=person).exists():
        return
    night = timezone.localdate() - dt.timedelta(days=spec["days_ago"])
    morning = night + dt.timedelta(days=1)
    report = actions.do_receive_report(request=None, membership=m, data={
        "kind": "23", "received_at": _at(night, spec["received"]), "reporter": spec["reporter"], "person_id": person.pk,
        "place": spec["place"], "symptoms": spec["symptoms"], "guardian": spec["guardian"]})
    actions.do_record_investigation(request=None, membership=m, report=report, data={
        "investigated_at": _at(morning, spec["investigated"]), "findings": spec["findings"], "exam_needed": True,
        "grounds": spec["grounds"]})
    actions.do_record_examination(request=None, membership=m, report=report, data={
        "exam_at": _at(morning, spec["examined"]), "exam_place": spec["exam_place"], "exam_witness": supervisor,
        "doctors": spec["doctors"]})
    for position, doctor in enumerate(spec["doctors"], start=1):
        actions.do_record_doctor_result(request=None, membership=m, report=report, position=position, result="needed",
                                        note=doctor["note"])
    actions.do_decide(request=None, membership=m, report=report, data={
        "decision": "measure", "decided_at": _at(morning, spec["decided"]), "hospital": spec["hospital"],
        "admitted_at": _at(morning, spec["admitted"])})
    actions.do_record_transfer(request=None, membership=m, report=report, transferred_at=_at(morning, spec["transferred"]),
                               note=spec["transfer_note"])
    actions.do_record_notice(request=None, membership=m, report=report, notified_at=_at(morning, spec["notified"]),
                             notified_to=spec["notified_to"])
    admission = Admission.objects.get(report=report)
    actions.do_record_document(request=None, membership=m, admission=admission, rule_code="measure_notice_29", nth=1,
                               received_on=morning, note="措置入院決定のお知らせを本人と母に手渡した。")
    ctx.note(True)


def _overdue(ctx, spec, org, m):
    p = spec["person"]
    person = Person.objects.filter(organisation=org, name=p["name"], birth_date=p["birth_date"]).first()
    if person is None or Admission.objects.filter(organisation=org, person=person, kind=spec["kind"]).exists():
        return
    admitted = _at(timezone.localdate() - dt.timedelta(days=spec["days_ago"]), "10:00")
    actions.do_register_admission(request=None, membership=m, data={
        "kind": spec["kind"], "hospital": spec["hospital"], "admitted_at": admitted, "person_id": person.pk})
    ctx.note(True)


def load(ctx) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    org = ctx.orgs[data["org"]]
    m = Membership.objects.select_related("user", "organisation__type").get(
        user__username=data["worker"], organisation=org)
    supervisor = Membership.objects.get(user__username=data["supervisor"], organisation=org).user
    _police(ctx, data["police"], org, m, supervisor)
    _overdue(ctx, data["overdue"], org, m)
