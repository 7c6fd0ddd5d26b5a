"""Demo progress reports for a newcomer's first look: most tasks on track, a few lagging, two
lead units late with last month's report (so the overdue list has something to show)."""

from decimal import Decimal

from targets.months import Month
from tasks.choices import ReportStatus
from tasks.models import KeyTask, TaskReport
from tasks.services import save_report

LAGGING = {9, 13}
LATE = {3, 17}
# A plausible share of each quantitative 2027 target reached by now.
SHARE = Decimal("0.62")


def seed_demo_reports(users_by_unit, fallback, until=None):
    """Reports for the two months before `until` (default: this month) where none exist yet."""
    until = until or Month.current()
    months = [until.previous().previous(), until.previous()]
    tasks = KeyTask.objects.filter(kind="task").prefetch_related("lead_units", "targets")
    existing = set(TaskReport.objects.values_list("task_id", "period"))
    created = 0
    for task in tasks:
        lead_names = [unit.name for unit in task.lead_units.all()]
        user = next((users_by_unit[name] for name in lead_names if name in users_by_unit), fallback)
        for index, month in enumerate(months):
            if (task.pk, str(month)) in existing or (task.number in LATE and index == 1):
                continue
            lagging = task.number in LAGGING
            values = {
                target: (target.value * (SHARE + Decimal("0.02") * index)).quantize(Decimal("0.01"))
                for target in task.targets.all()
            }
            save_report(
                task=task,
                user=user,
                fields={
                    "period": str(month),
                    "status": ReportStatus.LAGGING if lagging else ReportStatus.NORMAL,
                    "done": f"（演示）{month.label}围绕“{task.title}”推进各项工作，按计划落实。",
                    "problems": "（演示）项目落地慢于预期，配套资金尚未到位。" if lagging else "",
                    "next_steps": "（演示）下月继续跟踪推进，加强协调调度。",
                },
                values=values,
            )
            created += 1
    return created
