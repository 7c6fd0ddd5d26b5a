from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from accounts import views as account_views
from assessment.urls import urlpatterns as assessment_urls
from targets import views as target_views
from targets.converters import MonthConverter

from . import views

register_converter(MonthConverter, "month")

admin.site.site_header = "北碚区“高科双企”双倍增管理后台"
admin.site.site_title = "高科双企管理后台"
admin.site.index_title = "数据管理"

handler500 = "beibei_dashboard.errors.server_error"

todo_urls = [
    path("todo/", views.todo_list, name="todo_list"),
    path("todo/count", views.todo_count, name="todo_count"),
]

urlpatterns = [
    path("", target_views.home, name="home"),
    path("healthz", target_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/locked/", account_views.lockout_list, name="lockout_list"),
    path("accounts/locked/unlock/", account_views.lockout_unlock, name="lockout_unlock"),
    path("admin/", admin.site.urls),
    path("", include("targets.urls")),
    path("", include("tasks.urls")),
    path("", include("enterprises.urls")),
    path("", include("outreach.urls")),
    path("", include("bulletins.urls")),
    # 待办 composes every app; its URL names keep the namespace they were published under
    path("", include((assessment_urls + todo_urls, "assessment"))),
]
