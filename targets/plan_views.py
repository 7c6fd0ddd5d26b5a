"""The plan's pages: the attachment of the version in force (/plan/), the plan's versions and
their revision import, and the changes of the district's map (/plan/changes/)."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from django_tables2 import SingleTableMixin

from accounts import scope
from accounts.views import CapabilityRequiredMixin
from beibei_dashboard.middleware import accepts_upload
from beibei_dashboard.tables import XlsxExportMixin, upload_name

from . import api, boundaries, revisions, territory
from .forms import (
    BoundaryChangeConfirmForm,
    BoundaryChangeForm,
    RevisionConfirmForm,
    RevisionImportForm,
)
from .importers import MAX_FILE_BYTES
from .models import Indicator, PlanVersion
from .months import LAST_PLAN_MONTH, Month, month_from_query, month_range
from .tables import PlanFigureTable, plan_table_data


class PlanView(XlsxExportMixin, SingleTableMixin, TemplateView):
    """The plan's attachment table with its computed totals, and the district goals."""

    template_name = "targets/plan.html"
    table_class = PlanFigureTable
    table_pagination = False
    export_name = "北碚区高科双企目标任务分解表"

    def dispatch(self, request, *args, **kwargs):
        # the version in force in ?month= (default: this month), within the plan's period
        self.month = month_from_query(request, min(Month.current(), LAST_PLAN_MONTH), last=LAST_PLAN_MONTH)
        self.area = territory.map_of(self.month)
        self.visible = api.plan_visible(request.user)  # the notes name units: only those the user may read
        return super().dispatch(request, *args, **kwargs)

    def get_table_data(self):
        rows, totals = api.plan_rows_and_totals(self.request.user, self.month, self.visible)
        return plan_table_data(rows, totals, left={sub.pk for sub in self.area.outside})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.area.version
        visible = self.visible
        context.update(
            month=self.month,
            version=version,
            versions=territory.plan_versions(),
            caliber=self.area.caliber,
            left=[f"{sub.name}{sub.left_note}" for sub in self.area.outside if sub.pk in visible],
            pending=[sub.name for sub in self.area.untargeted if sub.pk in visible],
            month_choices=[(str(m), m.label) for m in month_range(Month.first(), LAST_PLAN_MONTH)],
            indicators=Indicator.objects.filter(Q(version=version) | Q(version=None)) if version else [],
        )
        return context


class PlanRevisionListView(TemplateView):
    """The plan's versions (46号 and its revisions): 文号, date, effective month, who loaded them."""

    template_name = "targets/plan_revisions.html"

    def get_context_data(self, **kwargs):
        versions = list(PlanVersion.objects.select_related("recorded_by").order_by("effective"))
        current = territory.version_in_force(Month.current())
        return super().get_context_data(**kwargs) | {
            "versions": versions,
            "current": current,
            "can_import": scope.keeps_the_books(self.request.user),
        }


@accepts_upload(MAX_FILE_BYTES)
class PlanRevisionImportView(CapabilityRequiredMixin, FormView):
    """Upload a revision with its document's particulars; everything is checked before the preview."""

    capability = "keeps_the_books"
    template_name = "targets/plan_revision_import.html"
    form_class = RevisionImportForm

    def get_initial(self):
        return {"effective": str(Month.current().next())}

    def form_valid(self, form):
        data = form.cleaned_data
        meta = revisions.RevisionMeta(
            number=data["number"].strip(),
            issued=data["issued"],
            effective=data["effective"],
            title=data["title"].strip(),
            reason=data["reason"].strip(),
            is_example=data["is_example"],
        )
        name = upload_name(data["file"].name)
        parsed = revisions.read_revision(name, data["file"].read(), meta, sheet=data["sheet"] or None)
        if parsed.errors:
            context = self.get_context_data(form=form, errors=parsed.errors, file_name=name, notes=parsed.notes)
            return self.render_to_response(context)
        token = revisions.stage(self.request.session, parsed, meta)
        return redirect(reverse("targets:plan_revision_confirm") + f"?token={token}")


class PlanRevisionConfirmView(CapabilityRequiredMixin, FormView):
    """The preview of a revision (every line, the 合计, what changes from which month) and the
    confirmation that writes it."""

    capability = "keeps_the_books"
    template_name = "targets/plan_revision_confirm.html"
    form_class = RevisionConfirmForm

    def dispatch(self, request, *args, **kwargs):
        self.token = request.POST.get("token") or request.GET.get("token") or ""
        self.staged = revisions.staged(request.session, self.token)
        if scope.keeps_the_books(request.user) and self.staged is None:
            messages.error(request, "找不到这次上传的待确认修订（可能已确认或已失效），未写入任何数据，请重新上传。")
            return redirect("targets:plan_revision_import")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"token": self.token}

    def get_context_data(self, **kwargs):
        lines, totals, meta, stage = self.staged
        context = super().get_context_data(**kwargs)
        context.update(
            meta=meta, totals=totals, file_name=stage["file_name"], notes=stage["notes"],
            comparison=revisions.compare(lines, meta, totals),
        )  # fmt: skip
        return context

    def form_valid(self, form):
        lines, totals, meta, stage = self.staged
        try:
            version = revisions.save_revision(lines, totals, meta, self.request.user, stage["file_name"])
        except revisions.RevisionRejected as exc:
            for error in exc.errors:
                form.add_error(None, error)
            return self.form_invalid(form)
        revisions.drop(self.request.session, self.token)
        done = f"已导入方案版本{version.label}（{len(lines)}个街镇），自{meta.effective.label}起按该版本评价。"
        messages.success(self.request, done)
        return redirect(reverse("targets:plan") + f"?month={meta.effective}")


class BoundaryChangeListView(CapabilityRequiredMixin, TemplateView):
    """Every recorded change of the district's map, with its units, authority and source."""

    capability = "keeps_the_books"
    template_name = "targets/boundarychange_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"changes": boundaries.changes_with_units()}


class BoundaryChangeCreateView(CapabilityRequiredMixin, FormView):
    """A change typed in: checked, then previewed; nothing is written before the confirmation."""

    capability = "keeps_the_books"
    template_name = "targets/boundarychange_form.html"
    form_class = BoundaryChangeForm

    def form_valid(self, form):
        given = form.change_input()
        plan = boundaries.plan_change(given)
        if not plan.ok:
            return self.render_to_response(self.get_context_data(form=form, errors=plan.errors))
        token = boundaries.stage_change(self.request.session, given)
        return redirect(reverse("targets:boundarychange_confirm") + f"?token={token}")


class BoundaryChangeConfirmView(CapabilityRequiredMixin, FormView):
    """The preview of a staged change (who leaves and joins from which month) and its confirmation."""

    capability = "keeps_the_books"
    template_name = "targets/boundarychange_confirm.html"
    form_class = BoundaryChangeConfirmForm

    def dispatch(self, request, *args, **kwargs):
        self.token = request.POST.get("token") or request.GET.get("token") or ""
        self.given, problem = boundaries.staged_change(request.session, self.token)
        if scope.keeps_the_books(request.user) and problem:
            messages.error(request, problem)
            return redirect("targets:boundarychange_new")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"token": self.token}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"plan": boundaries.plan_change(self.given)}

    def form_valid(self, form):
        try:
            change, plan = boundaries.apply_change(self.given, self.request.user)
        except boundaries.ChangeRefused as exc:
            return self.render_to_response(self.get_context_data(form=form, errors=exc.errors))
        boundaries.drop_staged_change(self.request.session, self.token)
        messages.success(self.request, f"已录入区划调整“{change.title}”。{plan.summary}。")
        return redirect("targets:boundarychange_list")
