"""Every URL of the application, for every role and an anonymous visitor, against ONE table.

`EXPECTED` below is the whole access policy as a visitor meets it: one entry per URL name,
each with the concrete addresses tried and the status each role gets on GET. A URL added to
any urls.py without an entry here fails `test_every_url_is_in_the_table`, so nobody can add a
page without deciding, here, who may open it.

Roles: B bureau staff (区科技局), L leadership, O the official of 天生街道 (tiansheng), U a user of
区经济信息委, A anonymous. The data: 2026-10 counted everywhere and its bulletin published,
2026-09 counted but not published, a firm in 天生 and one in 水土, a report with evidence on
task 2 (led by 区经济信息委, shared by 各镇街) and one on task 1 (区科技局 alone).

The whole table runs twice: on Beibei's data alone, and beside three other districts' data in
the same database (`tests.other_districts`), where no answer may show another district's name,
slug, firm or figure and their addresses answer 404.
"""

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.choices import Role
from enterprises.models import Enterprise
from targets.bulletin import publish
from targets.demo import seed_demo_counts
from targets.months import Month
from tasks.models import KeyTask
from tasks.services import save_report
from tests.conftest import make_user
from tests.enterprises.helpers import firm
from tests.other_districts import leaked, make_other_districts
from tests.tasks.conftest import pdf_upload
from tests.test_security import inline_code

ROLES = ("B", "L", "O", "U", "A")
LOGIN = 302  # anonymous visitors are sent to the login page
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(b, l, o, u, a=LOGIN):  # noqa: E741 - the roles' letters, as in the table's header
    return dict(zip(ROLES, (b, l, o, u, a), strict=True))


EVERYONE = row(200, 200, 200, 200)
WHOLE_DISTRICT = row(200, 200, 403, 403)
BUREAU_ONLY = row(200, 403, 403, 403)
NOT_UNITS = row(200, 200, 200, 403)

