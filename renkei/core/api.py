"""The JSON API (django-ninja): session authentication with CSRF; each app adds its router."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.security import django_auth

from renkei.accounts.api import router as accounts_router
from renkei.cases.api import router as cases_router
from renkei.conferences.api import router as conferences_router
from renkei.consent.api import router as consent_router
from renkei.core.api_errors import install as install_error_handlers
from renkei.directory.api import hsds_router
from renkei.directory.api import router as directory_router
from renkei.discharge.api import router as discharge_router
from renkei.guidance.api import router as guidance_router
from renkei.referrals.api import fhir_router
from renkei.referrals.api import router as referrals_router

api = NinjaAPI(
    title="Renkei API",
    version="1",
    description="連携 — 地域精神保健福祉の多機関連携。個人に関わるデータはすべてアクセス制御と監査ログの対象です。",
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
api.add_router("/discharge", discharge_router)
api.add_router("/hsds", hsds_router, auth=None if settings.HSDS_PUBLIC else django_auth)
