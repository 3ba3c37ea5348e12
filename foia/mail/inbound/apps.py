from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailInConfig(AppConfig):
    name = "foia.mail.inbound"
    label = "mail_in"
    verbose_name = _("Incoming e-mail")
    default_auto_field = "django.db.models.BigAutoField"
