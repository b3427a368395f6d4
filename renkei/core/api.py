"""The JSON API (django-ninja): session authentication with CSRF; each app adds its router."""

from ninja import NinjaAPI
from ninja.security import django_auth

from renkei.accounts.api import router as accounts_router

api = NinjaAPI(
    title="Renkei API",
    version="1",
    description="連携 — 地域精神保健福祉の多機関連携。個人に関わるデータはすべてアクセス制御と監査ログの対象です。",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/accounts", accounts_router)
