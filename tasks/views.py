from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import scope
from beibei_dashboard import evidence
from beibei_dashboard.evidence import MAX_REQUEST_BYTES
from beibei_dashboard.middleware import accepts_upload
from beibei_dashboard.races import SavedMeanwhile
from beibei_dashboard.tables import TablePageView
from targets.indicators import indicator_rows
from targets.models import Indicator

from . import api, charts, services, supervision
from .choices import Colour, TaskKind
from .contributions import contribution_overview, contribution_status
from .filtersets import KeyTaskFilterSet
from .forms import IndicatorValueForm, ReturnReportForm, TaskContributionForm, TaskReportForm
from .models import ContributionAttachment, KeyTask, ReportAttachment, TaskContribution, TaskReport
from .periods import Period
from .status import overdue_by_unit, task_status_rows
from .tables import KeyTaskTable, OverdueTable
from .timeline import report_timeline, target_charts


class KeyTaskListView(TablePageView):
    """The 19 tasks by group with status lights, filters, the rules, and the four measures."""

    template_name = "tasks/keytask_list.html"
    table_class = KeyTaskTable
    export_name = "重点任务推进情况"

    def get_table_data(self):
        visible = KeyTask.objects.visible_to(self.request.user).tasks()
        self.filterset = KeyTaskFilterSet(self.request.GET or None, queryset=visible, request=self.request)
        self.rows = task_status_rows(self.filterset.qs)
        return self.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sections = {}
        for row in self.rows:
            sections.setdefault(row.task.group, []).append(row)
        counts = [(c.value, c.label, sum(1 for r in self.rows if r.colour == c)) for c in Colour]
        context.update(
            filter=self.filterset,
            sections=[(group, KeyTaskTable(rows, exclude=("group",))) for group, rows in sections.items()],
            counts=counts,
            status_chart=charts.status_chart(counts) if self.rows else None,
            rules=supervision.rules_text(),
            calendar=supervision.calendar_text(),
            open_period=supervision.open_period(timezone.localdate()),
            checked_period=supervision.checked_period(timezone.localdate()),
            measures=KeyTask.objects.visible_to(user).measures().with_units(),
            has_own_tasks=scope.has_own_tasks(user),
            reportable=set(KeyTask.objects.reportable_by(user).values_list("number", flat=True)),
        )
        return context


def keytask_detail(request, number):
    task = KeyTask.objects.tasks().with_units().get_for(request.user, "view", number=number)
    row = task_status_rows(KeyTask.objects.filter(pk=task.pk))[0]
    can_report = KeyTask.objects.filter(pk=task.pk).restrict(request.user, "report").exists()
    editable = TaskReport.objects.filter(task=task).restrict(request.user, "change") if can_report else ()
    editable = {report.pk for report in editable}
    timeline = report_timeline(task)
    for report in timeline:
        report.editable = report.pk in editable
    context = {
        "task": task,
        "row": row,
        "target_charts": target_charts(task, row),
        "timeline": timeline,
        "can_report": can_report,
        "can_review": scope.can_review_reports(request.user),
        "return_form": ReturnReportForm(),
        "contributions": contribution_status(task, Period.of_month(supervision.open_period(timezone.localdate())[0])),
        "can_contribute": scope.contributor_key(request.user, task) is not None,
    }
    return render(request, "tasks/keytask_detail.html", context)


