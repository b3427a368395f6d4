"""The API's one error answer, in Japanese, for every status it can give under /api/.

Shape (`Error`): ``{"detail": "日本語の説明", "errors": [{"loc": [...], "msg": "…", "type": "…"}]}``;
`errors` lists field errors (422) and is empty otherwise. A 409 adds the conflicting versions
(`Conflict`) or the duplicate candidates (`DuplicateOut`) beside `detail`.

Three places produce these answers, all from the messages here:
- the NinjaAPI's exception handlers (`install`): validation, 404, 401, CSRF 403, HttpError, 413, a request
  Django refuses as suspicious (too many parameters: 400), 500;
- `ApiErrorMiddleware`: whatever Django answers under /api/ outside an operation (an unknown URL, a
  method the URL does not take, a body too large, a server error) is turned into the same JSON;
- the operations themselves, through `bad_request(error)` for an action's `ValidationError`.
"""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("renkei.api")

STATUS_MESSAGES = {
    400: "リクエストの形式が正しくありません。",
    401: "ログインが必要です。",
    403: "この操作は許可されていません。",
    404: "見つかりません。",
    405: "この URL はこのメソッドに対応していません。",
    409: "ほかの人が先に変更しました。",
    413: "送信されたデータが大きすぎます。",
    415: "JSON（application/json）で送信してください。",
    422: "入力内容に誤りがあります。",
    429: "短時間に送信が多すぎます。しばらく待ってからもう一度お試しください。",
    500: "サーバーで問題が起きました。時間をおいてもう一度お試しください。",
}
CSRF_MESSAGE = "CSRF トークンを確認できません。画面を開き直し、X-CSRFToken ヘッダーを付けて送信してください。"
JSON_MESSAGE = "リクエストの形式が正しくありません（JSON として読めません）。"
FIELDS_MESSAGE = "パラメータの数が多すぎます。"

MESSAGES = {
    "missing": "必須項目です。",
    "string_too_long": "{max_length:,}文字以内で入力してください。",
    "string_too_short": "{min_length:,}文字以上で入力してください。",
    "too_long": "{max_length:,}件以内で指定してください。",
    "too_short": "{min_length:,}件以上で指定してください。",
    "string_type": "文字列で指定してください。",
    "string_pattern_mismatch": "形式が正しくありません。",
    "int_parsing": "整数で指定してください。",
    "int_type": "整数で指定してください。",
    "int_from_float": "整数で指定してください。",
    "int_parsing_size": "整数が大きすぎます。",
    "float_parsing": "数値で指定してください。",
    "float_type": "数値で指定してください。",
    "finite_number": "有限の数値で指定してください。",
    "bool_parsing": "true または false で指定してください。",
    "bool_type": "true または false で指定してください。",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）で指定してください。",
    "date_from_datetime_inexact": "日付（YYYY-MM-DD）で指定してください。",
    "date_parsing": "日付（YYYY-MM-DD）で指定してください。",
    "date_type": "日付（YYYY-MM-DD）で指定してください。",
    "datetime_parsing": "日時（ISO 8601）で指定してください。",
    "datetime_from_date_parsing": "日時（ISO 8601）で指定してください。",
    "datetime_type": "日時（ISO 8601）で指定してください。",
    "datetime_object_invalid": "日時（ISO 8601）で指定してください。",
    "timezone_aware": "タイムゾーンつきの日時で指定してください。",
    "uuid_parsing": "UUID で指定してください。",
    "uuid_type": "UUID で指定してください。",
    "enum": "選択肢にない値です。",
    "literal_error": "選択肢にない値です（{expected}）。",
    "list_type": "配列で指定してください。",
    "dict_type": "オブジェクトで指定してください。",
    "model_type": "オブジェクトで指定してください。",
    "model_attributes_type": "オブジェクトで指定してください。",
    "greater_than": "{gt}より大きい値で指定してください。",
    "greater_than_equal": "{ge}以上で指定してください。",
    "less_than": "{lt}未満で指定してください。",
    "less_than_equal": "{le}以下で指定してください。",
    "json_invalid": "JSON として読めません。",
    "json_type": "JSON として読めません。",
    "extra_forbidden": "この項目は指定できません。",
    "unexpected_keyword_argument": "この項目は指定できません。",
}


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Error(Schema):
    detail: str
    errors: list[ErrorItem] = []


class Conflict(Error):
    theirs: dict
    yours: dict


class DuplicateOut(Error):
    duplicates: list[dict]


def error_body(status: int, detail: str | None = None, errors=()) -> dict:
    return {"detail": detail or STATUS_MESSAGES.get(status, STATUS_MESSAGES[400 if status < 500 else 500]),
            "errors": list(errors)}


def error_response(status: int, detail: str | None = None, errors=()) -> JsonResponse:
    return JsonResponse(error_body(status, detail, errors), status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(error: DjangoValidationError) -> dict:
    """The 400 body for an action's refusal: its Japanese messages in one sentence, per field in `errors`."""
    errors = []
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            errors += [{"loc": ["body", field], "msg": message, "type": "invalid"} for message in field_errors]
    return error_body(400, " ".join(error.messages), errors)


def _japanese(error: dict) -> dict:
    message = error.get("msg", "")
    kind = error.get("type", "")
    if kind == "value_error" and message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif kind == "assertion_error" and message.startswith("Assertion failed, "):
        message = message.removeprefix("Assertion failed, ")
    elif kind in MESSAGES:
        try:
            message = MESSAGES[kind].format(**error.get("ctx", {}))
        except (KeyError, ValueError, TypeError):
            message = MESSAGES[kind].split("{")[0] or STATUS_MESSAGES[422]
    elif not kind.startswith("renkei_"):
        message = STATUS_MESSAGES[422]
    return {"loc": list(error.get("loc", [])), "msg": message, "type": kind}


def install(api) -> None:
    def answer(request, status, detail=None, errors=()):
        return api.create_response(request, error_body(status, detail, errors), status=status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        errors = [_japanese(e) for e in exc.errors]
        if errors and all(e["loc"][:1] == ["body"] and e["type"] == "json_invalid" for e in errors):
            return answer(request, 400, JSON_MESSAGE, errors)
        return answer(request, 422, None, errors)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return answer(request, 401)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        from .errors import too_big_message  # the same words as the page (core/errors.py)

        return answer(request, 413, too_big_message())

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):  # e.g. more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return answer(request, 400, FIELDS_MESSAGE if isinstance(exc, TooManyFieldsSent) else None)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail = str(exc)
        if exc.status_code == 403 and "csrf" in detail.lower():
            detail = CSRF_MESSAGE
        elif exc.status_code == 400 and "parse" in detail.lower():
            detail = JSON_MESSAGE
        elif detail.isascii():  # django-ninja's own English messages
            detail = None
        return answer(request, exc.status_code, detail)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error: %s %s", request.method, request.path)
        return answer(request, 500)


class ApiErrorMiddleware:
    """Under /api/, an error that Django answers outside an operation (unknown URL, a method the URL does
    not take, an oversize body, a server error page) comes back as the API's JSON error, not HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code >= 400
                and not response.get("Content-Type", "").startswith("application/json")
                and not response.get("Content-Type", "").startswith("application/fhir+json")):
            replacement = error_response(response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response
