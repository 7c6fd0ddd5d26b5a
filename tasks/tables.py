import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from beibei_dashboard.tables import ChineseDateColumn, safe_cell
from beibei_dashboard.templatetags.dates import as_chinese


def light(colour, label):
    """A status light with its word, so that it reads in grey print too."""
    return format_html('<span class="light light-{}">{}</span>', colour, label)


def _unit_names(units):
    return "、".join(unit.name for unit in units)


class KeyTaskTable(tables.Table):
    """The key tasks with status, target progress and last report (rows: `TaskStatusRow`)."""

    group = tables.Column("分组", accessor="task__group__title", orderable=False)
    number = tables.Column("序号", accessor="task__number", orderable=False)
    title = tables.Column("任务", accessor="task__title", orderable=False, attrs={"td": {"class": "text-left"}})
    lead_units = tables.Column("牵头单位", accessor="task", orderable=False)
    responsible_units = tables.Column("责任单位", accessor="task", orderable=False, attrs={"td": {"class": "small"}})
    status = tables.Column("状态", accessor="assessment__colour", orderable=False)
    data_status = tables.Column("数据判定", accessor="assessment__data_status", empty_values=(), orderable=False)
    declared = tables.Column("牵头单位自报", empty_values=(), orderable=False)
    overdue = tables.Column("督办", accessor="assessment__overdue", orderable=False)
    targets = tables.Column("量化目标进度", empty_values=(), orderable=False, attrs={"td": {"class": "text-left"}})
    last_report = tables.Column("最近报告", empty_values=(), orderable=False)

    class Meta:
        orderable = False
        attrs = {"class": "table task-table cards"}
        row_attrs = {"class": lambda record: f"status-{record.colour}"}

    def render_title(self, record):
        url = reverse("tasks:keytask_detail", args=[record.task.number])
        return format_html('<a href="{}">{}</a>', url, record.task.title)

    def render_lead_units(self, record):
        return _unit_names(record.task.lead_unit_list)

    def render_responsible_units(self, record):
        return _unit_names(record.task.responsible_unit_list)

    def render_status(self, record):
        return light(record.colour, record.assessment.colour_label)

    def render_data_status(self, record):
        status = record.assessment.data_status
        if status is None:
            return "—"
        return format_html('<span class="badge status-{}">{}</span>', status, record.assessment.data_status_label)

    def render_declared(self, record):
        return record.assessment.declared_label

    def value_data_status(self, record):
        return record.assessment.data_status_label

    def value_declared(self, record):
        return record.assessment.declared_label

    def render_overdue(self, record):
        if record.assessment.overdue:
            return format_html('<span class="overdue-mark">逾期未报</span>（{}）', record.checked_month.label)
        return "—"

    def render_targets(self, record):
        if not record.targets:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}<br><span class='muted small'>{}</span>",
            ((p.text, p.judgement_text) for p in record.targets),
        )

    def render_last_report(self, record):
        latest = record.latest
        if latest is None:
            return "未报告"
        return format_html(
            "{}<br><span class='muted'>{}</span>", latest.period.label, as_chinese(record.last_report_date)
        )

    def value_title(self, record):
        return safe_cell(record.task.title)

    def value_lead_units(self, record):
        return safe_cell(self.render_lead_units(record))

    def value_responsible_units(self, record):
        return safe_cell(self.render_responsible_units(record))

    def value_status(self, record):
        return record.assessment.colour_label

    def value_overdue(self, record):
        return f"逾期未报（{record.checked_month.label}）" if record.assessment.overdue else ""

    def value_targets(self, record):
        return safe_cell("；".join(p.text for p in record.targets))

    def value_last_report(self, record):
        latest = record.latest
        return f"{latest.period.label}（{as_chinese(record.last_report_date)}）" if latest else "未报告"


class OverdueTable(tables.Table):
    """督办: one row per lead unit and overdue task (rows: dicts from `status.overdue_by_unit`)."""

    unit = tables.Column("牵头单位", orderable=False)
    number = tables.Column("序号", orderable=False)
    title = tables.Column("任务", orderable=False, attrs={"td": {"class": "text-left"}})
    period = tables.Column("应报期", orderable=False)
    deadline = ChineseDateColumn("截止日", orderable=False)
    days = tables.Column("逾期天数", orderable=False, attrs={"td": {"class": "num"}})
    last_report = tables.Column("最近报告", orderable=False)

    class Meta:
        orderable = False
        attrs = {"class": "table overdue-table cards"}

    def render_title(self, record):
        url = reverse("tasks:keytask_detail", args=[record["number"]])
        return format_html('<a href="{}">{}</a>', url, record["title"])

    def value_title(self, record):
        return safe_cell(record["title"])
