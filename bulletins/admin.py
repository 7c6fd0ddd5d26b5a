from django.contrib import admin

from targets.admin import ReadOnlyAdmin

from .models import Bulletin, BulletinSettings, BulletinTemplate, BulletinVersion


class BulletinVersionInline(admin.TabularInline):
    model = BulletinVersion
    fields = ("number", "published_at", "published_by", "reason", "template_label")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("month", "issue_year", "issue_number")
    inlines = [BulletinVersionInline]


@admin.register(BulletinVersion)
class BulletinVersionAdmin(ReadOnlyAdmin):
    list_display = ("bulletin", "number", "published_at", "published_by", "reason", "template_label")


@admin.register(BulletinTemplate)
class BulletinTemplateAdmin(ReadOnlyAdmin):
    list_display = ("number", "filename", "sha256", "uploaded_at", "uploaded_by")
    exclude = ("content",)


@admin.register(BulletinSettings)
class BulletinSettingsAdmin(ReadOnlyAdmin):
    list_display = ("send_to", "copy_to")
