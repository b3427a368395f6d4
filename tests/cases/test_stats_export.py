import datetime as dt

from django.utils import timezone

from renkei.cases import actions
from renkei.core.dates import FiscalYear


def test_statistics_download_as_csv_that_excel_opens(pref, client_for):
    m = pref.memberships.alice
    person = actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "統計 太郎", "kana": "トウケイ タロウ", "sex": "male", "municipality": pref.orgs.aoba})
    for _ in range(2):
        actions.do_log_consultation(request=None, membership=m, data={
            "person": person, "occurred_at": timezone.now() - dt.timedelta(minutes=5), "channel": "phone",
            "consulter": "family", "category": "rehabilitation", "content": "電話相談", "staff": m.user})
    fy = FiscalYear.of(timezone.localdate()).year
    response = client_for(pref.users.alice).get("/cases/stats/", {"fy": fy, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("相談の種類,")
    assert "実人員" in text and "延人員" in text
    total = next(line.split(",") for line in text.splitlines() if line.startswith("計,"))
    assert sum(int(v) for v in total[1:] if v) >= 3  # 2 延人員 + 1 実人員 somewhere
