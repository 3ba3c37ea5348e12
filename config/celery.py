"""The Celery app: broker and result backend from REDIS_URL (or the embedded filesystem broker),
JSON only, settings under the CELERY_ prefix in config/settings.py."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("foia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {
        "mark-lapsed-deadlines": {
            "task": "foia.tasks.mark_lapsed_deadlines_task",
            "schedule": crontab(minute=5, hour=0),
        },
        **getattr(settings, "EXTRA_BEAT_SCHEDULE", {}),
    }
