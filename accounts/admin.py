from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from beibei_dashboard.forms import CleanTextAdminMixin

from .models import User


@admin.register(User)
class UserAdmin(CleanTextAdminMixin, BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "subdistrict", "unit", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo", "subdistrict")
    fieldsets = BaseUserAdmin.fieldsets + (("角色与范围", {"fields": ("role", "subdistrict", "unit", "is_demo")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("角色与范围", {"fields": ("role", "subdistrict", "unit")}),)
