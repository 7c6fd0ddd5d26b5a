import django_tables2 as tables

from beibei_dashboard.tables import ChineseDateColumn, safe_cell

from .models import Enterprise


class FlagColumn(tables.Column):
    """是 on screen for a set flag (blank otherwise); 是/否 in the export."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "flag"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return "是" if value else ""

    def value(self, value):
        return "是" if value else "否"


class EnterpriseTable(tables.Table):
    """The registry list: one firm a row, exported as shown (filtered and sorted)."""

    name = tables.Column("企业名称", linkify=True, attrs={"td": {"class": "text-left"}})
    credit_code = tables.Column("统一社会信用代码", attrs={"td": {"class": "code"}})
    subdistrict = tables.Column("所属街镇", order_by=("subdistrict__category", "subdistrict__seq"))
    industry = tables.Column("所属产业")
    above_scale = FlagColumn("规上")
    specialized = FlagColumn("专精特新")
    little_giant = FlagColumn("“小巨人”")
    cultivation_pool = FlagColumn("培优库")
    high_tech_until = ChineseDateColumn("高新证书有效期至", default="")
    tech_registered_year = tables.Column("科技型入库年份", default="")
    tech_left_on = ChineseDateColumn("退库日期", default="")

    class Meta:
        model = Enterprise
        fields = ()
        sequence = (
            "name", "credit_code", "subdistrict", "industry", "above_scale", "specialized", "little_giant",
            "cultivation_pool", "high_tech_until", "tech_registered_year", "tech_left_on",
        )  # fmt: skip
        attrs = {"class": "table enterprise-table cards"}
        empty_text = "没有符合条件的企业。"

    def value_name(self, value):
        return safe_cell(value)

    def value_credit_code(self, value):
        return safe_cell(value)

    def value_subdistrict(self, value):
        return safe_cell(str(value))

    def value_industry(self, record):
        return record.get_industry_display()

    def value_high_tech_until(self, value):
        return value.strftime("%Y-%m-%d") if value else ""

    def value_tech_left_on(self, value):
        return value.strftime("%Y-%m-%d") if value else ""


class ExpiringFirmTable(tables.Table):
    """预警 list: firms whose certificate lapses within 12 months with no newer recognition."""

    subdistrict = tables.Column("所属街镇")
    name = tables.Column("企业名称", attrs={"td": {"class": "text-left"}})
    credit_code = tables.Column("统一社会信用代码", attrs={"td": {"class": "code"}})
    industry = tables.Column("所属产业")
    valid_until = ChineseDateColumn("证书有效期至")
    within_6_months = FlagColumn("6个月内到期")

    class Meta:
        attrs = {"class": "table expiring-table cards"}
        orderable = False
        empty_text = "未来12个月内没有到期且未重新认定的高新技术企业证书。"

    def render_name(self, value, record):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a>', reverse("enterprises:enterprise_detail", args=[record.enterprise_id]), value
        )

    def value_name(self, value):
        return safe_cell(value)

    def value_credit_code(self, value):
        return safe_cell(value)

    def value_subdistrict(self, value):
        return safe_cell(value)

    def value_valid_until(self, value):
        return value.strftime("%Y-%m-%d")
