from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import scope
from accounts.views import CapabilityRequiredMixin
from beibei_dashboard.tables import XlsxExportMixin
from beibei_dashboard.templatetags.dates import as_chinese
from enterprises.models import Enterprise

from . import reports, services
from .filtersets import ProblemFilterSet
from .forms import CloseProblemForm, ProblemForm, ProblemFormSet, VisitForm
from .models import Problem
from .tables import ProblemTable


def firm_outreach(request, pk):
    """A firm's visits and problems (from its page in the registry)."""
    scope.require(request.user, "reads_enterprises")
    firm = Enterprise.objects.select_related("subdistrict").get_for(request.user, "view", pk=pk)
    context = reports.firm_outreach(firm, request.user, timezone.localdate())
    return render(request, "outreach/firm_outreach.html", {"enterprise": firm, **context})


def visit_create(request, pk):
    """Log a visit with the problems raised at it: one form, all or nothing."""
    scope.require(request.user, "logs_visits")
    firm = Enterprise.objects.select_related("subdistrict").get_for(request.user, "visit", pk=pk)
    form = VisitForm(request.POST or None, initial={"date": timezone.localdate()})
    formset = ProblemFormSet(request.POST or None, prefix="problems")
    if request.method == "POST" and form.is_valid():
        formset.raised_on = form.cleaned_data["date"]
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            visit = services.log_visit(request.user, firm, **form.cleaned_data, problems=formset.problems)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已登记{as_chinese(visit.date, 'day')}走访{firm.name}，诉求{len(formset.problems)}条。"
            )
            return redirect("outreach:firm_outreach", pk=firm.pk)
    context = {"enterprise": firm, "form": form, "formset": formset, "refused": request.method == "POST"}
    return render(request, "outreach/visit_form.html", context)


def problem_create(request, pk):
    """A problem raised outside a visit."""
    scope.require(request.user, "logs_visits")
    firm = Enterprise.objects.select_related("subdistrict").get_for(request.user, "visit", pk=pk)
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.raise_problem(request.user, firm, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记{firm.name}的诉求。")
            return redirect("outreach:firm_outreach", pk=firm.pk)
    return render(request, "outreach/problem_form.html", {"enterprise": firm, "form": form})


class ProblemListView(CapabilityRequiredMixin, XlsxExportMixin, SingleTableMixin, FilterView):
    """Problems the user may read, filtered; ?export=xlsx all of them as shown."""

    capability = "reads_problems"
    template_name = "outreach/problem_list.html"
    table_class = ProblemTable
    filterset_class = ProblemFilterSet
    paginate_by = 50
    export_name = "企业诉求清单"
    title = "企业诉求"

    def get_queryset(self):
        return (
            self.scoped(Problem.objects)
            .select_related("enterprise", "subdistrict", "answer_unit", "answer_subdistrict")
            .order_by("due_date", "pk")
        )

    def scoped(self, manager):
        return manager.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, answers=scope.answers_problems(self.request.user), **kwargs)


class AnswerListView(ProblemListView):
    """待答复: the open problems the user's unit (or sub-district) must answer."""

    capability = "answers_problems"
    export_name = "待答复企业诉求"
    title = "待答复的企业诉求"

    def scoped(self, manager):
        return manager.restrict(self.request.user, "answer").open()


def problem_detail(request, pk):
    problem = Problem.objects.select_related(
        "enterprise", "subdistrict", "visit", "answer_unit", "answer_subdistrict", "raised_by", "answered_by"
    ).get_for(request.user, "view", pk=pk)
    answerable = problem.is_open and Problem.objects.answerable_by(request.user).filter(pk=pk).exists()
    context = {
        "problem": problem,
        "overdue_days": problem.overdue_days(timezone.localdate()),
        "history": reports.problem_history(problem),
        "answerable": answerable,
        "form": CloseProblemForm() if answerable else None,
        "reads_firm": scope.reads_rows_of(request.user, problem.enterprise.subdistrict_id),
    }
    return render(request, "outreach/problem_detail.html", context)


@require_POST
def problem_start(request, pk):
    problem = Problem.objects.get_for(request.user, "answer", pk=pk)
    try:
        services.start_problem(problem, request.user)
    except services.ProblemRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已标记为办理中。")
    return redirect("outreach:problem_detail", pk=pk)


@require_POST
def problem_close(request, pk):
    problem = Problem.objects.select_related("enterprise").get_for(request.user, "answer", pk=pk)
    form = CloseProblemForm(request.POST)
    if form.is_valid():
        try:
            services.close_problem(problem, request.user, form.cleaned_data["answer"])
        except services.ProblemRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{problem.enterprise.name}的诉求已答复办结。")
            return redirect("outreach:problem_detail", pk=pk)
    else:
        messages.error(request, "办结须填写企业收到的答复。")
    return redirect("outreach:problem_detail", pk=pk)
