import datetime as dt

import pytest
from django.utils import timezone

from renkei.cases import actions as case_actions
from renkei.consent import actions as consent_actions


@pytest.fixture
def discharge(pref):
    """Scenario 2 in small: a woman in hospital, registered by 中央保健所 (hana leads her case)."""
    m = pref.memberships.hana
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "川口 美和", "kana": "カワグチ ミワ", "birth_date": dt.date(1981, 2, 3), "sex": "female",
        "municipality": pref.orgs.aoba})
    case = case_actions.do_open_case(request=None, membership=m, person=person)
    return {"person": person, "case": case}


@pytest.fixture
def consent_to(pref):
    """consent_to(person, organisation, scopes) — obtained by 中央保健所 (hana)."""
    def make(person, organisation, scopes=("基本情報",), membership=None):
        today = timezone.localdate()
        return consent_actions.do_record_consent(
            request=None, membership=membership or pref.memberships.hana, person=person,
            recipient_kind="organisation", recipient_organisation=organisation, purpose="退院後の生活の支援のため",
            scopes=list(scopes), valid_from=today, valid_until=today + dt.timedelta(days=180), method="written",
            obtained_at=timezone.now(), note="同意書に署名をもらった。")
    return make


def at(days=1, hour=14):
    return (timezone.localtime() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


# The browser test of this app runs in Debian chromium with the same settings as tests/browser.
from ..browser.conftest import browser_context_args, browser_type_launch_args, page  # noqa: E402, F401
