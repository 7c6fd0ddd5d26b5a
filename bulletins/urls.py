from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("bulletin/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletin/settings/", views.BulletinSettingsView.as_view(), name="bulletin_settings"),
    path("bulletin/settings/template/", views.BulletinTemplateUploadView.as_view(), name="bulletin_template_upload"),
    path(
        "bulletin/settings/template/noted/",
        views.BulletinTemplateNotedView.as_view(),
        name="bulletin_template_noted",
    ),
    path(
        "bulletin/settings/template.docx",
        views.bulletin_template_download,
        {"which": "current"},
        name="bulletin_template_download",
    ),
    path(
        "bulletin/settings/template-default.docx",
        views.bulletin_template_download,
        {"which": "default"},
        name="bulletin_template_default",
    ),
    path("bulletin/<month:month>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletin/<month:month>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("bulletin/<month:month>.xlsx", views.bulletin_export, {"fmt": "xlsx"}, name="bulletin_xlsx"),
    path("bulletin/<month:month>.docx", views.bulletin_export, {"fmt": "docx"}, name="bulletin_docx"),
]
