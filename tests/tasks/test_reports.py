"""Filing, revising, returning and accepting progress reports, with evidence."""

from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from beibei_dashboard.evidence import MAX_BYTES
from tasks.choices import ReviewState
from tasks.models import ReportAttachment, TaskReport, TaskTargetValue
from tasks.status import task_status_rows
from tests.support import PDF, at, docx_bytes, file_report, pdf_upload, task

pytestmark = pytest.mark.django_db


def report_post(period="2026-09", status="normal", **extra):
    return {"period": period, "status": status, "done": "完成了年度目标分解", "problems": "", "next_steps": "", **extra}


@time_machine.travel(at(2026, 10, 5), tick=False)
def test_lead_unit_files_a_report_with_values_and_an_attachment(login, unit_user, media_root):
    # 区经济信息委 leads task 7 (智能传感器: 聚集企业 200 家, 产值 300 亿元).
    seven = task(7)
    targets = {t.name: t for t in seven.targets.all()}
    c = login(unit_user)
    form_page = c.get("/tasks/7/reports/new/")
    assert form_page.status_code == 200
    assert form_page.context["form"]["period"].value() == "2026-09"  # the open period by default
    assert "聚集企业（家）" in form_page.content.decode()
    data = report_post(**{f"target_{targets['聚集企业'].pk}": "120", f"target_{targets['产值'].pk}": ""})
    data["attachments"] = [pdf_upload(), SimpleUploadedFile("台账.docx", docx_bytes())]
    response = c.post("/tasks/7/reports/new/", data)
    assert response.status_code == 302 and response["Location"] == "/tasks/7/"
    report = TaskReport.objects.get(task=seven)
    assert (report.period, report.status, report.review_state) == ("2026-09", "normal", ReviewState.SUBMITTED)
    assert report.submitted_by == unit_user
    assert list(report.values.values_list("target__name", "value")) == [("聚集企业", Decimal(120))]
    names = sorted(report.attachments.values_list("original_name", "kind"))
    assert names == [("佐证.pdf", "pdf"), ("台账.docx", "ooxml")]
    stored = report.attachments.get(kind="pdf").file
    assert (media_root / stored.name).read_bytes() == PDF
    assert "佐证" not in stored.name  # a random name on disk
    assert report.history.first().history_change_reason == "填报进展报告"
    assert report.history.first().history_user == unit_user
    # The detail page shows it, with the value against the target and the download link.
    page = c.get("/tasks/7/").content.decode()
    assert "2026年9月" in page and "完成了年度目标分解" in page and "聚集企业：120/200家（60%）" in page
    assert "佐证.pdf" in page and "/tasks/attachments/" in page


def test_a_unit_that_does_not_lead_the_task_gets_403(login, unit_user):
    # Task 1 is led by 区科技局 only; 区经济信息委 is not even responsible for it.
    c = login(unit_user)
    assert c.get("/tasks/1/reports/new/").status_code == 403
    response = c.post("/tasks/1/reports/new/", report_post())
    assert response.status_code == 403
    # Task 3: 区经济信息委 is a responsible unit, not the lead: still 403.
    assert c.post("/tasks/3/reports/new/", report_post()).status_code == 403
    assert not TaskReport.objects.exists()
    assert "只有该任务的牵头单位" in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "official", "other_official"])
def test_other_roles_cannot_report(login, who, request):
    user = request.getfixturevalue(who)
    assert login(user).post("/tasks/7/reports/new/", report_post()).status_code == 403
    assert not TaskReport.objects.exists()


@time_machine.travel(at(2026, 10, 5), tick=False)
def test_bureau_may_report_on_any_task(login, bureau):
    response = login(bureau).post("/tasks/17/reports/new/", report_post(status="lagging"))
    assert response.status_code == 302
    assert TaskReport.objects.get().task.number == 17


