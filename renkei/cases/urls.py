from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_page, name="search"),
    path("search/open/<int:document_id>/", views.open_search_result, name="search_open"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/pick/", views.person_pick, name="person_pick"),
    path("persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/cases/new/", views.case_create, name="case_create"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:consultation_id>/link/", views.consultation_link, name="consultation_link"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("<int:case_id>/status/", views.case_status, name="case_status"),
    path("<int:case_id>/entries/", views.entry_create, name="entry_create"),
    path("entries/<int:entry_id>/amend/", views.entry_amend, name="entry_amend"),
    path("entries/<int:entry_id>/error/", views.entry_error, name="entry_error"),
    path("stats/", views.stats_page, name="stats"),
    path("stats/rollup/", views.stats_rollup, name="stats_rollup"),
]
