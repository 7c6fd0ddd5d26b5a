"""What the tests share, in one place: users of every role, time pinning, uploads and files built
in memory, firms, counts and reports, and the checks made of a refused or answered page.

Fixtures stay in the conftest.py files (pytest finds them there) and are built from these.
"""

import csv
import datetime as dt
import functools
import io
import json
import re
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from bulletins.docx_template import TEMPLATE_PATH
from demo.services import DEMO_PASSWORD
from enterprises import validity
from enterprises.models import Enterprise, HighTechRecognition
from targets.choices import ALL_YEARS, Metric
from targets.models import District, MonthlyCount, PlanFigure, PlanLine, PlanVersion, SubDistrict
from targets.months import Month, month_range
from tasks.models import KeyTask, Unit
from tasks.services import save_report

# --- users ------------------------------------------------------------------------------------


def make_user(username, role, subdistrict=None, unit=None):
    return User.objects.create_user(
        username=username,
        password="a-long-test-password",
        role=role,
        subdistrict=SubDistrict.objects.get(slug=subdistrict) if subdistrict else None,
        unit=Unit.objects.get(name=unit) if unit else None,
    )


# --- time -------------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
# "Today" in most tests: November is the current month, October the last complete one.
NOW = dt.datetime(2026, 11, 15, 10, 0)


def pinned(when=NOW, tick=False):
    """A context manager (or decorator) in which the clock stands at `when`."""
    return time_machine.travel(when, tick=tick)


def at(year, month, day, hour=9):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


# The month most tests look at: the last complete one on the pinned day.
OCT = Month(2026, 10)


# --- uploads ----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="佐证.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


# --- key tasks --------------------------------------------------------------------------------


def task(number):
    return KeyTask.objects.tasks().get(number=number)


def file_report(number, period, user, status="normal", values=None, when=None, **fields):
    """A report filed through the service, at `when` (pinned) if given."""
    the_task = task(number)
    targets = {t.name: t for t in the_task.targets.all()}
    data = {"period": period, "status": status, "done": f"任务{number}{period}进展", **fields}
    vals = {targets[name]: value for name, value in (values or {}).items()}
    if when is None:
        return save_report(task=the_task, user=user, fields=data, values=vals)
    with time_machine.travel(when, tick=False):
        return save_report(task=the_task, user=user, fields=data, values=vals)


# --- monthly counts: rows, files in memory, the grid ------------------------------------------

HEADER = ["街镇", "高新技术企业", "科技型企业"]


def all_rows(high_tech=10, tech_based=100, month=None):
    """A row per unit of `month`'s map (default: this month's), in the order of its plan version."""
    from targets.territory import map_of

    return [[sub.name, high_tech, tech_based] for sub in map_of(month or Month.current()).members]


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
    MonthlyCount.objects.create(
        subdistrict=SubDistrict.objects.get(slug=slug), month=Month.parse(month).date, metric=metric, value=value
    )


def grid_data(values, notes=None, confirm=(), reason=""):
    """POST data for the grid: values {(slug, metric): n}; other cells left blank."""
    data = {"reason": reason}
    for sub in SubDistrict.objects.all():
        for metric in ("high_tech", "tech_based"):
            data[f"v-{sub.slug}-{metric}"] = values.get((sub.slug, metric), "")
            data[f"n-{sub.slug}-{metric}"] = (notes or {}).get((sub.slug, metric), "")
            data[f"o-{sub.slug}-{metric}"] = ""
            if (sub.slug, metric) in confirm:
                data[f"c-{sub.slug}-{metric}"] = "on"
    return data


