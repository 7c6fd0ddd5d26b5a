"""Every URL of the application, for every role and an anonymous visitor, against ONE table.

`EXPECTED` below is the whole access policy as a visitor meets it: one entry per URL name,
each with the concrete addresses tried and the status each role gets on GET. A URL added to
any urls.py without an entry here fails `test_every_url_is_in_the_table`, so nobody can add a
page without deciding, here, who may open it.

Roles: B bureau staff (区科技局), L leadership, O the official of 天生街道 (tiansheng), U a user of
区经济信息委, A anonymous. The data: 2026-10 counted everywhere and its bulletin published,
2026-09 counted but not published, a firm in 天生 and one in 水土, a report with evidence on
task 2 (led by 区经济信息委, shared by 各镇街) and one on task 1 (区科技局 alone).
"""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.choices import Role
from bulletins.services import publish
from demo.services import seed_demo_counts
from targets.months import Month
from tasks.models import KeyTask
from tasks.services import save_report
from tests.conftest import make_user
from tests.enterprises.helpers import firm
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
    "admin": [("/admin/", row(200, 302, 302, 302))],  # the admin's own login for non-staff
    # targets
    "targets:plan": [("/plan/", EVERYONE), ("/plan/?export=xlsx", EVERYONE)],
    "targets:rules": [("/rules/", EVERYONE)],  # 口径说明: how every judgement is made
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
    "bulletins:bulletin_list": [("/bulletin/", EVERYONE)],
    "bulletins:bulletin_detail": [("/bulletin/2026-10/", EVERYONE), ("/bulletin/2026-09/", WHOLE_DISTRICT)],
    "bulletins:bulletin_publish": [("/bulletin/2026-10/publish/", row(405, 403, 403, 403))],  # POST only
    "bulletins:bulletin_xlsx": [("/bulletin/2026-10.xlsx", EVERYONE), ("/bulletin/2026-09.xlsx", WHOLE_DISTRICT)],
    "bulletins:bulletin_docx": [("/bulletin/2026-10.docx", EVERYONE), ("/bulletin/2026-09.docx", WHOLE_DISTRICT)],
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
    "enterprises:month_changes": [
        ("/enterprises/changes/tiansheng/2026-10/", NOT_UNITS),
        ("/enterprises/changes/shuitu/2026-10/", WHOLE_DISTRICT),
    ],
    "enterprises:api_summary": [("/api/v1/enterprises/summary", NOT_UNITS)],
    "enterprises:api_forecast": [("/api/v1/forecast", EVERYONE), ("/api/v1/forecast?year=2027", EVERYONE)],
    "enterprises:warning_list": [("/warnings/", NOT_UNITS), ("/warnings/?export=xlsx", NOT_UNITS)],
    "enterprises:backtest": [("/warnings/accuracy/", WHOLE_DISTRICT)],
}


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


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=False):
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
        }
        yield users, ids


def test_every_url_answers_every_role_as_the_table_says(world, client, login):
    users, ids = world
    clients = {role: login(user) for role, user in users.items()} | {"A": client}
    wrong, pages = [], 0
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=False):
        for name, cases in EXPECTED.items():
            for path, expected in cases:
                url = path.format(**ids)
                for role in ROLES:
                    response = clients[role].get(url)
                    if response.status_code != expected[role]:
                        wrong.append(f"{name} {url} {role}: {response.status_code}, table says {expected[role]}")
                    elif response.status_code == 200:
                        pages += 1
                        check_body(url, role, response)
    assert wrong == [], "\n".join(wrong)
    assert pages > 140  # the 200 answers checked for inline code and formulas


def check_body(url, role, response):
    """What every answer must be, beyond its status: no inline code, no formula in a sheet."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        assert inline_code(response.content.decode()) == [], f"{url} {role}"
    if content_type == XLSX:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        formulas = [c.coordinate for ws in workbook for r in ws.iter_rows() for c in r if c.data_type == "f"]
        assert formulas == [], f"{url} {role}"
