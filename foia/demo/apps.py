from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and ``seed_demo``: the story a newcomer meets on ``make run``."""

    name = "foia.demo"
    label = "demo"
    verbose_name = _("Demo data")
