from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("organisation/", views.organisation_settings, name="organisation_settings"),
    path("password/", views.password_change, name="password_change"),
    path("switch/", views.switch_organisation, name="switch_organisation"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:membership_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:membership_id>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:membership_id>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:membership_id>/unlock-login/", views.staff_unlock_login, name="staff_unlock_login"),
    path("staff/<int:membership_id>/reset-password/", views.staff_reset_password, name="staff_reset_password"),
    path("staff/<int:membership_id>/reset-two-factor/", views.staff_reset_two_factor, name="staff_reset_two_factor"),
    path("jobs/", views.job_list, name="job_list"),
]