# name -> [(path, {role: status})]; {report}, {report1}, {attachment}, {firm}, {shuitu_firm}
# are filled from the fixture.
EXPECTED = {
    "home": [("/", row(200, 200, 302, 302))],  # officials go to their page, units to the plan
    "healthz": [("/healthz", row(200, 200, 200, 200, 200))],
    "login": [("/accounts/login/", row(200, 200, 200, 200, 200))],
    "logout": [("/accounts/logout/", row(405, 405, 405, 405))],  # POST only
    "admin": [("/admin/", row(200, 302, 302, 302))],
    "lockout_list": [("/accounts/locked/", BUREAU_ONLY)],
    "lockout_unlock": [
        ("/accounts/locked/unlock/", row(405, 405, 405, 405))
    ],  # POST only  # the admin's own login for non-staff
    # targets
    "targets:plan": [("/plan/", EVERYONE), ("/plan/?export=xlsx", EVERYONE)],
    "targets:subdistrict_detail": [
        ("/subdistricts/tiansheng/", NOT_UNITS),
        ("/subdistricts/tiansheng/?export=xlsx", NOT_UNITS),
        ("/subdistricts/shuitu/", WHOLE_DISTRICT),
        ("/subdistricts/shuitu/?export=xlsx", WHOLE_DISTRICT),
        ("/subdistricts/nowhere/", row(404, 404, 404, 404)),
    ],
    "targets:monthlycount_list": [("/counts/", WHOLE_DISTRICT)],
    "targets:monthlycount_import": [("/counts/import/", BUREAU_ONLY)],
    "targets:monthlycount_import_confirm": [("/counts/import/confirm/", row(302, 403, 403, 403))],  # nothing staged
    "targets:monthlycount_entry": [("/counts/2026-10/", BUREAU_ONLY)],
    "targets:monthlycount_template": [("/counts/2026-10/template.xlsx", BUREAU_ONLY)],
    "targets:monthlycount_history": [
        ("/counts/2026-10/history/", NOT_UNITS),  # scoped: an official sees their own rows
        ("/counts/2026-10/history/?subdistrict=tiansheng", NOT_UNITS),
        ("/counts/2026-10/history/?subdistrict=shuitu", WHOLE_DISTRICT),
    ],
    "targets:bulletin_list": [("/bulletin/", EVERYONE)],
    "targets:bulletin_detail": [("/bulletin/2026-10/", EVERYONE), ("/bulletin/2026-09/", WHOLE_DISTRICT)],
    "targets:bulletin_publish": [("/bulletin/2026-10/publish/", row(405, 403, 403, 403))],  # POST only
    "targets:bulletin_xlsx": [("/bulletin/2026-10.xlsx", EVERYONE), ("/bulletin/2026-09.xlsx", WHOLE_DISTRICT)],
    "targets:bulletin_docx": [("/bulletin/2026-10.docx", EVERYONE), ("/bulletin/2026-09.docx", WHOLE_DISTRICT)],
    "targets:api_targets": [("/api/v1/targets", EVERYONE)],
    "targets:api_progress": [("/api/v1/progress", EVERYONE)],
    # tasks
    "tasks:keytask_list": [("/tasks/", EVERYONE), ("/tasks/?export=xlsx", EVERYONE)],
    "tasks:overdue_list": [("/tasks/overdue/", EVERYONE), ("/tasks/overdue/?export=xlsx", EVERYONE)],
    "tasks:keytask_detail": [("/tasks/2/", EVERYONE), ("/tasks/1/", row(200, 200, 403, 200))],
    "tasks:taskreport_create": [
        ("/tasks/2/reports/new/", row(200, 403, 403, 200)),
        ("/tasks/1/reports/new/", BUREAU_ONLY),
    ],
    "tasks:taskreport_edit": [
        ("/tasks/reports/{report}/edit/", row(200, 403, 403, 200)),
        ("/tasks/reports/{report1}/edit/", BUREAU_ONLY),
    ],
    "tasks:taskreport_return": [("/tasks/reports/{report}/return/", BUREAU_ONLY)],
    "tasks:taskreport_accept": [("/tasks/reports/{report}/accept/", row(405, 405, 405, 405))],  # POST only
    "tasks:attachment_download": [
        ("/tasks/attachments/{attachment}/", EVERYONE),
        ("/tasks/attachments/{attachment1}/", row(200, 200, 403, 200)),
    ],
    "tasks:indicator_list": [("/indicators/", EVERYONE)],
    "tasks:indicatorvalue_create": [("/indicators/record/", BUREAU_ONLY)],
    "tasks:api_tasks": [("/api/v1/tasks", EVERYONE)],
    "tasks:api_indicators": [("/api/v1/indicators", EVERYONE)],
    # enterprises
    "enterprises:enterprise_list": [("/enterprises/", NOT_UNITS), ("/enterprises/?export=xlsx", NOT_UNITS)],
    "enterprises:enterprise_detail": [
        ("/enterprises/{firm}/", NOT_UNITS),
        ("/enterprises/{shuitu_firm}/", WHOLE_DISTRICT),
    ],
    "enterprises:profile": [("/enterprises/profile/", NOT_UNITS)],
    "enterprises:reconcile": [("/enterprises/reconcile/", NOT_UNITS)],  # scoped to the official's firms
    "enterprises:enterprise_import": [("/enterprises/import/", BUREAU_ONLY)],
    "enterprises:api_summary": [("/api/v1/enterprises/summary", NOT_UNITS)],
}


# Only in the second run: other districts' addresses, as Beibei's users might type them.
OTHER_DISTRICT_CASES = [
    ("/subdistricts/leak-jia-01/", row(404, 404, 404, 404)),
    ("/subdistricts/leak-yi-02/?export=xlsx", row(404, 404, 404, 404)),
    ("/enterprises/{other_firm}/", row(404, 404, 404, 403)),  # units never read the registry
    ("/counts/2026-10/history/?subdistrict=leak-jia-01", row(404, 404, 404, 403)),
    ("/enterprises/?subdistrict=leak-jia-01", NOT_UNITS),
]


