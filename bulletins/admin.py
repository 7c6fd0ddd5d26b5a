from django.contrib import admin

from targets.admin import ReadOnlyAdmin

from .models import Bulletin, BulletinVersion


class BulletinVersionInline(admin.TabularInline):
    model = BulletinVersion
    fields = ("number", "published_at", "published_by", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("month",)
    inlines = [BulletinVersionInline]


@admin.register(BulletinVersion)
class BulletinVersionAdmin(ReadOnlyAdmin):
    list_display = ("bulletin", "number", "published_at", "published_by", "reason")
