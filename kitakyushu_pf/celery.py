import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitakyushu_pf.settings")

app = Celery("kitakyushu_pf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_stale_db_connections(**kwargs: object) -> None:
    # A restarted PostgreSQL must not poison a long-lived worker. An eager task runs inside the
    # caller's transaction (web request or test), whose connection must be left alone.
    task = kwargs.get("task")
    if task is not None and getattr(getattr(task, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
