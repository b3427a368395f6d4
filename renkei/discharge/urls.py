from django.urls import path

from . import views

app_name = "discharge"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<int:case_id>/", views.case_hub, name="case_hub"),
    path("cases/<int:case_id>/plan/new/", views.plan_create, name="plan_create"),
    path("cases/<int:case_id>/refusal/", views.refusal_create, name="refusal_create"),
    path("cases/<int:case_id>/pathway/", views.pathway_start, name="pathway_start"),
    path("cases/<int:case_id>/visits/new/", views.visit_create, name="visit_create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/v/<int:number>/", views.plan_detail, name="plan_version"),
    path("plans/<int:plan_id>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<int:plan_id>/agree/", views.plan_agree, name="plan_agree"),
    path("plans/<int:plan_id>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:plan_id>/extend/", views.plan_extend, name="plan_extend"),
    path("plans/<int:plan_id>/handover/", views.plan_handover, name="plan_handover"),
    path("plans/<int:plan_id>/continue/", views.plan_continue, name="plan_continue"),
    path("plans/<int:plan_id>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:plan_id>/v/<int:number>/pdf/", views.plan_pdf, name="plan_version_pdf"),
    path("steps/<int:step_id>/", views.step_update, name="step_update"),
    path("steps/<int:step_id>/view/", views.step_detail, name="step_detail"),
    path("visit-support/", views.request_list, name="request_list"),
    path("visit-support/new/", views.request_create, name="request_create"),
    path("visit-support/supporters/", views.supporter_create, name="supporter_create"),
    path("visit-support/mine/", views.my_assignments, name="my_assignments"),
    path("visit-support/<int:request_id>/", views.request_detail, name="request_detail"),
    path("visit-support/<int:request_id>/wish/", views.request_wish, name="request_wish"),
    path("visit-support/<int:request_id>/assign/", views.request_assign, name="request_assign"),
    path("visit-support/<int:request_id>/schedule/", views.request_schedule, name="request_schedule"),
    path("visit-support/<int:request_id>/report/", views.request_report, name="request_report"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:visit_id>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("stats/", views.visit_stats, name="visit_stats"),
]
