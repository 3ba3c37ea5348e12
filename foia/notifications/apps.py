from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "foia.notifications"
    label = "notifications"
    verbose_name = _("Reminders and notifications")
    default_auto_field = "django.db.models.BigAutoField"
