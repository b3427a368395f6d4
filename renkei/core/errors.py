from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

from .api_errors import error_body


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def size_limit_text() -> str:
    """The limit as a worker reads it: in MB (with the bytes) from 1 MB, in bytes below."""
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if size < 1024 * 1024:
        return f"{size:,}バイト"
    return f"{size / (1024 * 1024):.4g} MB（{size:,}バイト）"


def too_big_message() -> str:
    return (f"送信された内容が大きすぎるため受け付けませんでした（上限 {size_limit_text()}）。保存されていません。"
            "文章を分けて保存してください。")


def bad_request(request, exception=None):
    """400 in Japanese; a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 naming the limit (JSON under
    /api/). Nothing was saved; the page says the typed text is kept as a draft in the browser (renkei.js)."""
    too_big = isinstance(exception, RequestDataTooBig)
    if too_big:
        detail = too_big_message()
    else:
        detail = "リクエストの形式が正しくないため受け付けませんでした。保存されていません。"
    status = 413 if too_big else 400
    if request.path.startswith("/api/"):
        body = error_body(status, detail)
        if too_big:
            body["limit_bytes"] = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    limits = [(name, f"{settings.TEXT_LIMITS[key]:,}") for name, key in [
        ("経過記録の内容", "record_body"), ("相談の内容", "consultation_content"), ("そのほかの複数行の欄", "long_text")]]
    return render(request, "400.html", {"detail": detail, "too_big": too_big, "limit": size_limit_text(),
                                        "limits": limits}, status=status)
