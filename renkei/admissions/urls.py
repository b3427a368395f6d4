from django.urls import path

from . import views

app_name = "admissions"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rules, name="rules"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_id>/person/", views.report_link_person, name="report_link_person"),
    path("reports/<int:report_id>/investigation/", views.report_investigation, name="report_investigation"),
    path("reports/<int:report_id>/examination/", views.report_examination, name="report_examination"),
    path("reports/<int:report_id>/result/", views.report_result, name="report_result"),
    path("reports/<int:report_id>/decision/", views.report_decision, name="report_decision"),
    path("reports/<int:report_id>/notice/", views.report_notice, name="report_notice"),
    path("reports/<int:report_id>/transfer/", views.report_transfer, name="report_transfer"),
    path("inpatients/", views.admission_list, name="admission_list"),
    path("inpatients/new/", views.admission_create, name="admission_create"),
    path("inpatients/<int:admission_id>/", views.admission_detail, name="admission_detail"),
    path("inpatients/<int:admission_id>/documents/", views.admission_document, name="admission_document"),
    path("inpatients/<int:admission_id>/end/", views.admission_end, name="admission_end"),
]
