"""The models of `tasks`: the plan's tasks (`plan`), the progress reports (`reports`) and the
units' contributions (`contributions`)."""

from ..attachments import evidence_path, evidence_storage  # migrations name these here
from .contributions import ContributionAttachment, TaskContribution, TaskContributionQuerySet
from .plan import TASK_REFUSED, KeyTask, KeyTaskQuerySet, TaskGroup, TaskLead, TaskResponsible, TaskTarget, Unit
from .reports import EvidenceQuerySet, ReportAttachment, TaskReport, TaskReportQuerySet, TaskTargetValue

__all__ = [
    "ContributionAttachment",
    "EvidenceQuerySet",
    "KeyTask",
    "KeyTaskQuerySet",
    "ReportAttachment",
    "TASK_REFUSED",
    "TaskContribution",
    "TaskContributionQuerySet",
    "TaskGroup",
    "TaskLead",
    "TaskReport",
    "TaskReportQuerySet",
    "TaskResponsible",
    "TaskTarget",
    "TaskTargetValue",
    "Unit",
    "evidence_path",
    "evidence_storage",
]
