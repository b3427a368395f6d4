from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("", views.consent_list, name="consent_list"),
    path("persons/<int:person_id>/", views.person_register, name="person_register"),
    path("persons/<int:person_id>/new/", views.consent_create, name="consent_create"),
    path("persons/<int:person_id>/disclosures/new/", views.disclosure_create, name="disclosure_create"),
    path("<int:consent_id>/", views.consent_detail, name="consent_detail"),
    path("<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("disclosures/<int:disclosure_id>/end/", views.disclosure_end, name="disclosure_end"),
    path("<int:consent_id>/attachment/", views.consent_attachment, name="consent_attachment"),
    path("breakglass/", views.breakglass_search, name="breakglass_search"),
    path("breakglass/<int:person_id>/", views.breakglass_open, name="breakglass_open"),
    path("breakglass/accesses/<int:access_id>/end/", views.breakglass_end, name="breakglass_end"),
    path("notifications/<int:notification_id>/ack/", views.notification_ack, name="notification_ack"),
]
