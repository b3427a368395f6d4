from django.urls import path

from . import views

app_name = "guidance"
urlpatterns = [
    path("", views.guidance_page, name="page"),
]
