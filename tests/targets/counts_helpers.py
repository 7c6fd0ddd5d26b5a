"""Building count files in memory for the import tests."""

import io

import openpyxl

from targets.models import SubDistrict

HEADER = ["街镇", "高新技术企业", "科技型企业"]


def all_rows(high_tech=10, tech_based=100):
    return [[sub.name, high_tech, tech_based] for sub in SubDistrict.objects.in_plan_order()]


def xlsx_bytes(rows, header=HEADER, title=None, sheet="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def log(slug, month, metric, value):
    """Store one count directly (no history), e.g. log("tiansheng", "2026-10", "high_tech", 15)."""
    from targets.models import MonthlyCount
    from targets.months import Month

    MonthlyCount.objects.create(
        subdistrict=SubDistrict.objects.get(slug=slug), month=Month.parse(month).date, metric=metric, value=value
    )
