"""Thin Celery tasks of the workspace: ids in, one service call. The database row is the promise
(``InvitationEmail``): a lost task or a dead worker is made good by the sweep."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from foia.services import organizations


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def send_invitation_task(invitation_email_id: int) -> str:
    outcome = organizations.invitation_deliver(invitation_email_id)
    if outcome == "retrying":
        from foia.workspace.models import InvitationEmail

        retry_at = (
            InvitationEmail.objects.filter(pk=invitation_email_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if retry_at:  # sooner than the next sweep; the sweep remains the safety net
            send_invitation_task.apply_async((invitation_email_id,), eta=retry_at)
    return outcome


@shared_task(acks_late=True, ignore_result=True)
def sweep_invitations_task() -> int:
    return len(organizations.invitation_sweep())
