from django.urls import include, path

from renkei.api import api
from renkei.core import views as core_views

urlpatterns = [
    path("", include("renkei.core.urls")),
    path("accounts/", include("renkei.accounts.urls")),
    path("audit/", include("renkei.audit.urls")),
    path("directory/", include("renkei.directory.urls")),
    path("guidance/", include("renkei.guidance.urls")),
    path("cases/", include("renkei.cases.urls")),
    path("consent/", include("renkei.consent.urls")),
    path("referrals/", include("renkei.referrals.urls")),
    path("conferences/", include("renkei.conferences.urls")),
    path("admissions/", include("renkei.admissions.urls")),
    path("discharge/", include("renkei.discharge.urls")),
    path("network/", include("renkei.network.urls")),
    path("subject-access/", include("renkei.subject_access.urls")),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "renkei.core.errors.bad_request"
handler404 = "renkei.core.errors.not_found"
handler500 = "renkei.core.errors.server_error"
