from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.index, name="index"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/supports/", views.support_add, name="support_add"),
    path("supports/<int:support_id>/", views.support_detail, name="support"),
    path("supports/<int:support_id>/items/", views.support_item_add, name="support_item_add"),
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("outreach/counts/", views.outreach_counts, name="outreach_counts"),
    path("outreach/<int:outreach_id>/", views.outreach_detail, name="outreach"),
    path("outreach/<int:outreach_id>/edit/", views.outreach_edit, name="outreach_edit"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/attendances/", views.attendance_add, name="attendance_add"),
    path("meetings/<int:meeting_id>/items/", views.meeting_item_add, name="meeting_item_add"),
    path("items/<int:item_id>/status/", views.item_status, name="item_status"),
]
