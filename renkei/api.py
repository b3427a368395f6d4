"""The JSON API (django-ninja), assembled at project level: each app contributes its router here, so no
app imports another app's API. Session authentication with CSRF; errors answer in Japanese in one shape
(`renkei.core.api_errors`), and the OpenAPI schema declares every status an operation can give."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from renkei.accounts.api import router as accounts_router
from renkei.admissions.api import router as admissions_router
from renkei.cases.api import router as cases_router
from renkei.conferences.api import router as conferences_router
from renkei.consent.api import router as consent_router
from renkei.core.api_errors import STATUS_MESSAGES, Error
from renkei.core.api_errors import install as install_error_handlers
from renkei.directory.api import hsds_router
from renkei.directory.api import router as directory_router
from renkei.discharge.api import router as discharge_router
from renkei.guidance.api import router as guidance_router
from renkei.referrals.api import fhir_router
from renkei.referrals.api import router as referrals_router
from renkei.subject_access.api import router as subject_access_router

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# An operation may name the media type of its 200 answer (the FHIR reads answer application/fhir+json).
MEDIA_TYPE_KEY = "x-media-type"


class RenkeiSchema(OpenAPISchema):
    """Adds to every operation the error answers that the API gives around the operation's own ones:
    401 and (for writes) the CSRF 403 where a login is needed, 404, 400/413 where a body is read,
    422 where input is validated, 500 — all with the one `Error` body. And the declared media type."""

    def operation_details(self, operation):
        result = super().operation_details(operation)
        media_type = result.pop(MEDIA_TYPE_KEY, None)
        ok = result["responses"].get(200, {}).get("content")
        if media_type and ok:
            result["responses"][200]["content"] = {media_type: next(iter(ok.values()))}
        return result

    def responses(self, operation):
        result = super().responses(operation)
        error = {self.api.renderer.media_type: {"schema": self._error_schema()}}
        statuses = [404, 500]
        if operation.auth_callbacks:
            statuses.append(401)
            if UNSAFE_METHODS & set(operation.methods):
                statuses.append(403)
        if operation.models:
            statuses.append(422)
        if any(model.__ninja_param_source__ == "body" for model in operation.models):
            statuses += [400, 413]
        for status in sorted(statuses):
            result.setdefault(status, {"description": STATUS_MESSAGES[status], "content": error})
        return result

    def _error_schema(self):
        schema, _required = self._create_schema_from_model(Error, mode="serialization")
        return schema


class RenkeiAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return RenkeiSchema(api=self, path_prefix=path_prefix)


api = RenkeiAPI(
    title="Renkei API",
    version="1",
    description="連携 — 地域精神保健福祉の多機関連携。個人に関わるデータはすべてアクセス制御と監査ログの対象です。"
                "エラーはすべて {\"detail\": 日本語の説明, \"errors\": [項目ごとの誤り]} の形で答えます。",
    auth=django_auth,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/accounts", accounts_router)
api.add_router("/directory", directory_router)
api.add_router("/guidance", guidance_router)
api.add_router("/cases", cases_router)
api.add_router("/consent", consent_router)
api.add_router("/referrals", referrals_router)
api.add_router("/fhir", fhir_router)
api.add_router("/conferences", conferences_router)
api.add_router("/admissions", admissions_router)
api.add_router("/discharge", discharge_router)
api.add_router("/subject-access", subject_access_router)
api.add_router("/hsds", hsds_router, auth=None if settings.HSDS_PUBLIC else django_auth)
