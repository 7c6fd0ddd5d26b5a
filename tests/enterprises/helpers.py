"""Building blocks for the registry tests: valid credit codes, firms, import files in memory."""

import csv
import datetime as dt
import io

from openpyxl import Workbook

from enterprises import validity
from enterprises.models import Enterprise, HighTechRecognition
from targets.models import SubDistrict

HEADERS = ["企业名称", "统一社会信用代码", "所属街镇", "高新技术企业发证日期", "科技型企业入库年份"]


def code(n):
    """A valid credit code for the n-th made-up Beibei firm."""
    body = f"{n:08d}"
    first17 = "91500109" + body + validity.org_code_check_char(body)
    return first17 + validity.credit_code_check_char(first17)


def firm(n, sub="tiansheng", issue_dates=(), tech_year=None, left_on=None, **fields):
    enterprise = Enterprise.objects.create(
        name=fields.pop("name", f"测试企业{n}有限公司"),
        credit_code=code(n),
        subdistrict=SubDistrict.objects.get(slug=sub),
        tech_registered_year=tech_year,
        tech_left_on=left_on,
        **fields,
    )
    for day in issue_dates:
        HighTechRecognition.objects.create(enterprise=enterprise, issue_date=day, certificate_no=f"GR{n}{day:%Y}")
    return enterprise


def xlsx(rows, headers=HEADERS, title="企业名录"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def d(text):
    return dt.date.fromisoformat(text)
