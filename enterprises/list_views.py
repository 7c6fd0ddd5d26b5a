"""/pipeline/import/: the bureau imports an official high-tech list (申报名单, 公示/备案名单):
upload → preview (each row's firm, stage and certificate; the unmatched rows; every problem
with its sheet, row and column) → confirm, all in one transaction (`official_lists`)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import scope
from beibei_dashboard.middleware import accepts_upload
from targets.choices import PLAN_YEARS

from . import official_lists, services
from .forms import OfficialListImportForm
from .importers import MAX_BYTES, ImportRefused

SESSION_KEY = "official_list_import"


def _form(request, bound=True):
    years = [y for y in PLAN_YEARS if y <= timezone.localdate().year]
    data = (request.POST or None, request.FILES or None) if bound else ()
    return OfficialListImportForm(*data, years=years, kinds=official_lists.KINDS)


@accepts_upload(MAX_BYTES)
def list_import(request):
    """Upload and preview a list, then confirm or cancel it; bureau only."""
    scope.require(request.user, "keeps_the_books")
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        return _confirm(request, action)
    form = _form(request)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sheet = data["sheet"].strip()
        extra = {"kind": data["kind"], "year": data["year"], "batch": data["batch"]}
        token, content = services.stash(request.session, data["file"], sheet, key=SESSION_KEY, **extra)
        context.update(_preview(request, content, token, sheet, **extra))
    return render(request, "enterprises/official_list_import.html", context)


def _preview(request, content, token, sheet, kind, year, batch):
    name = request.session[SESSION_KEY]["name"]
    try:
        preview = official_lists.preview(content, name, kind, year, batch, sheet=sheet or None)
    except ImportRefused as refused:
        services.discard(request.session, SESSION_KEY)
        return {"problems": refused.problems, "problem_count": refused.total}
    return {"preview": preview, "token": token}


def _confirm(request, action):
    stashed = services.load(request.session, request.POST.get("token"), key=SESSION_KEY)
    if action == "cancel" or stashed is None:
        services.discard(request.session, SESSION_KEY)
        if stashed is None and action == "confirm":
            messages.error(request, "找不到待导入的名单（可能已导入或已过期），请重新上传。")
        return redirect("enterprises:list_import")
    content, name, sheet = stashed
    entry = request.session[SESSION_KEY]
    kind, year, batch = entry["kind"], entry["year"], entry["batch"]
    accepted = request.POST.get("unmatched", "") if request.POST.get("accept_unmatched") else ""
    try:
        preview = official_lists.run(
            content, name, kind, year, batch, user=request.user, confirm=True,
            accept_unmatched=int(accepted) if accepted.isdigit() else None, sheet=sheet,
        )  # fmt: skip
    except ImportRefused as refused:
        again = _preview(request, content, request.POST.get("token"), sheet, kind, year, batch)
        context = {"form": _form(request, bound=False), **again}
        context["confirm_error"] = refused.problems[0].message if "preview" in context else ""
        return render(request, "enterprises/official_list_import.html", context)
    services.discard(request.session, SESSION_KEY)
    unmatched = f"，{len(preview.unmatched)}行未匹配，未导入" if preview.unmatched else ""
    messages.success(
        request,
        f"已导入{year}年第{batch}批{preview.kind_label}“{name}”：匹配 {len(preview.matched)} 家，"
        f"更新认定进程 {preview.written} 家{unmatched}。",
    )
    return redirect(reverse("enterprises:pipeline") + f"?year={year}")
