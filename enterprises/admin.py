from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, HighTechRecognition


class HighTechRecognitionInline(admin.TabularInline):
    model = HighTechRecognition
    extra = 0
    fields = ("certificate_no", "issue_date", "valid_until")
    readonly_fields = ("valid_until",)


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "subdistrict",
        "industry",
        "above_scale",
        "specialized",
        "little_giant",
        "cultivation_pool",
        "high_value_patent",
        "single_champion",
        "ipo_reserve",
        "tech_registered_year",
        "tech_left_on",
    )
    list_filter = (
        "subdistrict",
        "industry",
        "above_scale",
        "specialized",
        "little_giant",
        "cultivation_pool",
        "high_value_patent",
        "single_champion",
        "ipo_reserve",
    )
    search_fields = ("name", "credit_code")
    list_select_related = ("subdistrict",)
    inlines = [HighTechRecognitionInline]


@admin.register(HighTechRecognition)
class HighTechRecognitionAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "certificate_no", "issue_date", "valid_until")
    list_filter = ("issue_date",)
    search_fields = ("enterprise__name", "enterprise__credit_code", "certificate_no")
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise",)
    readonly_fields = ("valid_until",)
