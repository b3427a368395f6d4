"""Two workers revise the same 退院後支援計画: the second save is refused with both versions side by side,
differences marked; the form keeps the version it was opened on, so saving again never reverts the
colleague's change; a new version is made only after the worker took the colleague's version."""

from django.urls import reverse

from renkei.discharge import actions
from renkei.discharge.models import DischargePlan

from ..cases.conflicts import walk_conflict
from .conftest import plan_data


def _form(pref, hospital, **changes):
    data = {"hospital": hospital.pk, "ward": "第3病棟", "discharge_officer": hospital.psw.pk,
            "wishes": "アパートで一人暮らしをしたい。", "needs": "住まいの確保、服薬の継続、日中の居場所。",
            "crisis_plan": "眠れない日が3日続いたら訪問看護に連絡する。夜間は病院へ電話する。",
            "item_content_0": "訪問看護（週1回）", "item_org_0": pref.orgs.vn.pk, "change_reason": "本人と話し合った",
            "based_on": 1}
    return data | changes


def test_a_second_revision_of_the_same_plan_is_refused_and_never_reverts_the_first(pref, hospital, make_plan,
                                                                                 client_for):
    plan = make_plan()
    hana = client_for(pref.users.hana)
    url = reverse("discharge:plan_revise", args=[plan.pk])
    assert hana.get(url).status_code == 200

    def colleague_saves():
        actions.do_revise_plan(request=None, membership=pref.memberships.hana, plan=plan, based_on=1,
                               data=plan_data(pref, hospital, wishes="グループホームで暮らしたい。"),
                               reason="本人の希望が変わった")

    def stored():
        fresh = DischargePlan.objects.get(pk=plan.pk)
        return fresh.current_number, fresh.current.wishes

    walk_conflict(hana, url, _form(pref, hospital, needs="日中の居場所を見つける。"), colleague_saves=colleague_saves,
                  stored=stored, theirs_text="グループホームで暮らしたい。", yours_text="日中の居場所を見つける。",
                  differing_label="本人の希望（本人の言葉で）", version_field="based_on")
    # the worker's version 3 is made from their own input, on top of the colleague's version 2 that they saw
    assert stored() == (3, "アパートで一人暮らしをしたい。")
    assert list(DischargePlan.objects.get(pk=plan.pk).versions.values_list("wishes", flat=True)) == [
        "アパートで一人暮らしをしたい。", "グループホームで暮らしたい。", "アパートで一人暮らしをしたい。"]