@accepts_upload(MAX_REQUEST_BYTES)
def report_form(request, number=None, pk=None):
    """File a new report on task `number`, or revise report `pk`."""
    report = TaskReport.objects.select_related("task").get_for(request.user, "change", pk=pk) if pk else None
    task = report.task if report else KeyTask.objects.tasks().get_for(request.user, "report", number=number)
    form = TaskReportForm(request.POST or None, request.FILES or None, instance=report, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_report(
                task=task,
                user=request.user,
                fields=form.report_fields,
                values=form.target_values,
                uploads=form.cleaned_data["attachments"],
                remove=form.cleaned_data.get("remove_attachments") or (),
                report=report,
            )
        except SavedMeanwhile as exc:
            form.add_error(None, str(exc))  # the form comes back with what was typed
        else:
            messages.success(request, "进展报告已提交。")
            return redirect("tasks:keytask_detail", number=task.number)
    period = report.period_obj if report else Period.of_month(supervision.open_period(timezone.localdate())[0])
    context = {"form": form, "task": task, "report": report, "contributions": contribution_status(task, period)}
    return render(request, "tasks/taskreport_form.html", context)


def report_return(request, pk):
    report = TaskReport.objects.select_related("task").get_for(request.user, "review", pk=pk)
    form = ReturnReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_report(report, request.user, form.cleaned_data["comment"])
        except services.ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已将任务{report.task.number}{report.period_label}的报告退回修改。")
        return redirect("tasks:keytask_detail", number=report.task.number)
    return render(request, "tasks/taskreport_return.html", {"form": form, "report": report})


@require_POST
def report_accept(request, pk):
    report = TaskReport.objects.select_related("task").get_for(request.user, "review", pk=pk)
    try:
        services.accept_report(report, request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已采纳任务{report.task.number}{report.period_label}的报告。")
    return redirect("tasks:keytask_detail", number=report.task.number)


def attachment_download(request, pk):
    attachment = ReportAttachment.objects.get_for(request.user, "view", pk=pk)
    return _serve_evidence(attachment)


def _serve_evidence(attachment):
    return evidence.download(attachment.file, attachment.original_name, attachment.kind)


class OverdueListView(TablePageView):
    """督办: the tasks whose lead units owe the report of the checked month, by unit."""

    template_name = "tasks/overdue_list.html"
    table_class = OverdueTable
    export_name = "重点任务逾期督办清单"

    def get_table_data(self):
        today = timezone.localdate()
        rows = task_status_rows(KeyTask.objects.visible_to(self.request.user).tasks(), today)
        return overdue_by_unit(rows, today)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checked_period"] = supervision.checked_period(timezone.localdate())
        context["calendar"] = supervision.calendar_text()
        context["other_sections"] = supervision.overdue_sections(self.request.user, timezone.localdate())
        return context


def indicator_list(request):
    rows = indicator_rows()
    for row in rows:
        row.chart = charts.trend_chart(
            [(m.label, value) for m, value, _ in row.series],
            target=row.indicator.value,
            unit=row.indicator.unit,
            target_name=f"{row.indicator.year}年目标",
        )
    context = {"rows": rows, "can_record": scope.can_record_indicators(request.user)}
    return render(request, "tasks/indicator_list.html", context)


def indicator_record(request):
    scope.require(request.user, "can_record_indicators")
    initial = {"indicator": request.GET.get("indicator")} if request.GET.get("indicator") else None
    form = IndicatorValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_indicator_value(
                indicator=data["indicator"],
                month=data["month"],
                value=data["value"],
                note=data["note"],
                user=request.user,
            )
        except SavedMeanwhile as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已录入 {data['indicator'].name} {data['month'].label} 的数值。")
            return redirect("tasks:indicator_list")
    recordable = Indicator.objects.filter(metric="")
    return render(request, "tasks/indicatorvalue_form.html", {"form": form, "recordable": recordable})


def _json(payload):
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def api_tasks(request):
    return _json(api.tasks_payload(request.user))


def api_indicators(request):
    return _json(api.indicators_payload(request.user))


def _tasks_of_kind(kind):
    if kind not in (TaskKind.TASK, TaskKind.MEASURE):
        raise Http404("没有这一类任务。")
    return KeyTask.objects.with_units().filter(kind=kind)


def _period_from(request):
    """The period asked for in ?period=, else the month units are reporting on now."""
    if request.GET.get("period"):
        try:
            return Period.parse(request.GET["period"])
        except ValueError as exc:
            messages.error(request, str(exc))
    return Period.of_month(supervision.open_period(timezone.localdate())[0])


def contribution_overview_list(request):
    """Every task and measure that asks for contributions: who has and has not contributed for a period."""
    period = _period_from(request)
    tasks = list(KeyTask.objects.visible_to(request.user).with_units())
    statuses = [s for s in contribution_overview(tasks, period) if s.rows]
    statuses.sort(key=lambda s: (s.task.kind != TaskKind.TASK, s.task.number))
    return render(request, "tasks/contribution_overview.html", {"period": period, "statuses": statuses})


def contribution_list(request, kind, number):
    """Who has and has not contributed to a task or measure for a period (default: the open month)."""
    task = _tasks_of_kind(kind).get_for(request.user, "view", number=number)
    period = _period_from(request)
    context = {
        "task": task,
        "period": period,
        "status": contribution_status(task, period),
        "history": TaskContribution.objects.filter(task=task).select_related("unit", "subdistrict")[:200],
        "my_key": scope.contributor_key(request.user, task),
    }
    return render(request, "tasks/taskcontribution_list.html", context)


@accepts_upload(MAX_REQUEST_BYTES)
def contribution_form(request, kind, number):
    """File (or revise) the user's own contribution for a period."""
    task = _tasks_of_kind(kind).get_for(request.user, "contribute", number=number)
    key = scope.contributor_key(request.user, task)
    period = _period_from(request)
    kind_field, pk = key
    existing = TaskContribution.objects.filter(task=task, period=str(period), **{f"{kind_field}_id": pk}).first()
    initial = {"period": str(period)}
    if existing:  # a revision starts from what was filed
        initial.update(done=existing.done, problems=existing.problems)
    form = TaskContributionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_contribution(
            task=task,
            key=key,
            user=request.user,
            period=data["period"],
            done=data["done"],
            problems=data["problems"],
            uploads=data["attachments"],
        )
        messages.success(request, f"已提交{data['period'].label}的配合情况。")
        return redirect(f"{reverse('tasks:contribution_list', args=[kind, number])}?period={data['period']}")
    return render(request, "tasks/taskcontribution_form.html", {"form": form, "task": task, "existing": existing})


def contribution_attachment_download(request, pk):
    attachment = ContributionAttachment.objects.get_for(request.user, "view", pk=pk)
    return _serve_evidence(attachment)
