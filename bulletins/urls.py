from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("bulletin/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletin/<month:month>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletin/<month:month>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("bulletin/<month:month>.xlsx", views.bulletin_export, {"fmt": "xlsx"}, name="bulletin_xlsx"),
    path("bulletin/<month:month>.docx", views.bulletin_export, {"fmt": "docx"}, name="bulletin_docx"),
]
