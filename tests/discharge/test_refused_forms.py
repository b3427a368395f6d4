"""A small form on a detail page (posted elsewhere, redirected back) comes back refused with what was
typed and the Japanese message at its field — here the plan's review and hand-over forms."""

from django.urls import reverse

from renkei.core.validators import CONTROL_MESSAGE


def test_a_refused_small_form_comes_back_on_its_page_with_what_was_typed(pref, client_for, make_plan):
    plan = make_plan()
    hana = client_for(pref.users.hana)
    page = reverse("discharge:plan_detail", args=[plan.pk])
    response = hana.post(reverse("discharge:plan_review", args=[plan.pk]),
                         {"held_on": "2026-02-30", "outcome": "本人は落ち着いている\x00"})
    assert response.status_code == 302 and response["Location"] == page
    body = hana.get(page).content.decode()
    assert 'value="2026-02-30"' in body and "日付を正しく入力してください。" in body
    assert "本人は落ち着いている" in body and CONTROL_MESSAGE in body
    # read once: the next visit shows the empty form again
    again = hana.get(page).content.decode()
    assert 'value="2026-02-30"' not in again and CONTROL_MESSAGE not in again


def test_a_form_refused_by_its_action_comes_back_with_the_actions_message(pref, client_for, make_plan):
    plan = make_plan()
    hana = client_for(pref.users.hana)
    page = reverse("discharge:plan_detail", args=[plan.pk])
    hana.post(reverse("discharge:plan_handover", args=[plan.pk]), {"note": "転居のため引き継ぎたい"})
    body = hana.get(page).content.decode()
    assert "転居のため引き継ぎたい" in body
