from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/profile/", views.ProfileView.as_view(), name="profile"),
    path("enterprises/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("enterprises/import/", views.import_view, name="enterprise_import"),
    path("enterprises/check/", views.attribution_check, name="attribution_check"),
    path("enterprises/check/missing/", views.flag_missing, name="flag_missing"),
    path("enterprises/<int:pk>/flag/", views.flag_create, name="flag_create"),
    path("enterprises/flags/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("enterprises/flags/<int:pk>/attachment/", views.flag_attachment, name="flag_attachment"),
    path("api/v1/enterprises/summary", views.api_summary, name="api_summary"),
]
