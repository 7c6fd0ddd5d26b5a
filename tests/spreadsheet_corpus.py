"""Spreadsheets as offices send them, and hostile ones, built in memory for the import tests and
for bench/bench_spreadsheets.py. Files that another program writes (LibreOffice's .xls and .ods
re-saves) are made by that program through `soffice_convert`, where it is installed."""

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

SOFFICE = shutil.which("soffice")


def save(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def counts_sheet(ws, rows, header=("街镇", "高新技术企业", "科技型企业"), title=None):
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    return ws


def workbook(rows, **kwargs):
    wb = openpyxl.Workbook()
    counts_sheet(wb.active, rows, **kwargs)
    return save(wb)


def hidden_backup_first(rows, backup_rows):
    """Last month's backup as a hidden first sheet, this month's visible and active."""
    wb = openpyxl.Workbook()
    backup = counts_sheet(wb.active, backup_rows)
    backup.title = "备份（上月）"
    backup.sheet_state = "hidden"
    current = counts_sheet(wb.create_sheet("本月"), rows)
    wb.active = wb.worksheets.index(current)
    return save(wb)


def one_sheet_per_month(sheets, active):
    """{"9月": rows, "10月": rows}, with `active` the sheet open when saved."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        counts_sheet(wb.create_sheet(name), rows)
    wb.active = list(sheets).index(active)
    return save(wb)


def two_row_header(rows, upper, lower):
    """A header in two rows with merged cells: `upper` spans, `lower` qualifies."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(upper))
    ws.append(list(lower))
    for column, value in enumerate(upper, start=1):
        if value and column < len(upper) and upper[column] is None:
            end = column + 1
            while end < len(upper) and upper[end] is None:
                end += 1
            ws.merge_cells(start_row=1, start_column=column, end_row=1, end_column=end)
        if value and (column > len(lower) or not lower[column - 1]):
            ws.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    return save(wb)


def formulas_without_values(rows):
    """openpyxl writes formulas and no computed value, as scripts and some converters do."""
    return workbook([[name, f"={ht}+0", f"={tb}*1"] for name, ht, tb in rows])


def date_formatted(rows, column=1):
    wb = openpyxl.Workbook()
    ws = counts_sheet(wb.active, rows)
    for row in ws.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
        row[0].number_format = "yyyy/m/d"
    return save(wb)


def as_xlsm(data):
    """The same workbook declared macro-enabled, as Excel saves an .xlsm."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            target.writestr(info, body)
    return out.getvalue()


def csv_text(rows, header=("街镇", "高新技术企业", "科技型企业"), delimiter=","):
    return "\r\n".join(delimiter.join(str(c) for c in line) for line in [header, *rows]) + "\r\n"


def excel_unicode_text(rows):
    """Excel's "Unicode text" (Unicode 文本): UTF-16 LE with a BOM, tab-separated."""
    return b"\xff\xfe" + csv_text(rows, delimiter="\t").encode("utf-16-le")


def soffice_convert(data, suffix, target):
    """`data` (a file ending in `suffix`) re-saved by LibreOffice as `target` (xls, ods, xlsx)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"in{suffix}"
        source.write_bytes(data)
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--calc", "--convert-to", target]
            + ["--outdir", str(Path(tmp) / "out"), str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(tmp) / "out" / f"in.{target}").read_bytes()


# --- hostile files ------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def raw_xlsx(sheet_xml, shared_strings="<sst " + _NS + "/>", extra=()):
    """A minimal .xlsx around hand-written sheet XML (to say what no real program would)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, body in extra:
            archive.writestr(name, body)
    return out.getvalue()


def _sheet(cells_xml, dimension="A1:C2"):
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension ref="{dimension}"/><sheetData>{cells_xml}</sheetData></worksheet>'


def declared_huge():
    """2 KB that declares a 1,048,576 × 16,384 sheet and fills its far corner."""
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>街镇</t></is></c></row>'
    cells += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return raw_xlsx(_sheet(cells, "A1:XFD1048576"))


def far_row():
    """A header, then one cell a million rows down (within the column limit)."""
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>街镇</t></is></c></row>'
    cells += '<row r="1048576"><c r="B1048576"><v>1</v></c></row>'
    return raw_xlsx(_sheet(cells, "A1:B1048576"))


def zip_bomb(megabytes=200):
    """A sheet member that unpacks to `megabytes` of blanks: about 0.2 MB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", "<sst " + _NS + "/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(f'<?xml version="1.0"?><worksheet {_NS}><sheetData>'.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def malformed_xml():
    return raw_xlsx(_sheet('<row r="1"><c r="A1"><v>1</v></c><row>'))


def bad_shared_string():
    return raw_xlsx(_sheet('<row r="1"><c r="A1" t="s"><v>99999</v></c></row>'))


def bad_number():
    return raw_xlsx(_sheet('<row r="1"><c r="A1"><v>1.2.3abc</v></c></row>'))


def billion_laughs():
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    strings = f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst {_NS}><si><t>&a9;</t></si></sst>'
    return raw_xlsx(_sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=strings)


def encrypted_xlsx():
    """How an Excel file with an opening password starts: an OLE2 container holding the
    encrypted package (MS-OFFCRYPTO); the directory entry's name is what gives it away."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")


def truncated(data):
    return data[: len(data) // 2]


def huge_csv(rows=200_000):
    """A 200,000-row CSV: every row names an unknown sub-district."""
    lines = ["街镇,高新技术企业,科技型企业", *(f"不存在{i},1,1" for i in range(rows))]
    return ("\r\n".join(lines) + "\r\n").encode()


HOSTILE = {
    "declared_huge.xlsx": declared_huge,
    "far_row.xlsx": far_row,
    "zip_bomb.xlsx": zip_bomb,
    "malformed.xlsx": malformed_xml,
    "bad_shared_string.xlsx": bad_shared_string,
    "bad_number.xlsx": bad_number,
    "billion_laughs.xlsx": billion_laughs,
    "encrypted.xlsx": encrypted_xlsx,
    "huge.csv": huge_csv,
}
