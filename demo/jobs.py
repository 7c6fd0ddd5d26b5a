"""`generate_scale_data` as a background job (django-tasks, database backend): the command with
`--background` queues it and returns; `manage.py db_worker` (started by `make run` and `make serve`)
builds the data in one transaction, so a killed worker leaves all or nothing."""

import logging

from django_tasks import task

from .scale import generate

logger = logging.getLogger(__name__)


@task()
def generate_scale_data(subdistricts, enterprises, seed):
    report = generate(subdistricts, enterprises, seed, stdout=logger.info)
    return {
        "districts": report.districts,
        "subdistricts": report.subdistricts,
        "counts": report.counts,
        "enterprises": report.enterprises,
    }
