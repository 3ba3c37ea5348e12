"""In-app notifications: the list with its unread count, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from foia.models import Role
from foia.notifications.models import Reminder, ReminderState
from foia.notifications.services import (
    notifications_mark_read,
    reminder_context,
    reminder_title,
)


def in_readers_language(notifications) -> None:
    """A reminder's notification is written in the language of whoever reads it, now: its title and
    text are rendered again from the reminder (the codes and dates it stores), as of the moment it
    was sent. The stored text stays for notifications that have no reminder behind them."""
    for notification in notifications:
        reminder = notification.reminder
        if reminder is None:
            continue
        ctx = reminder_context(reminder, now=notification.created_at)
        notification.title = reminder_title(ctx)
        notification.body = render_to_string("notifications/inapp.txt", ctx).strip()


@login_required
def notification_list(request):
    notifications = request.user.notifications.select_related(
        "reminder__deadline__request__authority"
    )
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    in_readers_language(page.object_list)
    editor_orgs = request.user.memberships.filter(role__in=[Role.OWNER, Role.EDITOR]).values(
        "organization_id"
    )
    failed = (
        Reminder.objects.filter(
            state__in=[ReminderState.FAILED, ReminderState.UNDELIVERED],
            deadline__request__organization_id__in=editor_orgs,
        )
        .select_related("deadline__request__authority")
        .order_by("-claimed_at")[:50]
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "unread_count": request.user.notifications.filter(read_at__isnull=True).count(),
            "failed": failed,
        },
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    notifications_mark_read(user=request.user, ids=[pk])
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
