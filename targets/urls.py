from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("api/v1/targets", views.api_targets, name="api_targets"),
]
