from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.KeyTaskListView.as_view(), name="keytask_list"),
    path("tasks/overdue/", views.OverdueListView.as_view(), name="overdue_list"),
    path("tasks/<int:number>/", views.keytask_detail, name="keytask_detail"),
    path("tasks/<int:number>/reports/new/", views.report_form, name="taskreport_create"),
    path("tasks/reports/<int:pk>/edit/", views.report_form, name="taskreport_edit"),
    path("tasks/reports/<int:pk>/return/", views.report_return, name="taskreport_return"),
    path("tasks/reports/<int:pk>/accept/", views.report_accept, name="taskreport_accept"),
    path("tasks/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("tasks/contributions/", views.contribution_overview_list, name="contribution_overview"),
    path("tasks/<str:kind>/<int:number>/contributions/", views.contribution_list, name="contribution_list"),
    path("tasks/<str:kind>/<int:number>/contributions/new/", views.contribution_form, name="contribution_create"),
    path(
        "tasks/contribution-attachments/<int:pk>/",
        views.contribution_attachment_download,
        name="contribution_attachment_download",
    ),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/record/", views.indicator_record, name="indicatorvalue_create"),
    path("api/v1/tasks", views.api_tasks, name="api_tasks"),
    path("api/v1/indicators", views.api_indicators, name="api_indicators"),
]
