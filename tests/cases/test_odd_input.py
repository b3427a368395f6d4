"""Odd input found by the crawler (tests/core/test_crawl.py): answered in Japanese, nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.cases.models import Consultation


@pytest.mark.parametrize("fy", ["-1", "12", "１２", "99999999999999999999", "abc", "2026-02-30"])
def test_the_stats_page_refuses_an_impossible_fiscal_year_in_japanese_instead_of_showing_another(pref, client_for, fy):
    response = client_for(pref.users.alice).get(reverse("cases:stats"), {"fy": fy})
    assert response.status_code == 400
    assert "「年度」は1873〜9998の整数（半角数字）で指定してください。" in response.content.decode()


def test_the_stats_page_without_a_fiscal_year_shows_this_one(pref, client_for):
    from renkei.core.dates import FiscalYear

    response = client_for(pref.users.alice).get(reverse("cases:stats"), {"fy": ""})
    assert response.status_code == 200 and response.context["fy"] == FiscalYear.of(timezone.now())


@pytest.mark.parametrize("fy", ["-1", "12", "99999999999999999999"])
def test_the_stats_api_refuses_an_impossible_fiscal_year_in_japanese(pref, client_for, fy):
    response = client_for(pref.users.alice).get("/api/cases/stats", {"fiscal_year": fy})
    assert response.status_code == 422
    assert response.json()["detail"] == "入力内容に誤りがあります。"


def test_a_consultation_dated_before_the_eras_is_refused_in_japanese(pref, client_for):
    response = client_for(pref.users.alice).post(reverse("cases:consultation_create"), {
        "consulter": "self", "category": "rehabilitation", "content": "x", "occurred_at": "1800-01-01T10:00",
        "channel": "phone", "staff": pref.users.alice.pk, "subject_label": "長男"})
    assert response.status_code == 200
    assert "相談日時が古すぎます" in response.content.decode()
    assert not Consultation.objects.exists()
