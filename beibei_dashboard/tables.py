"""What every table of the application shares: two-level headers and safe spreadsheet export."""

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

import django_tables2 as tables
from django.http import HttpResponse
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin
from django_tables2.export import TableExport
from django_tables2.export.views import ExportMixin
from tablib import Dataset

from .cleantext import clean_text, safe_cell
from .office import printable_table
from .templatetags.dates import as_chinese


class ChineseDateColumn(tables.Column):
    """A date (or, with precision="second", a moment) as the pages write it: 2026年11月15日
    (`zh_date`); its export keeps the value itself."""

    def __init__(self, *args, precision="day", **kwargs):
        super().__init__(*args, **kwargs)
        self.precision = precision

    def render(self, value):
        return as_chinese(value, self.precision)

    def value(self, value):
        return value


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


class SafeTableExport(TableExport):
    """tablib hands every cell to openpyxl, which writes a string starting with "=" as a formula:
    every text cell (headers included) goes through `safe_cell` first, whatever the table's
    columns do themselves."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = Dataset(title=dataset.title)
        headers = dataset.headers or []
        groups = _export_groups(table, exclude_columns)
        if groups and len(groups) == len(headers):
            # A spreadsheet has one header row: "高新技术企业·2027年目标数" says which block a column is in.
            headers = [f"{group}·{header}" if group else header for group, header in zip(groups, headers, strict=True)]
        safe.headers = [safe_cell(header) for header in headers]
        for row in dataset:
            safe.append([safe_cell(value) for value in row])
        return safe

    def export(self):
        """The file; an xlsx ready to print (`office.printable_table`): a bold header repeated on
        every page, columns as wide as their text, one number format, A4 as wide as the page."""
        data = super().export()
        return printable_table(data) if self.format == "xlsx" else data

    def response(self, filename=None):
        response = HttpResponse(content_type=self.content_type())
        response.write(self.export())
        if filename is not None:
            response["Content-Disposition"] = content_disposition(filename)
        return response


def _export_groups(table, exclude_columns):
    """The group label of each exported column ("" for an ungrouped one), in export order."""
    column_groups = getattr(table, "column_groups", None)
    if not column_groups:
        return []
    grouped = {name: label for label, names in column_groups.items() for name in names}
    exclude_columns = exclude_columns or ()
    return [
        grouped.get(column.name, "")
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]


def ascii_filename(filename, fallback="beibei"):
    """The ASCII part of a file name, for browsers that ignore `filename*`: "企业名录_2026-10.xlsx"
    becomes "beibei_2026-10.xlsx"; quotes, backslashes and controls are dropped."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")
    text = f"{fallback}_{text}" if text else fallback
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    return f"{text}.{ext}" if ext else text


# Every stored original file name fits this (the models' max_length); a longer name loses the
# end of its stem, never its extension.
FILENAME_MAX = 200


def upload_name(name, limit=FILENAME_MAX):
    """A user's file name as it is stored and offered back for download: its last path part (a
    browser may send "C:\\…\\x.pdf"), without control characters or line breaks, at most `limit`
    characters with its extension kept (a 300-character "…报告.pdf" keeps 196 of its stem and ".pdf")."""
    name = clean_text(name, multiline=False).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(name) <= limit:
        return name
    suffix = PurePosixPath(name).suffix
    if len(suffix) > limit // 4:  # not an extension: a dot in a long sentence
        suffix = ""
    return name[: limit - len(suffix)] + suffix


def content_disposition(filename, as_attachment=True):
    """An RFC 6266 header that keeps a Chinese file name: `filename*=UTF-8''…` (RFC 5987) for
    every current browser, Excel and WPS, and a plain ASCII `filename` for anything older.

    Django would MIME-encode a non-ASCII header value (=?utf-8?b?…?=), which browsers do not
    decode, so the value given here is pure ASCII."""
    kind = "attachment" if as_attachment else "inline"
    filename = upload_name(filename)
    return f"{kind}; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


class XlsxExportMixin(ExportMixin):
    """`?export=xlsx` on a list page exports the table it shows, filtered as shown."""

    export_trigger_param = "export"
    export_formats = ("xlsx",)
    export_class = SafeTableExport

    def get_export_filename(self, export_format):
        return f"{self.export_name}.{export_format}"

    def get_dataset_kwargs(self):
        # The sheet is named after the file ("Export Data" otherwise), less what a sheet name may not hold.
        name = clean_text(self.export_name, multiline=False)
        return {"title": re.sub(r"[\\/*?:\[\]]", "_", name)[:31]}


class TablePageView(XlsxExportMixin, SingleTableMixin, TemplateView):
    """A page that shows its table whole (no pagination) and exports it as shown."""

    table_pagination = False


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def xlsx_response(data, filename):
    """An xlsx download with a Chinese file name that Excel, WPS and every browser keep."""
    return _download(data, filename, XLSX_TYPE)


def docx_response(data, filename):
    """A Word download with a Chinese file name that Word, WPS and every browser keep."""
    return _download(data, filename, DOCX_TYPE)


def _download(data, filename, content_type):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