# --- the enterprise registry: credit codes, firms, import files in memory ---------------------

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
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def firm_csv(rows, headers=HEADERS, encoding="utf-8"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def d(text):
    return dt.date.fromisoformat(text)


# --- what an answer says: refusals, leaks, inline code ----------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def inline_code(html):
    """Inline scripts, event handler attributes and javascript: links, which the policy blocks."""
    found = INLINE_SCRIPT.findall(html) + INLINE_HANDLER.findall(html)
    return found + (["javascript:"] if "javascript:" in html.lower() else [])


def readable_text(response):
    """Everything a response says, including inside .xlsx / .docx (zip of XML) files."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    text = body.decode("utf-8", "replace")
    return text + (json.dumps(json.loads(text), ensure_ascii=False) if text.startswith(("{", "[")) else "")


# --- the bulletin as a Word file ----------------------------------------------------------------


def word(client, url="/bulletin/2026-10.docx"):
    response = client.get(url)
    assert response.status_code == 200
    return docx.Document(io.BytesIO(response.content))


def texts(document):
    return [p.text for p in document.paragraphs]


def edited_template(old, new):
    """The system's Word template with the paragraph holding `old` reading `new` instead."""
    document = docx.Document(str(TEMPLATE_PATH))
    paragraph = next(p for p in document.paragraphs if old in p.text)
    paragraph.runs[0].text = paragraph.text.replace(old, new)
    for run in paragraph.runs[1:]:
        run.text = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload_template(client, data, name="通报模板.docx"):
    """The bureau's upload of a Word template for the bulletin, followed to its answer."""
    return client.post("/bulletin/settings/template/", {"file": SimpleUploadedFile(name, data)}, follow=True)


# --- other districts in the same database, and what of them leaks into a page ------------------
# As in Chongqing's city-scale mode: three districts, each with sub-districts, plan figures,
# counts (with history) and firms whose names, slugs, codes and figures are recognisable, so a
# test can assert none of them reaches a page. Rows go in through `_base_manager`: the default
# managers only see the deployment's district.

OTHER_DISTRICTS = [("甲泄漏区", "leak-jia"), ("乙泄漏区", "leak-yi"), ("丙泄漏县", "leak-bing")]
# Values no Beibei page can show: above every Beibei figure, and not a sum of Beibei's.
PLAN_BASE = 970_317
COUNT_BASE = 860_529


def make_other_districts(until=None):
    """Build the other districts; returns the strings that must never appear in Beibei's pages."""
    markers = set()
    n = 0
    for d_index, (name, slug) in enumerate(OTHER_DISTRICTS):
        district = District.objects.create(name=name, slug=slug)
        version = PlanVersion._base_manager.create(
            district=district, number=f"{name}方案", title=f"{name}方案", issued=dt.date(2023, 1, 1),
            effective=dt.date(2023, 1, 1),
        )  # fmt: skip
        markers |= {name, slug}
        for s_index, (category, suffix) in enumerate((("A", "街道"), ("B", "镇"))):
            # 天生街道 exists in Beibei: the same name elsewhere must not be mixed up with it.
            sub_name = "天生街道" if (d_index, s_index) == (0, 0) else f"{name[0]}泄漏{s_index + 1}{suffix}"
            sub_slug = f"{slug}-{s_index + 1:02d}"
            sub = SubDistrict._base_manager.create(
                district=district, name=sub_name, slug=sub_slug, category=category, seq=1
            )
            PlanLine.objects.create(version=version, subdistrict=sub, category=category, seq=1)
            markers |= {sub_slug} | ({sub_name} if sub_name != "天生街道" else set())
            for m_index, metric in enumerate(Metric.values):
                for year in ALL_YEARS:
                    value = PLAN_BASE + 100 * d_index + 10 * s_index + m_index + (year - ALL_YEARS[0]) * 7_000
                    PlanFigure._base_manager.create(
                        version=version, subdistrict=sub, metric=metric, year=year, value=value
                    )
                    markers.add(str(value))
                for month in month_range(Month(2026, 1), until or Month(2026, 10)):
                    value = COUNT_BASE + 100 * d_index + 10 * s_index + m_index + month.month * 7_000
                    MonthlyCount._base_manager.create(
                        subdistrict=sub, month=month.date, metric=metric, value=value, note=f"{name}备注"
                    )
                    markers.add(str(value))
            n += 1
            firm = Enterprise._base_manager.create(
                name=f"{name}泄漏测试企业{n}有限公司",
                credit_code=code(9_000_000 + n),
                subdistrict=sub,
                tech_registered_year=2024,
            )
            HighTechRecognition._base_manager.create(
                enterprise=firm, issue_date=dt.date(2025, 3, 1), certificate_no=f"GRLEAK{n}"
            )
            markers |= {firm.name, firm.credit_code, f"GRLEAK{n}"}
    markers.add(f"{OTHER_DISTRICTS[0][0]}备注")
    # Numbers as pages print them (123,456) as well as bare.
    return markers | {f"{int(m):,}" for m in markers if m.isdigit()}


def leaked(markers, text):
    """The markers found in `text`; a number only as a whole number (not inside a longer one)."""
    numbers, words = _numbers_pattern(frozenset(markers))
    found = {m for m in words if m in text}
    if numbers is not None:
        found.update(numbers.findall(text))
    return sorted(found)


@functools.cache
def _numbers_pattern(markers):
    """One regex for every number marker (a number is matched whole: at a given place at most
    one marker fits between the boundaries, so no match hides another), and the other markers."""
    numbers = sorted((m for m in markers if m.replace(",", "").isdigit()), key=len, reverse=True)
    words = [m for m in markers if not m.replace(",", "").isdigit()]
    if not numbers:
        return None, words
    return re.compile(rf"(?<![\d,.])(?:{'|'.join(map(re.escape, numbers))})(?![\d,]|\.\d)"), words


# --- the browser tests (tests/browser): a page as Chromium shows it -----------------------------

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def log_in(watched, username):
    page = watched.page
    watched.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()


def charts_drawn(watched, at_least):
    """Wait until every chart of the page carries data-drawn="1" and holds a Plotly SVG."""
    page = watched.page
    count = page.locator("[data-chart]").count()
    assert count >= at_least, (page.url, count)
    page.wait_for_function("n => document.querySelectorAll('[data-chart][data-drawn=\"1\"]').length === n", arg=count)
    assert page.locator("[data-chart] svg.main-svg").count() >= count
    assert page.evaluate("typeof window.Plotly") == "object"
    return count


def loads_from_outside(html):
    """Whether a page names a script, style or picture on another server (a CDN, a web font).
    A bare "cdn" is no sign: it turns up in random CSRF tokens."""
    return re.search(r'(?:src|href)="(?:https?:)?//', html) is not None
