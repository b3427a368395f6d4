from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("match/", views.match, name="match"),
    path("import/", views.import_view, name="import"),
    path("export/", views.export_view, name="export"),
    path("organizations/<uuid:organization_id>/", views.organization_detail, name="organization"),
    path("organizations/<uuid:organization_id>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<uuid:organization_id>/verify/", views.organization_verify, name="organization_verify"),
    path("organizations/<uuid:organization_id>/services/new/", views.service_edit, name="service_create"),
    path("organizations/<uuid:organization_id>/services/<uuid:service_id>/", views.service_edit,
         name="service_edit"),
    path("organizations/<uuid:organization_id>/services/<uuid:service_id>/schedules/", views.schedule_add,
         name="schedule_add"),
    path("organizations/<uuid:organization_id>/services/<uuid:service_id>/schedules/<uuid:schedule_id>/delete/",
         views.schedule_delete, name="schedule_delete"),
]
