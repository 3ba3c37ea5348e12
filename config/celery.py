"""The Celery app: broker and result backend from REDIS_URL (or the embedded filesystem broker),
JSON only; every setting, the beat schedule included, is under CELERY_ in config/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("foia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["foia.notifications"])
