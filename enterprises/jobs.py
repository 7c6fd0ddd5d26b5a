"""Big enterprise imports, run by the background worker (`manage.py db_worker`, django-tasks with
its database backend, on SQLite and PostgreSQL alike) so that no web request waits for them.

`preview_import` reads and checks the stored file and records what would change; after the
user confirms on the job's page, `write_import` reads and checks it again and writes it in one
transaction (enterprises.import_plan.write): a worker killed half-way leaves all or nothing.
Both keep the job's counters current for the progress bar.
"""

import dataclasses
import logging

from django.db import transaction
from django_tasks import task

from . import services
from .importers import MAX_PROBLEMS, ImportRefused, run_import
from .models import ImportJob

logger = logging.getLogger(__name__)
COUNTERS = {"read": "rows_read", "validated": "rows_validated", "written": "rows_written"}


def _progress(job):
    def report(step, rows):
        if step == "writing":
            ImportJob.objects.filter(pk=job.pk).update(step=ImportJob.Step.WRITING)
            return
        if step == "total":
            ImportJob.objects.filter(pk=job.pk).update(rows_total=rows, rows_read=rows, step=ImportJob.Step.VALIDATING)
            return
        fields = {COUNTERS[step]: rows}
        if step == "read":
            fields["step"] = ImportJob.Step.READING
        elif step == "validated":
            fields["step"] = ImportJob.Step.VALIDATING
        ImportJob.objects.filter(pk=job.pk).update(**fields)

    return report


def _summary(summary):
    return {k: v for k, v in dataclasses.asdict(summary).items() if not k.startswith("_")}


def _run(job_id, dry_run):
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    data = services.read_job_file(job)
    if data is None:
        ImportJob.objects.filter(pk=job.pk).update(
            step=ImportJob.Step.FAILED, problems=["暂存的文件已不存在，请重新上传。"]
        )
        return
    try:
        summary = run_import(
            data, job.file_name, user=job.created_by, dry_run=dry_run, sheet=job.sheet or None, progress=_progress(job)
        )
    except ImportRefused as refused:
        problems = [str(p) for p in refused.problems[: MAX_PROBLEMS + 1]]
        step = ImportJob.Step.REFUSED
        ImportJob.objects.filter(pk=job.pk).update(step=step, problems=problems, problem_count=refused.total)
        services.discard_job_file(job)
        return
    except Exception:
        logger.exception("enterprise import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            step=ImportJob.Step.FAILED, problems=["导入时出错，未写入任何数据。"]
        )
        services.discard_job_file(job)
        raise
    fields = {"summary": _summary(summary), "rows_total": summary.rows}
    if dry_run:
        fields["step"] = ImportJob.Step.PREVIEWED
    else:
        fields.update(step=ImportJob.Step.DONE, rows_written=summary.rows)
        services.discard_job_file(job)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


@task()
def preview_import(job_id):
    _run(job_id, dry_run=True)


@task()
def write_import(job_id):
    _run(job_id, dry_run=False)


def start_preview(job):
    transaction.on_commit(lambda: preview_import.enqueue(job.pk))


def start_write(job):
    ImportJob.objects.filter(pk=job.pk).update(step=ImportJob.Step.QUEUED, rows_read=0, rows_validated=0)
    transaction.on_commit(lambda: write_import.enqueue(job.pk))