def url_names(resolver=None, namespace=""):
    """Every named URL of the project; the admin (its own permission system) counts as one."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                names.add("admin")
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"{pattern.pattern} has no name"
            names.add(namespace + pattern.name)
    return names


def test_every_url_is_in_the_table():
    assert url_names() - EXPECTED.keys() == set(), "add the new URL to EXPECTED with a status for every role"
    assert EXPECTED.keys() - url_names() == set(), "the table names a URL that no longer exists"


@pytest.fixture(params=["beibei_alone", "beside_other_districts"])
def world(request, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=False):
        markers = make_other_districts() if request.param == "beside_other_districts" else set()
        users = {
            "B": make_user("bureau_user", Role.BUREAU),
            "L": make_user("leader_user", Role.LEADER),
            "O": make_user("tiansheng_user", Role.SUBDISTRICT, subdistrict="tiansheng"),
            "U": make_user("jxw_user", Role.UNIT, unit="区经济信息委"),
        }
        seed_demo_counts(until=Month(2026, 10))
        publish(Month(2026, 10), users["B"])
        fields = {"period": "2026-10", "status": "normal", "done": "推进中", "problems": "", "next_steps": ""}
        report = save_report(
            task=KeyTask.objects.tasks().get(number=2),
            user=users["U"],
            fields=fields,
            values={},
            uploads=[(pdf_upload(), "pdf")],
        )
        report1 = save_report(
            task=KeyTask.objects.tasks().get(number=1),
            user=users["B"],
            fields=fields,
            values={},
            uploads=[(pdf_upload(), "pdf")],
        )
        ids = {
            "report": report.pk,
            "report1": report1.pk,
            "attachment": report.attachments.get().pk,
            "attachment1": report1.attachments.get().pk,
            "firm": firm(1, sub="tiansheng").pk,
            "shuitu_firm": firm(2, sub="shuitu").pk,
            "other_firm": Enterprise._base_manager.exclude(subdistrict__district__slug="beibei").values("pk")[:1],
        }
        ids["other_firm"] = ids["other_firm"][0]["pk"] if markers else 0
        yield users, ids, markers


def test_every_url_answers_every_role_as_the_table_says(world, client, login):
    users, ids, markers = world
    clients = {role: login(user) for role, user in users.items()} | {"A": client}
    wrong, leaks, pages = [], [], 0
    table = [(name, path, expected) for name, cases in EXPECTED.items() for path, expected in cases]
    if markers:
        table += [("other district", path, expected) for path, expected in OTHER_DISTRICT_CASES]
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=False):
        for name, path, expected in table:
            url = path.format(**ids)
            for role in ROLES:
                response = clients[role].get(url)
                if response.status_code != expected[role]:
                    wrong.append(f"{name} {url} {role}: {response.status_code}, table says {expected[role]}")
                elif response.status_code == 200:
                    pages += 1
                    check_body(url, role, response)
                found = [m for m in leaked(markers, readable_text(response)) if m not in url]  # may echo the query
                if found:
                    leaks.append(f"{url} {role}: {found[:5]}")
    assert wrong == [], "\n".join(wrong)
    assert leaks == [], "other districts' data shown:\n" + "\n".join(leaks)
    assert pages > 140  # the 200 answers checked for inline code and formulas


def readable_text(response):
    """Everything a response says, including inside .xlsx / .docx (zip of XML) files."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    text = body.decode("utf-8", "replace")
    return text + (json.dumps(json.loads(text), ensure_ascii=False) if text.startswith(("{", "[")) else "")


def check_body(url, role, response):
    """What every answer must be, beyond its status: no inline code, no formula in a sheet."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        assert inline_code(response.content.decode()) == [], f"{url} {role}"
    if content_type == XLSX:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        formulas = [c.coordinate for ws in workbook for r in ws.iter_rows() for c in r if c.data_type == "f"]
        assert formulas == [], f"{url} {role}"
