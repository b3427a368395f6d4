"""The 開示請求 access report can be handed to the person: every access in Japanese words (operation,
basis, organisation, staff name; no codes), the same complete list for whoever asks in the organisation
that holds the record, as a page, an A4 PDF and a CSV."""

import io
import re

from pypdf import PdfReader

from renkei.accounts.models import Membership, User
from renkei.audit.actions import log_event

RAW = ["person.viewed", "case.viewed", "consent:", "disclosure:", "breakglass:", "breakglass.", "case.listed",
       "相談支援（自組織の記録）"]


def _person(pref, org=None, name="開示 太郎"):
    from renkei.cases.models import Person

    return Person.objects.create(organisation=org or pref.orgs.aoba, name=name, kana="カイジ タロウ",
                                 created_by=pref.users.alice)


def _accesses(pref, person, other):
    log_event("person.viewed", actor=pref.users.alice, organisation=pref.orgs.aoba, person=person,
              field_groups=["基本情報"], purpose="相談支援（自組織の記録）")
    log_event("person.viewed", actor=pref.users.hana, organisation=pref.orgs.hc, person=person,
              field_groups=["基本情報"], purpose="相談支援（自組織の記録）", legal_basis="consent:7")
    log_event("case.viewed", actor=pref.users.mallory, organisation=pref.orgs.wakaba, person=person,
              field_groups=["相談・経過記録"], purpose="相談支援（自組織の記録）")
    log_event("record.viewed", actor=pref.users.sam, organisation=pref.orgs.centre, person=person,
              field_groups=["医療情報"], purpose="助言", legal_basis="law:disclosure:5")
    log_event("breakglass.person.viewed", actor=pref.users.dave, organisation=pref.orgs.vn, person=person,
              field_groups=["基本情報"], purpose="緊急時の安否確認", legal_basis="breakglass:apppi-27-1-2:3")
    log_event("search.performed", actor=pref.users.alice, organisation=pref.orgs.aoba, persons=[person, other],
              field_groups=["基本情報"], purpose="相談支援（自組織の記録）")


def _table(html: str) -> str:
    return re.search(r"<table.*?</table>", html, re.S).group(0)


def test_the_report_names_every_access_in_japanese_with_no_codes(pref, client_for):
    person, other = _person(pref), _person(pref, name="別人 花子")
    _accesses(pref, person, other)
    table = _table(client_for(pref.users.bob).get(f"/audit/person/{person.pk}/").content.decode())
    for text in ["本人の基本情報の閲覧", "ケース記録の閲覧", "経過記録の閲覧", "緊急アクセス: 本人の基本情報の閲覧", "検索",
                 "（一覧で表示）", "青葉 アリス", "中央 はな", "みどり県中央保健所", "若葉 マロリー", "若葉町",
                 "記録を保有する機関（本人の登録機関）", "本人の同意（同意の記録 第7号）",
                 "この方のケースを担当・共同担当する機関", "法令に基づく場合による提供（提供の記録 第5号）",
                 "相談支援", "助言"]:
        assert text in table, text
    assert "緊急アクセス（" in table and "記録 第3号）" in table
    for raw in RAW + ["alice", "hana", "mallory"]:
        assert raw not in table, raw


def test_every_supervisor_of_the_holding_organisation_gets_the_same_complete_list(pref, client_for):
    person, other = _person(pref), _person(pref, name="別人 花子")
    _accesses(pref, person, other)
    second = User.objects.create(username="bob2", display_name="青葉 第二管理者", kana="アオバ")
    Membership.objects.create(user=second, organisation=pref.orgs.aoba, role="supervisor")

    def rows(user):
        text = client_for(user).get(f"/audit/person/{person.pk}/", {"format": "csv"}).content.decode("utf-8-sig")
        return [line.split(",", 1)[1] for line in text.splitlines()[1:] if "アクセス記録（開示請求）の作成" not in line]

    first = rows(pref.users.bob)
    assert len(first) == 6 and first == rows(second)
    # other organisations' supervisors do not hold the record: no report of it (404 alike)
    for outsider in [pref.users.walter, pref.users.hiro]:
        assert client_for(outsider).get(f"/audit/person/{person.pk}/").status_code == 404


def test_the_report_as_an_a4_pdf(pref, client_for):
    person, other = _person(pref), _person(pref, name="別人 花子")
    _accesses(pref, person, other)
    response = client_for(pref.users.bob).get(f"/audit/person/{person.pk}/", {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ["アクセス記録", "開示 太郎", "本人の基本情報の閲覧", "中央 はな", "本人の同意"]:
        assert expected in text.replace(" ", "").replace("\n", "") or expected in text, expected
    assert "person.viewed" not in text and "consent:7" not in text


def test_the_report_as_csv_for_excel(pref, client_for):
    person, other = _person(pref), _person(pref, name="別人 花子")
    _accesses(pref, person, other)
    response = client_for(pref.users.bob).get(f"/audit/person/{person.pk}/", {"format": "csv"})
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "番号,日時（和暦）,日時,機関,職員,操作,情報の範囲,根拠,目的,一覧での表示"
    assert "本人の同意（同意の記録 第7号）" in text and "一覧で表示" in text and "令和" in text
    for raw in RAW:
        assert raw not in text, raw


def test_making_the_report_is_itself_recorded(pref, client_for):
    from renkei.audit.models import AuditEvent

    person = _person(pref)
    client = client_for(pref.users.bob)
    for fmt in ["html", "pdf", "csv"]:
        assert client.get(f"/audit/person/{person.pk}/", {"format": fmt}).status_code == 200
    formats = [e.data["format"] for e in AuditEvent.objects.filter(action="audit.person_report").order_by("id")]
    assert formats == ["html", "pdf", "csv"]
