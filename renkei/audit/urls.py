from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export.csv", views.event_export, name="event_export"),
    path("person/<int:person_id>/", views.person_report, name="person_report"),
    path("seal/", views.seal_page, name="seal"),
]
