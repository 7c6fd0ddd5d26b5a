from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("assessment/", views.assessment_index, name="assessment_index"),
    path("assessment/<int:year>/", views.assessment_detail, name="assessment_detail"),
    path("assessment/<int:year>/scheme/", views.scheme_edit, name="scheme_edit"),
    path("assessment/<int:year>/publish/", views.publish, name="publish"),
    path("assessment/<int:year>.xlsx", views.export_xlsx, name="export_xlsx"),
    path("assessment/<int:year>.docx", views.export_docx, name="export_docx"),
    path("api/v1/assessment", views.api_assessment, name="api_assessment"),
]
