"""`manage.py db_worker`: django_tasks_db's worker, looking for work without locking.

The library's worker opens an exclusive transaction at every poll (`--interval`, 1 s), even with
nothing queued: on SQLite that is the database's write lock once a second, and a poll that finds
it held longer than the busy timeout stops the worker with "database is locked". This one looks
with a plain read (which WAL never blocks) and takes the library's exclusive transaction only to
claim a task that is ready; a claim that finds the database locked waits for the next poll. On
PostgreSQL the claim is the library's too (SELECT … FOR UPDATE SKIP LOCKED).
"""

import logging
import os
import random
import time

from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger("django_tasks_db")


class Worker(db_worker.Worker):
    def ready_tasks(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        return tasks

    def claim(self):
        """The next ready task, claimed for this worker; None when there is none, or when the
        database is locked (the next poll tries again)."""
        tasks = self.ready_tasks()
        if not tasks.exists():  # a read: no lock taken, none waited for
            return None
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as exc:
            if "is locked" not in str(exc):
                raise
            logger.warning("Database locked while claiming a task; trying again in %s s", self.interval)
            return None

    def run(self):
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # several workers started together do not poll together
        while self.running:
            task_result = self.claim()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.", self._run_tasks, self.worker_id
                )
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = "Run the background worker (django_tasks_db's, polling without a lock)"

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, **options):  # fmt: skip
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # the reloader's child runs the worker
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
