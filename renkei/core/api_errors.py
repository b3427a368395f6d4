"""Japanese answers for the API's errors (django-ninja answers in English by default)."""

from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

MESSAGES = {
    "missing": "必須項目です。",
    "string_too_long": "文字数が多すぎます。",
    "string_too_short": "文字数が足りません。",
    "string_type": "文字列で指定してください。",
    "int_parsing": "整数で指定してください。",
    "int_type": "整数で指定してください。",
    "float_parsing": "数値で指定してください。",
    "bool_parsing": "true または false で指定してください。",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）で指定してください。",
    "date_parsing": "日付（YYYY-MM-DD）で指定してください。",
    "datetime_parsing": "日時（ISO 8601）で指定してください。",
    "datetime_from_date_parsing": "日時（ISO 8601）で指定してください。",
    "uuid_parsing": "UUID で指定してください。",
    "enum": "選択肢にない値です。",
    "literal_error": "選択肢にない値です。",
    "list_type": "配列で指定してください。",
    "dict_type": "オブジェクトで指定してください。",
    "greater_than_equal": "値が小さすぎます。",
    "less_than_equal": "値が大きすぎます。",
    "json_invalid": "JSON として読めません。",
}


def _japanese(error: dict) -> dict:
    message = error.get("msg", "")
    if error.get("type") == "value_error" and message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif error.get("type") in MESSAGES:
        message = MESSAGES[error["type"]]
    return {"loc": error.get("loc", []), "msg": message, "type": error.get("type", "")}


def install(api) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        return api.create_response(request, {
            "message": "入力内容に誤りがあります。", "detail": [_japanese(e) for e in exc.errors]}, status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "見つかりません。"}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": "ログインが必要です。"}, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail = str(exc)
        if exc.status_code == 400 and "parse" in detail.lower():
            detail = "リクエストの形式が正しくありません（JSON として読めません）。"
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
