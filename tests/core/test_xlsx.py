from renkei.core import xlsx
from tests.core.xlsx_reader import read


def test_column_letters_run_past_z():
    assert [xlsx.column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_a_workbook_keeps_values_styles_merges_and_sheet_order():
    first = xlsx.Sheet("表[1]/青葉市", rows=[[("令和7年度 表題", "title")], [("相談", "header"), (3, "number")],
                                          ["<&>\x01", 2.5, None]], merges=["A1:C1"])
    second = xlsx.Sheet("表[1]/青葉市")
    book = read(xlsx.workbook_bytes([first, second], "題"))
    assert list(book) == ["表・1・・青葉市", "表・1・・青葉市(2)"]  # Excel's forbidden characters replaced, unique
    sheet = book["表・1・・青葉市"]
    assert sheet["cells"][1, 1] == "令和7年度 表題" and sheet["cells"][2, 2] == 3
    assert sheet["cells"][3, 1] == "<&>" and sheet["cells"][3, 2] == 2.5 and sheet["cells"][3, 3] is None
    assert sheet["merges"] == ["A1:C1"]
    assert sheet["fonts"][1, 1] == ("BIZ UDゴシック", True, 14.0)
    assert all(font[0] == "BIZ UDゴシック" for font in sheet["fonts"].values())


def test_text_that_looks_like_a_formula_stays_text():
    sheet = xlsx.Sheet("表", rows=[["=HYPERLINK(\"http://example.invalid\")", "+1", ("-2", "label")]])
    book = read(xlsx.workbook_bytes([sheet]))
    cells = book["表"]["cells"]
    assert cells[1, 1] == "=HYPERLINK(\"http://example.invalid\")" and cells[1, 2] == "+1" and cells[1, 3] == "-2"
    import io

    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(xlsx.workbook_bytes([sheet]))).active
    assert ws["A1"].data_type == "s"
