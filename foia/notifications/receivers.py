"""Keep reminder plans in step with the timeline and the organisation's lead times."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from foia.notifications.models import ReminderPolicy
from foia.notifications.services import plan_request, replan_organization
from foia.services.timeline import request_refreshed


@receiver(request_refreshed, dispatch_uid="plan-reminders")
def _plan_on_refresh(sender, request, **kwargs) -> None:
    plan_request(request)


@receiver(post_save, sender=ReminderPolicy, dispatch_uid="replan-on-policy")
def _replan_on_policy(sender, instance: ReminderPolicy, **kwargs) -> None:
    replan_organization(instance.organization_id)
