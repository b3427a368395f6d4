from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/transition/", views.referral_transition, name="transition"),
    path("<int:referral_id>/basis/", views.referral_rebase, name="rebase"),
    path("case/<int:case_id>/", views.case_referrals, name="case"),
    path("case/<int:case_id>/new/", views.referral_create, name="create"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("stats/", views.stats_page, name="stats"),
]
