"""A4 PDFs with Japanese text (WeasyPrint + the BIZ UDGothic system font, Debian
fonts-morisawa-bizud-gothic; ~0.3 s a page, where Noto CJK takes ~9 s). No network access:
WeasyPrint is given a URL fetcher that refuses everything outside the product's static files."""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_CSS = "renkei/pdf.css"


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context, request=request)
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    stylesheet = CSS(filename=finders.find(PDF_CSS), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher, base_url=".").write_pdf(stylesheets=[stylesheet])


def pdf_response(pdf: bytes, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{filename}\""
    return response
