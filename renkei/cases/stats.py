"""実人員 and 延人員 per fiscal year, as 地域保健・健康増進事業報告 counts them.

Rules (tested in tests/cases/test_stats.py):
- Each consultation is one contact and counts one 延人員, under its report kind (the channel's
  `report_kind` in data/vocabulary.json: 来所・その他 → 相談, 訪問 → 訪問指導, 電話 → 電話相談,
  メール → メール相談) and its 相談の種類.
- A registered person counts one 実人員 per report kind per fiscal year, however often they consulted.
  Within a kind, that 実人員 is counted under the category of the person's first contact of the year,
  so the categories add up to the kind's total (as the form's rows do).
- A contact with no registered person (anonymous, or about someone not yet registered) cannot be
  identified with any other, so each such contact is its own 実人員. Linking it to a person later
  makes it count as that person.
- Other apps may add contacts through `register_contact_source` (recorded outreach visits are
  訪問指導 contacts); they are counted by the same rules.
- The fiscal year runs April–March (renkei.core.dates.FiscalYear), by the contact's local date.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from renkei.core.dates import FiscalYear

from . import reference
from .models import Consultation

# Other contacts counted like consultations (the discharge app's recorded outreach visits): functions
# (organisation, start, end) -> iterable of (occurred_at, person_id, channel, category).
CONTACT_SOURCES: list = []


def register_contact_source(source) -> None:
    if source not in CONTACT_SOURCES:
        CONTACT_SOURCES.append(source)


def _bounds(fy: FiscalYear):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(fy.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(fy.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def consultation_counts(organisation, fiscal_year: FiscalYear | int) -> dict:
    """{"fiscal_year", "kinds": [{code, name, total: {real, visits}, categories: [{code, name, real, visits}]}]}"""
    fy = fiscal_year if isinstance(fiscal_year, FiscalYear) else FiscalYear(int(fiscal_year))
    start, end = _bounds(fy)
    kind_of = reference.report_kind_of_channel()
    rows = list(Consultation.objects.filter(organisation=organisation, occurred_at__gte=start, occurred_at__lt=end)
                .order_by("occurred_at", "id").values_list("occurred_at", "person_id", "channel", "category"))
    for source in CONTACT_SOURCES:
        rows.extend(source(organisation, start, end))
    rows.sort(key=lambda row: row[0])  # stable: consultations keep their id order within a moment
    visits = defaultdict(int)          # (kind, category) → 延人員
    real = defaultdict(int)            # (kind, category) → 実人員
    seen: set[tuple[str, int]] = set()  # (kind, person) already counted this year
    for _at, person_id, channel, category in rows:
        kind = kind_of.get(channel, "consultation")
        visits[kind, category] += 1
        if person_id is None:
            real[kind, category] += 1
        elif (kind, person_id) not in seen:
            seen.add((kind, person_id))
            real[kind, category] += 1
    category_list = reference.categories(fy)
    kinds = []
    for kind in reference.vocabulary("report_kinds"):
        cats = [{"code": c["code"], "name": c["name"], "real": real[kind["code"], c["code"]],
                 "visits": visits[kind["code"], c["code"]]} for c in category_list]
        kinds.append({"code": kind["code"], "name": kind["name"], "categories": cats,
                      "total": {"real": sum(c["real"] for c in cats), "visits": sum(c["visits"] for c in cats)}})
    return {"fiscal_year": fy.year, "label": fy.label, "kinds": kinds}
