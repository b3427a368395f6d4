import datetime as dt

from django.utils import timezone

from renkei.cases import actions
from renkei.core.dates import FiscalYear
from tests.core.xlsx_reader import read


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


def test_statistics_download_as_excel_in_the_layout_of_the_form(pref, client_for, make_person, make_consultation):
    person = make_person()
    when = timezone.make_aware(dt.datetime(2025, 6, 2, 10))
    make_consultation(person=person, occurred_at=when, channel="phone", category="alcohol", factors=["suicide"])
    make_consultation(person=person, occurred_at=when + dt.timedelta(days=1), channel="phone", category="other")
    make_consultation(is_anonymous=True, occurred_at=when, channel="home_visit", category="alcohol", factors=[])
    client = client_for(pref.users.alice)
    response = client.get("/cases/stats/", {"fy": 2025, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('FY2025.xlsx"')
    book = read(response.content)
    assert list(book) == ["青葉市", "数え方"]  # one sheet per table, then the rules
    sheet = book["青葉市"]
    cells = sheet["cells"]
    assert cells[1, 1] == "令和7年度 市区町村が実施した精神保健福祉相談等の被支援実人員－延人員（相談等の種類別）"
    assert sheet["fonts"][1, 1][0] == "BIZ UDゴシック" and sheet["fonts"][1, 1][1]
    assert "第46表" in cells[2, 1] and cells[3, 1] == "被支援実人員・被支援延人員"
    headings = [cells.get((4, c)) for c in range(1, 14)]
    assert headings == ["相談の種類", "相談", None, "電話相談", None, "電子メール相談", None, "デイ・ケア（記録なし）",
                        None, "訪問支援", None, "総数（未確認）", None]
    assert [cells.get((5, c)) for c in range(2, 6)] == ["実人員", "延人員", "実人員", "延人員"]
    assert {"A1:M1", "A4:A5", "B4:C4", "D4:E4", "L4:M4"} <= set(sheet["merges"])
    rows = {cells[r, 1]: [cells.get((r, c)) for c in range(2, 14)] for r in range(6, 25) if (r, 1) in cells}
    #                      相談    電話    電子メール  デイ・ケア     訪問支援  総数
    assert rows["アルコール"] == [0, 0, 1, 1, 0, 0, "—", "—", 1, 1, 2, 2]
    assert rows["その他"] == [0, 0, 0, 1, 0, 0, "—", "—", 0, 0, 0, 1]
    assert rows["計"] == [0, 0, 1, 2, 0, 0, "—", "—", 1, 1, 2, 3]
    assert rows["（再掲）自殺関連"] == [0, 0, 1, 1, 0, 0, "—", "—", 0, 0, 1, 1]
    api = client.get("/api/cases/stats", {"fiscal_year": 2025}).json()
    assert rows["計"][-2:] == [api["total"]["total"]["real"], api["total"]["total"]["visits"]]
    rules = book["数え方"]["cells"]
    assert rules[1, 1] == "令和7年度 数え方" and rules[2, 1] == "数え方"
    assert {rules[r, 2] for r in range(3, 3 + len(api["rules"]))} == {"確認済み", "未確認"}
