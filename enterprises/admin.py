from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.forms import CleanTextAdminMixin

from .choices import FLAG_FIELDS
from .models import AttributionFlag, Enterprise, HighTechRecognition, ImportJob, RecognitionAttempt


class HighTechRecognitionInline(CleanTextAdminMixin, admin.TabularInline):
    model = HighTechRecognition
    extra = 0
    fields = ("certificate_no", "issue_date", "valid_until")
    readonly_fields = ("valid_until",)


@admin.register(Enterprise)
class EnterpriseAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "subdistrict",
        "industry",
        *FLAG_FIELDS,
        "tech_registered_year",
        "tech_left_on",
    )
    list_filter = (
        "subdistrict",
        "industry",
        *FLAG_FIELDS,
    )
    search_fields = ("name", "credit_code")
    list_select_related = ("subdistrict",)
    inlines = [HighTechRecognitionInline]


@admin.register(HighTechRecognition)
class HighTechRecognitionAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("enterprise", "certificate_no", "issue_date", "valid_until")
    list_filter = ("issue_date",)
    search_fields = ("enterprise__name", "enterprise__credit_code", "certificate_no")
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise",)
    readonly_fields = ("valid_until",)


@admin.register(ImportJob)
class ImportJobAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """Background imports, read only: what was uploaded, by whom, how far it got."""

    list_display = ("file_name", "created_by", "created_at", "step", "rows_total", "rows_written", "problem_count")
    list_filter = ("step",)
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AttributionFlag)
class AttributionFlagAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("subdistrict", "kind", "enterprise", "firm_name", "destination", "state", "raised_at")
    list_filter = ("kind", "state", "subdistrict")
    readonly_fields = ("attachment", "attachment_name", "attachment_kind", "raised_at", "resolved_at")


@admin.register(RecognitionAttempt)
class RecognitionAttemptAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    """Read in the admin; moved along its path on the pipeline pages (enterprises.pipeline.move)."""

    list_display = ("enterprise", "year", "programme", "renewal", "stage", "batch", "updated_at")
    list_filter = ("year", "programme", "stage", "renewal")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise", "renews", "certificate")
