import django_tables2 as tables
from django.utils import timezone

from beibei_dashboard.tables import ChineseDateColumn, safe_cell

from .models import Problem


class ProblemTable(tables.Table):
    """The problem list: one problem a row, exported as shown (filtered and sorted)."""

    enterprise = tables.Column("企业", attrs={"td": {"class": "text-left"}})
    subdistrict = tables.Column("所属街镇", order_by=("subdistrict__category", "subdistrict__seq"))
    category = tables.Column("类别", attrs={"td": {"class": "short"}})
    description = tables.Column("诉求内容", linkify=True, attrs={"td": {"class": "text-left"}})
    answering = tables.Column("承办单位", accessor="answering", orderable=False)
    raised_on = ChineseDateColumn(verbose_name="提出日期", attrs={"td": {"class": "short"}})
    due_date = ChineseDateColumn(verbose_name="办理期限", attrs={"td": {"class": "short"}})
    state = tables.Column("状态", attrs={"td": {"class": "short"}})
    overdue = tables.Column("逾期", accessor="pk", orderable=False, attrs={"td": {"class": "short"}})

    class Meta:
        model = Problem
        fields = ()
        sequence = (
            "enterprise", "subdistrict", "category", "description", "answering", "raised_on", "due_date", "state",
            "overdue",
        )  # fmt: skip
        attrs = {"class": "table problem-table"}
        empty_text = "没有符合条件的诉求。"

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def render_description(self, value):
        return value if len(value) <= 40 else value[:40] + "…"

    def render_overdue(self, record):
        days = record.overdue_days(self.today)
        return f"逾期{days}天" if days else ""

    def value_overdue(self, record):
        return self.render_overdue(record)

    def value_enterprise(self, value):
        return safe_cell(str(value))

    def value_description(self, value):
        return safe_cell(value)

    def value_answering(self, value):
        return safe_cell(str(value))

    def render_state(self, record):
        return record.get_state_display()

    def render_category(self, record):
        return record.get_category_display()