@time_machine.travel(at(2026, 10, 5), tick=False)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("说明.pdf", b"I am plain text with a .pdf name", "内容不是允许的类型"),
        ("脚本.png", b"<script>alert(1)</script>", "内容不是允许的类型"),
        ("照片.pdf", b"\x89PNG\r\n\x1a\n0000", "扩展名与其内容"),
        ("大文件.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES, "超过 10 MB"),
    ],
)
def test_refused_attachments_write_nothing(login, unit_user, media_root, name, content, message):
    data = report_post()
    data["attachments"] = [pdf_upload("好的.pdf"), SimpleUploadedFile(name, content)]
    response = login(unit_user).post("/tasks/7/reports/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert any(message in e and name in e for e in errors)
    assert message in response.content.decode()
    assert not TaskReport.objects.exists() and not ReportAttachment.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


@time_machine.travel(at(2026, 10, 5), tick=False)
def test_period_validation(login, unit_user):
    c = login(unit_user)
    future = c.post("/tasks/7/reports/new/", report_post(period="2026-11"))
    assert "报告期不能晚于本月" in future.content.decode()
    bad = c.post("/tasks/7/reports/new/", report_post(period="2026年9月"))
    assert "格式不对" in bad.content.decode()
    target = task(7).targets.first()
    negative = c.post("/tasks/7/reports/new/", report_post(**{f"target_{target.pk}": "-1"}))
    assert negative.context["form"].errors[f"target_{target.pk}"]
    assert not TaskReport.objects.exists()
    assert c.post("/tasks/7/reports/new/", report_post(period="2026-Q3")).status_code == 302
    again = c.post("/tasks/7/reports/new/", report_post(period="2026-q3"))
    assert "已有进展报告" in again.content.decode()
    assert TaskReport.objects.get().period == "2026-Q3"


def test_send_back_flow(login, bureau, unit_user):
    target = task(7).targets.get(name="聚集企业")
    report = file_report(7, "2026-09", unit_user, values={"聚集企业": Decimal(100)}, when=at(2026, 10, 5))
    staff, unit = login(bureau), login(unit_user)
    assert "退回修改" in staff.get("/tasks/7/").content.decode()
    assert unit.post(f"/tasks/reports/{report.pk}/return/", {"comment": "x"}).status_code == 403
    assert staff.get(f"/tasks/reports/{report.pk}/return/").status_code == 200
    empty = staff.post(f"/tasks/reports/{report.pk}/return/", {"comment": ""})
    assert empty.status_code == 200 and empty.context["form"].errors
    response = staff.post(f"/tasks/reports/{report.pk}/return/", {"comment": "请补充孵化企业名单"}, follow=True)
    assert "已将任务7" in response.content.decode()
    report.refresh_from_db()
    assert (report.review_state, report.review_comment, report.reviewed_by) == (
        "returned",
        "请补充孵化企业名单",
        bureau,
    )
    assert report.history.first().history_change_reason == "退回修改：请补充孵化企业名单"
    # The unit sees the comment and revises; the report goes back to the bureau.
    edit = unit.get(f"/tasks/reports/{report.pk}/edit/")
    assert "请补充孵化企业名单" in edit.content.decode()
    data = report_post(**{f"target_{target.pk}": "130"})
    data["done"] = "补充了名单"
    assert unit.post(f"/tasks/reports/{report.pk}/edit/", data).status_code == 302
    report.refresh_from_db()
    assert (report.review_state, report.done) == ("submitted", "补充了名单")
    assert report.values.get().value == Decimal(130)
    value_history = TaskTargetValue.history.filter(id=report.values.get().pk).order_by("history_date")
    assert [h.value for h in value_history] == [Decimal(100), Decimal(130)]
    reasons = list(report.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["填报进展报告", "退回修改：请补充孵化企业名单", "修改后重新提交"]
    # Bureau accepts; the unit may no longer edit it, bureau staff may.
    assert unit.post(f"/tasks/reports/{report.pk}/accept/").status_code == 403
    staff.post(f"/tasks/reports/{report.pk}/accept/")
    report.refresh_from_db()
    assert report.review_state == "accepted"
    assert unit.get(f"/tasks/reports/{report.pk}/edit/").status_code == 403
    assert staff.get(f"/tasks/reports/{report.pk}/edit/").status_code == 200
    # Returning an accepted report is refused with a message, nothing changes.
    again = staff.post(f"/tasks/reports/{report.pk}/return/", {"comment": "再改"}, follow=True)
    assert "只有“已提交”的报告可以退回" in again.content.decode()
    report.refresh_from_db()
    assert report.review_state == "accepted"


def test_returned_reports_do_not_count(login, bureau, unit_user):
    report = file_report(7, "2026-09", unit_user, when=at(2026, 10, 5))
    with time_machine.travel(at(2026, 10, 12), tick=False):
        row = task_status_rows(task(7).__class__.objects.filter(number=7, kind="task"))[0]
        assert (row.colour, row.assessment.overdue) == ("green", False)
        login(bureau).post(f"/tasks/reports/{report.pk}/return/", {"comment": "数据有误"})
        row = task_status_rows(task(7).__class__.objects.filter(number=7, kind="task"))[0]
        assert (row.colour, row.assessment.overdue) == ("yellow", True)


def test_the_unit_removes_an_attachment_when_revising(login, unit_user):
    c = login(unit_user)
    with time_machine.travel(at(2026, 10, 5), tick=False):
        data = report_post()
        data["attachments"] = [pdf_upload()]
        c.post("/tasks/7/reports/new/", data)
    report = TaskReport.objects.get()
    attachment = report.attachments.get()
    data = report_post()
    data["remove_attachments"] = [attachment.pk]
    assert c.post(f"/tasks/reports/{report.pk}/edit/", data).status_code == 302
    assert not report.attachments.exists()
    assert ReportAttachment.history.filter(id=attachment.pk, history_type="-").exists()


class TestAttachmentDownload:
    @pytest.fixture
    def attachment(self, login, bureau):
        with time_machine.travel(at(2026, 10, 5), tick=False):
            data = report_post()
            data["attachments"] = [pdf_upload("任务1佐证.pdf")]
            login(bureau).post("/tasks/1/reports/new/", data)
        return ReportAttachment.objects.get()

    def test_served_as_attachment_with_nosniff(self, login, leader, unit_user, attachment):
        for user in (leader, unit_user):
            response = login(user).get(f"/tasks/attachments/{attachment.pk}/")
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["Content-Disposition"].endswith(
                "filename*=UTF-8''%E4%BB%BB%E5%8A%A11%E4%BD%90%E8%AF%81.pdf"
            )

    def test_refused_to_officials_who_may_not_see_the_task(self, login, official, other_official, attachment):
        # Task 1 has no 各镇街 among its units: sub-district officials do not see it.
        for user in (official, other_official):
            assert login(user).get(f"/tasks/attachments/{attachment.pk}/").status_code == 403
            assert login(user).get("/tasks/1/").status_code == 403

    def test_anonymous_is_sent_to_login(self, client, attachment):
        response = client.get(f"/tasks/attachments/{attachment.pk}/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_media_root_is_not_served_at_any_url(self, login, bureau, attachment):
        assert login(bureau).get(f"/media/{attachment.file.name}").status_code == 404
        assert login(bureau).get(f"/{attachment.file.name}").status_code == 404


def test_official_sees_gezhenjie_tasks_read_only(login, official, unit_user):
    # 各镇街 is responsible for task 2 (led by 区经济信息委 and 区科技局).
    report = file_report(2, "2026-09", unit_user, when=at(2026, 10, 5))
    c = login(official)
    page = c.get("/tasks/2/")
    assert page.status_code == 200 and page.context["task"].number == 2
    assert page.context["can_report"] is False and "填报进展报告" not in page.content.decode()
    assert c.get(f"/tasks/reports/{report.pk}/edit/").status_code == 403
