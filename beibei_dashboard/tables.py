"""What every table of the application shares: two-level headers and safe spreadsheet export."""

from urllib.parse import quote

import django_tables2 as tables
from django.http import HttpResponse
from django_tables2.export import TableExport
from django_tables2.export.views import ExportMixin
from tablib import Dataset

FORMULA_PREFIXES = ("=", "+", "-", "@")


class GroupedHeaderTable(tables.Table):
    """A table whose header has two levels, like the plan's attachment.

    `column_groups` maps a group label to the names of the columns under it, in order; the
    other columns span both header rows.
    """

    column_groups = {}

    def header_rows(self):
        grouped = {name: label for label, names in self.column_groups.items() for name in names}
        top, bottom, seen = [], [], set()
        for column in self.columns:
            label = grouped.get(column.name)
            if label is None:
                top.append({"column": column, "rowspan": 2, "colspan": 1})
            else:
                if label not in seen:
                    seen.add(label)
                    span = sum(1 for c in self.columns if grouped.get(c.name) == label)
                    top.append({"label": label, "rowspan": 1, "colspan": span})
                bottom.append({"column": column})
        return top, bottom


def safe_cell(value):
    """Spreadsheet text that starts like a formula is written as text, never evaluated."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    """tablib hands every cell to openpyxl, which writes a string starting with "=" as a formula:
    every text cell (headers included) goes through `safe_cell` first, whatever the table's
    columns do themselves."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = Dataset(title=dataset.title)
        safe.headers = [safe_cell(header) for header in dataset.headers or []]
        for row in dataset:
            safe.append([safe_cell(value) for value in row])
        return safe


class XlsxExportMixin(ExportMixin):
    """`?export=xlsx` on a list page exports the table it shows, filtered as shown."""

    export_trigger_param = "export"
    export_formats = ("xlsx",)
    export_class = SafeTableExport

    def get_export_filename(self, export_format):
        return f"{self.export_name}.{export_format}"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data, filename):
    """An xlsx download with a Chinese file name that Excel, WPS and every browser keep."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
