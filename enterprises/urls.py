from django.urls import path

from . import list_views, pipeline_views, views

app_name = "enterprises"

urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/profile/", views.ProfileView.as_view(), name="profile"),
    path("enterprises/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("enterprises/import/", views.import_view, name="enterprise_import"),
    path("enterprises/import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("enterprises/import/jobs/<int:pk>/status", views.import_job_status, name="import_job_status"),
    path("enterprises/check/", views.attribution_check, name="attribution_check"),
    path("enterprises/check/missing/", views.flag_missing, name="flag_missing"),
    path("enterprises/<int:pk>/flag/", views.flag_create, name="flag_create"),
    path("enterprises/flags/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("enterprises/flags/<int:pk>/attachment/", views.flag_attachment, name="flag_attachment"),
    path("enterprises/changes/<slug:slug>/<month:month>/", views.MonthChangesView.as_view(), name="month_changes"),
    path("api/v1/enterprises/summary", views.api_summary, name="api_summary"),
    path("api/v1/forecast", views.api_forecast, name="api_forecast"),
    path("pipeline/", pipeline_views.pipeline_district, name="pipeline"),
    path("pipeline/import/", list_views.list_import, name="list_import"),
    path("pipeline/attempts/<int:pk>/", pipeline_views.attempt_detail, name="attempt_detail"),
    path("pipeline/<slug:slug>/", pipeline_views.pipeline_subdistrict, name="pipeline_subdistrict"),
    path("pipeline/<slug:slug>/new/", pipeline_views.attempt_create, name="attempt_create"),
    path("api/v1/pipeline", pipeline_views.api_pipeline, name="api_pipeline"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/accuracy/", views.BacktestView.as_view(), name="backtest"),
]
