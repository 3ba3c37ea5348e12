from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoiaConfig(AppConfig):
    name = "foia"
    verbose_name = _("Freedom of information")
    default_auto_field = "django.db.models.BigAutoField"
