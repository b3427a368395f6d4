from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("cases/<int:case_id>/team/", views.team, name="team"),
    path("cases/<int:case_id>/team/members/", views.team_member_add, name="team_member_add"),
    path("cases/<int:case_id>/team/members/<int:member_id>/role/", views.team_member_role, name="team_member_role"),
    path("cases/<int:case_id>/team/members/<int:member_id>/remove/", views.team_member_remove,
         name="team_member_remove"),
    path("cases/<int:case_id>/team/purpose/", views.team_purpose, name="team_purpose"),
    path("cases/<int:case_id>/team/acknowledge/", views.team_acknowledge, name="team_acknowledge"),
    path("cases/<int:case_id>/new/", views.conference_create, name="create"),
    path("<int:conference_id>/", views.conference_detail, name="detail"),
    path("<int:conference_id>/edit/", views.conference_edit, name="edit"),
    path("<int:conference_id>/attendees/", views.attendee_add, name="attendee_add"),
    path("<int:conference_id>/attendees/<int:attendee_id>/agreement/", views.agreement, name="agreement"),
    path("<int:conference_id>/actions/", views.action_add, name="action_add"),
    path("<int:conference_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("actions/<int:item_id>/status/", views.action_status, name="action_status"),
]
