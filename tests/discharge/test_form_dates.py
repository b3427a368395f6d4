"""Dates inside choice labels are 和暦, like every other date on screen."""

import datetime as dt

from renkei.discharge.forms import AssignForm
from renkei.discharge.models import Supporter


def test_a_supporters_training_date_is_shown_in_wareki(pref):
    Supporter.objects.create(operator=pref.orgs.hc, name="訪問 一郎", trained_on=dt.date(2026, 4, 1),
                             secrecy_pledged=True)
    form = AssignForm(Supporter.objects.all())
    labels = [label for _, label in form.fields["supporters"].choices]
    assert "訪問 一郎（研修修了 令和8年4月1日・守秘誓約あり）" in labels
