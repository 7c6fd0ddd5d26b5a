from django.urls import path

from . import plan_views, views

app_name = "targets"

urlpatterns = [
    path("plan/", plan_views.PlanView.as_view(), name="plan"),
    path("plan/changes/", plan_views.BoundaryChangeListView.as_view(), name="boundarychange_list"),
    path("plan/changes/new/", plan_views.BoundaryChangeCreateView.as_view(), name="boundarychange_new"),
    path("plan/changes/confirm/", plan_views.BoundaryChangeConfirmView.as_view(), name="boundarychange_confirm"),
    path("plan/revisions/", plan_views.PlanRevisionListView.as_view(), name="plan_revisions"),
    path("plan/revisions/import/", plan_views.PlanRevisionImportView.as_view(), name="plan_revision_import"),
    path("plan/revisions/import/confirm/", plan_views.PlanRevisionConfirmView.as_view(), name="plan_revision_confirm"),
    path("rules/", views.RulesView.as_view(), name="rules"),
    path("subdistricts/<slug:slug>/", views.SubDistrictDetailView.as_view(), name="subdistrict_detail"),
    path("counts/", views.MonthlyCountListView.as_view(), name="monthlycount_list"),
    path("counts/import/", views.MonthlyCountImportView.as_view(), name="monthlycount_import"),
    path("counts/import/confirm/", views.MonthlyCountImportConfirmView.as_view(), name="monthlycount_import_confirm"),
    path("counts/<month:month>/", views.MonthlyCountEntryView.as_view(), name="monthlycount_entry"),
    path("counts/<month:month>/template.xlsx", views.count_template, name="monthlycount_template"),
    path("counts/<month:month>/history/", views.MonthlyCountHistoryView.as_view(), name="monthlycount_history"),
    path("api/v1/targets", views.api_targets, name="api_targets"),
    path("api/v1/progress", views.api_progress, name="api_progress"),
]
