import django_tables2 as tables

from beibei_dashboard.tables import ChineseDateColumn, GroupedHeaderTable

from . import metrics
from .choices import ALL_YEARS, BASE_YEAR, Metric


def _year_label(year):
    return f"{year}年实际数" if year == BASE_YEAR else f"{year}年目标数"


class PlanFigureTable(GroupedHeaderTable):
    """The attachment: one row per sub-district, class A then B, with the computed 合计 row."""

    category = tables.Column("类型", orderable=False)
    seq = tables.Column("序号", orderable=False)
    name = tables.Column("街镇", orderable=False)

    class Meta:
        template_name = "tables/grouped_table.html"
        attrs = {"class": "table plan-table"}
        row_attrs = {"class": lambda record: "total-row" if record.get("is_total") else ""}
        orderable = False

    def __init__(self, data, **kwargs):
        extra = []
        for metric in Metric:
            for year in ALL_YEARS:
                name = f"{metric.value}_{year}"
                header = _year_label(year)
                extra.append((name, tables.Column(header, orderable=False, attrs={"td": {"class": "num"}})))
        super().__init__(data, extra_columns=extra, **kwargs)
        self.column_groups = {metric.label: [f"{metric.value}_{year}" for year in ALL_YEARS] for metric in Metric}


LEFT_MARK = "已划出"


def plan_table_data(plan_rows, totals, left=frozenset()):
    """Flatten PlanRows and the computed totals into the dicts PlanFigureTable shows; the units
    in `left` (pks: of the version's attachment, no longer of the district) are marked 已划出."""
    data, last_category = [], None
    for row in plan_rows:
        sub = row.subdistrict
        item = {
            "category": sub.get_category_display() if sub.category != last_category else "",
            "seq": sub.seq,
            "name": f"{sub.name}（{LEFT_MARK}）" if sub.pk in left else sub.name,
        }
        last_category = sub.category
        for metric, by_year in row.figures.items():
            for year, value in by_year.items():
                item[f"{metric}_{year}"] = value
        data.append(item)
    total = {"category": "合计", "seq": "", "name": "", "is_total": True}
    for metric, by_year in totals.items():
        for year, value in by_year.items():
            total[f"{metric}_{year}"] = value
    data.append(total)
    return data


class CountChangeTable(tables.Table):
    """The history of a month's counts."""

    at = ChineseDateColumn("时间", precision="second", orderable=False)
    user = tables.Column("修改人", orderable=False, default="—")
    subdistrict = tables.Column("街镇", orderable=False)
    metric_label = tables.Column("指标", orderable=False)
    old = tables.Column("原值", orderable=False, default="空", attrs={"td": {"class": "num"}})
    new = tables.Column("新值", orderable=False, default="删除", attrs={"td": {"class": "num"}})
    how = tables.Column("方式", orderable=False)
    reason = tables.Column("记录", orderable=False, default="")
    note = tables.Column("备注", orderable=False, default="")

    class Meta:
        attrs = {"class": "table history-table cards"}
        empty_text = "该月暂无修改记录。"


class SubDistrictMonthTable(tables.Table):
    """A sub-district's monthly counts beside its target curve (sortable, exportable)."""

    month = ChineseDateColumn("月份", order_by=("month",))
    high_tech = tables.Column("高新技术企业", attrs={"td": {"class": "num"}}, default="未填报")
    high_tech_curve = tables.Column("高企目标曲线", attrs={"td": {"class": "num"}}, default="—")
    tech_based = tables.Column("科技型企业", attrs={"td": {"class": "num"}}, default="未填报")
    tech_based_curve = tables.Column("科技型目标曲线", attrs={"td": {"class": "num"}}, default="—")
    note = tables.Column("备注", orderable=False, default="")

    class Meta:
        attrs = {"class": "table month-table"}
        order_by = ("-month",)


def subdistrict_month_rows(series, curves, months):
    """Rows of SubDistrictMonthTable: series {metric: {Month: (value, note)}}, curves {metric: {Month: v}}."""
    rows = []
    for m in months:
        row = {"month": str(m)}
        notes = []
        for metric in Metric.values:
            value, note = series[metric].get(m, (None, ""))
            row[metric] = value
            curve = curves[metric].get(m)
            row[f"{metric}_curve"] = metrics.whole_firms(curve)
            if note:
                notes.append(note)
        row["note"] = "；".join(notes)
        rows.append(row)
    return rows
