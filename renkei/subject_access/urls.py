from django.urls import path

from . import views

app_name = "subject_access"
urlpatterns = [
    path("persons/<int:person_id>/record.json", views.record_json, name="record_json"),
    path("persons/<int:person_id>/record.pdf", views.record_pdf, name="record_pdf"),
]
