from io import BytesIO

from pypdf import PdfReader

from renkei.core.pdf import render_pdf


def _fonts(reader):
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_pdf_is_a4_with_japanese_text_in_bizud_gothic(tmp_path, settings):
    (tmp_path / "t.html").write_text("<h1>退院後支援計画</h1><p>令和8年4月1日 本人の希望</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    reader = PdfReader(BytesIO(render_pdf("t.html", {})))
    page = reader.pages[0]
    width_mm, height_mm = (float(v) / 72 * 25.4 for v in (page.mediabox.width, page.mediabox.height))
    assert round(width_mm) == 210 and round(height_mm) == 297
    assert "退院後支援計画" in page.extract_text()
    assert any("BIZUDGothic" in name.replace("-", "") for name in _fonts(reader))


def test_pdf_refuses_external_resources(tmp_path, settings):
    (tmp_path / "t.html").write_text('<img src="http://example.com/x.png"><p>本文</p>', encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    reader = PdfReader(BytesIO(render_pdf("t.html", {})))
    assert "本文" in reader.pages[0].extract_text()
