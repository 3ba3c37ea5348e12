from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailOutConfig(AppConfig):
    name = "foia.mail.outbound"
    label = "mail_out"
    verbose_name = _("Outgoing e-mail")
    default_auto_field = "django.db.models.BigAutoField"
