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
the same database (`tests.support.make_other_districts`), where no answer may show another district's name,
slug, firm or figure and their addresses answer 404.
"""

import io

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.choices import Role
from assessment.catalogue import default_items
from assessment.services import publish as publish_assessment
from assessment.services import save_scheme
from bulletins.services import publish
from demo.services import seed_demo_counts
from enterprises.models import Enterprise, ImportJob, RecognitionAttempt
from enterprises.verification import raise_flag
from outreach.services import log_visit
from targets.months import Month
from tasks.models import KeyTask, Unit
from tasks.services import save_contribution, save_report
from tests.support import firm, inline_code, leaked, make_other_districts, make_user, pdf_upload, pinned, readable_text

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
    "targets:plan": [("/plan/", EVERYONE), ("/plan/?export=xlsx", EVERYONE), ("/plan/?month=2025-10", EVERYONE)],
    "targets:plan_revisions": [("/plan/revisions/", EVERYONE)],
    "targets:plan_revision_import": [("/plan/revisions/import/", BUREAU_ONLY)],
    "targets:plan_revision_confirm": [("/plan/revisions/import/confirm/", row(302, 403, 403, 403))],  # nothing staged
    "targets:boundarychange_list": [("/plan/changes/", BUREAU_ONLY)],
    "targets:boundarychange_new": [("/plan/changes/new/", BUREAU_ONLY)],
    "targets:boundarychange_confirm": [("/plan/changes/confirm/", row(302, 403, 403, 403))],  # nothing staged
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
    "bulletins:bulletin_publish": [
        ("/bulletin/2026-10/publish/", BUREAU_ONLY),
        ("/bulletin/2026-09/publish/", BUREAU_ONLY),
    ],
    "bulletins:bulletin_settings": [("/bulletin/settings/", BUREAU_ONLY)],
    "bulletins:bulletin_template_upload": [("/bulletin/settings/template/", row(405, 403, 403, 403))],  # POST only
    "bulletins:bulletin_template_noted": [("/bulletin/settings/template/noted/", row(405, 403, 403, 403))],  # POST only
    "bulletins:bulletin_template_download": [("/bulletin/settings/template.docx", BUREAU_ONLY)],
    "bulletins:bulletin_template_default": [("/bulletin/settings/template-default.docx", BUREAU_ONLY)],
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
    "tasks:contribution_overview": [("/tasks/contributions/", EVERYONE)],
    "tasks:contribution_list": [
        ("/tasks/task/3/contributions/", row(200, 200, 403, 200)),  # officials read 各镇街 tasks only
        ("/tasks/task/2/contributions/", EVERYONE),
        ("/tasks/task/1/contributions/", row(200, 200, 403, 200)),
        ("/tasks/measure/1/contributions/", EVERYONE),
        ("/tasks/other/1/contributions/", row(404, 404, 404, 404)),
    ],
    "tasks:contribution_create": [
        ("/tasks/task/3/contributions/new/", row(403, 403, 403, 200)),  # U: a responsible unit of task 3
        ("/tasks/task/2/contributions/new/", row(403, 403, 200, 403)),  # O: 各镇街; U leads task 2
        ("/tasks/task/1/contributions/new/", row(403, 403, 403, 403)),
    ],
    "tasks:contribution_attachment_download": [
        ("/tasks/contribution-attachments/{contribution_attachment}/", EVERYONE)
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
    "enterprises:import_job": [("/enterprises/import/jobs/{job}/", BUREAU_ONLY)],  # the uploader's own
    "enterprises:import_job_status": [("/enterprises/import/jobs/{job}/status", BUREAU_ONLY)],
    "enterprises:month_changes": [
        ("/enterprises/changes/tiansheng/2026-10/", NOT_UNITS),
        ("/enterprises/changes/shuitu/2026-10/", WHOLE_DISTRICT),
    ],
    "enterprises:api_summary": [("/api/v1/enterprises/summary", NOT_UNITS)],
    "enterprises:api_forecast": [("/api/v1/forecast", EVERYONE), ("/api/v1/forecast?year=2027", EVERYONE)],
    "enterprises:warning_list": [("/warnings/", NOT_UNITS), ("/warnings/?export=xlsx", NOT_UNITS)],
    "enterprises:backtest": [("/warnings/accuracy/", WHOLE_DISTRICT)],
    "enterprises:pipeline": [("/pipeline/", NOT_UNITS), ("/pipeline/?year=2031", row(404, 404, 404, 403))],
    "enterprises:pipeline_subdistrict": [
        ("/pipeline/tiansheng/", NOT_UNITS),
        ("/pipeline/shuitu/?year=2025", WHOLE_DISTRICT),
        ("/pipeline/nowhere/", row(404, 404, 404, 403)),
    ],
    "enterprises:attempt_detail": [
        ("/pipeline/attempts/{attempt}/", NOT_UNITS),
        ("/pipeline/attempts/{shuitu_attempt}/", WHOLE_DISTRICT),
    ],
    "enterprises:attempt_create": [
        ("/pipeline/tiansheng/new/", row(200, 403, 200, 403)),
        ("/pipeline/shuitu/new/", row(200, 403, 403, 403)),
    ],
    "enterprises:list_import": [("/pipeline/import/", BUREAU_ONLY)],
    "enterprises:api_pipeline": [("/api/v1/pipeline", EVERYONE), ("/api/v1/pipeline?year=2025", EVERYONE)],
    "enterprises:attribution_check": [("/enterprises/check/", NOT_UNITS)],  # officials: their own firms
    "enterprises:flag_missing": [("/enterprises/check/missing/", row(403, 403, 200, 403))],
    "enterprises:flag_create": [
        ("/enterprises/{firm}/flag/", row(403, 403, 200, 403)),
        ("/enterprises/{shuitu_firm}/flag/", row(403, 403, 403, 403)),
    ],
    "enterprises:flag_detail": [("/enterprises/flags/{flag}/", NOT_UNITS)],
    "enterprises:flag_attachment": [("/enterprises/flags/{flag}/attachment/", NOT_UNITS)],
    # outreach: a visit to the 天生 firm with a problem for 区经济信息委 (U), one to the 水土 firm for 区科技局
    "outreach:firm_outreach": [
        ("/outreach/firms/{firm}/", NOT_UNITS),
        ("/outreach/firms/{shuitu_firm}/", WHOLE_DISTRICT),
    ],
    "outreach:visit_create": [
        ("/outreach/firms/{firm}/visits/new/", row(200, 403, 200, 403)),
        ("/outreach/firms/{shuitu_firm}/visits/new/", BUREAU_ONLY),
    ],
    "outreach:problem_create": [
        ("/outreach/firms/{firm}/problems/new/", row(200, 403, 200, 403)),
        ("/outreach/firms/{shuitu_firm}/problems/new/", BUREAU_ONLY),
    ],
    "outreach:problem_list": [("/outreach/problems/", EVERYONE), ("/outreach/problems/?export=xlsx", EVERYONE)],
    "outreach:problem_answer_list": [("/outreach/problems/to-answer/", row(200, 403, 200, 200))],
    "outreach:problem_detail": [
        ("/outreach/problems/{problem}/", EVERYONE),
        ("/outreach/problems/{shuitu_problem}/", WHOLE_DISTRICT),
    ],
    "outreach:problem_start": [("/outreach/problems/{problem}/start/", row(405, 405, 405, 405))],  # POST only
    "outreach:problem_close": [("/outreach/problems/{problem}/close/", row(405, 405, 405, 405))],  # POST only
    # assessment (published 2025 result in the fixture; 2026 running only)
    "assessment:assessment_index": [("/assessment/", row(302, 302, 302, 302))],
    "assessment:assessment_detail": [
        ("/assessment/2026/", EVERYONE),  # officials and units: their own published score only
        ("/assessment/2025/", EVERYONE),
        ("/assessment/2031/", row(404, 404, 404, 404)),
    ],
    "assessment:scheme_edit": [("/assessment/2026/scheme/", BUREAU_ONLY)],
    "assessment:publish": [("/assessment/2026/publish/", row(405, 405, 405, 405))],  # POST only
    "assessment:export_xlsx": [
        ("/assessment/2025.xlsx", EVERYONE),  # published: scoped to one's own row
        ("/assessment/2026.xlsx", row(200, 200, 404, 404)),  # running: bureau and leadership only
    ],
    "assessment:export_docx": [
        ("/assessment/2025.docx", EVERYONE),
        ("/assessment/2026.docx", row(200, 200, 404, 404)),
    ],
    "assessment:api_assessment": [("/api/v1/assessment?year=2026", EVERYONE)],
    "assessment:todo_list": [("/todo/", EVERYONE)],
    "assessment:todo_count": [("/todo/count", EVERYONE)],
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
    with pinned():
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
        contribution = save_contribution(
            task=KeyTask.objects.tasks().get(number=2),
            key=("subdistrict", users["O"].subdistrict_id),
            user=users["O"],
            period="2026-10",
            done="配合推进",
            uploads=[(pdf_upload(), "pdf")],
        )
        save_scheme(year=2025, items=default_items(), note="", user=users["B"], reason="")
        publish_assessment(year=2025, user=users["B"])
        tiansheng_firm = firm(1, sub="tiansheng")
        ids = {
            "contribution_attachment": contribution.attachments.get().pk,
            "report": report.pk,
            "report1": report1.pk,
            "attachment": report.attachments.get().pk,
            "attachment1": report1.attachments.get().pk,
            "firm": tiansheng_firm.pk,
            "flag": raise_flag(
                user=users["O"],
                subdistrict=tiansheng_firm.subdistrict,
                kind="not_here",
                note="不在本辖区",
                enterprise=firm(3, sub="tiansheng"),
                upload=(pdf_upload(), "pdf"),
            ).pk,
            "shuitu_firm": firm(2, sub="shuitu").pk,
            "job": ImportJob.objects.create(
                created_by=users["B"], file_name="名录.xlsx", stored_as="job-x.xlsx", step="previewed",
                summary={"rows": 5000, "created": 5000, "updated": 0, "unchanged": 0, "recognitions_added": 10},
            ).pk,
            "other_firm": Enterprise._base_manager.exclude(subdistrict__district__slug="beibei").values("pk")[:1],
        }  # fmt: skip
        ids["other_firm"] = ids["other_firm"][0]["pk"] if markers else 0
        visit = log_visit(users["O"], tiansheng_firm, Month(2026, 11).date, "张明", "走访", [
            {"category": "funding", "description": "资金", "answer_unit": Unit.objects.get(name="区经济信息委")},
        ])  # fmt: skip
        ids["problem"] = visit.problems.get().pk
        shuitu = log_visit(users["B"], Enterprise.objects.get(pk=ids["shuitu_firm"]), Month(2026, 11).date, "李华",
                           "走访", [{"category": "land", "description": "用地", "answer_unit": Unit.objects.get(name="区科技局")}])  # fmt: skip
        ids["shuitu_problem"] = shuitu.problems.get().pk
        ids["attempt"] = RecognitionAttempt.objects.create(
            enterprise=tiansheng_firm, year=2026, programme="high_tech", stage="applied", batch=3
        ).pk
        ids["shuitu_attempt"] = RecognitionAttempt.objects.create(
            enterprise_id=ids["shuitu_firm"], year=2026, programme="high_tech", stage="intending"
        ).pk
        yield users, ids, markers


def test_every_url_answers_every_role_as_the_table_says(world, client, login):
    users, ids, markers = world
    clients = {role: login(user) for role, user in users.items()} | {"A": client}
    wrong, leaks, pages = [], [], 0
    table = [(name, path, expected) for name, cases in EXPECTED.items() for path, expected in cases]
    if markers:
        table += [("other district", path, expected) for path, expected in OTHER_DISTRICT_CASES]
    with pinned():
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


def check_body(url, role, response):
    """What every answer must be, beyond its status: no inline code, no formula in a sheet."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        assert inline_code(response.content.decode()) == [], f"{url} {role}"
    if content_type == XLSX:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        formulas = [c.coordinate for ws in workbook for r in ws.iter_rows() for c in r if c.data_type == "f"]
        assert formulas == [], f"{url} {role}"


def test_the_leak_finder_matches_whole_numbers_and_words():
    markers = {"70123", "70,123", "7012", "泄漏企业", "301"}
    text = "共70123家；另 70,123；1701234 不算；7012.5 不算；30.1 不算；301。泄漏企业在此"
    assert leaked(markers, text) == ["301", "70,123", "70123", "泄漏企业"]
    assert leaked(markers, "17012、70124、3010") == []
