"""`manage.py send_reminders [--now ISO-DATETIME] [--dry-run]`: the beat sweep, run synchronously.

For cron deployments without beat, and for checking what would go out. Running it twice sends
nothing twice: every reminder is claimed before it is sent.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from foia.notifications.batch import deliver_batch, partition
from foia.notifications.models import Reminder
from foia.notifications.services import deliver, due_reminders, sweep


class Command(BaseCommand):
    help = "Send the reminders that are due (the same sweep beat runs), and print what was sent."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this moment (ISO 8601, local time)")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        moment = timezone.now()
        if now:
            moment = parse_datetime(now) or _parse_date(now)
            if moment is None:
                raise CommandError(f"--now: {now!r} is not an ISO date or datetime")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        if dry_run:
            rows = due_reminders(moment).select_related("deadline__request__authority")
            for r in rows.order_by("send_at"):
                self.stdout.write(f"would send: {_describe(r)}")
            self.stdout.write(f"{rows.count()} due, nothing sent (dry run)")
            return
        result = sweep(now=moment, dispatch=False)
        counts: dict[str, int] = {}
        for group in partition(result.to_send):
            # An organisation's reminders together: one message per person, as beat sends them.
            if len(group) == 1:
                outcomes = {deliver(group[0], now=moment): 1}
            else:
                outcomes = deliver_batch(group, now=moment)
            for outcome, n in outcomes.items():
                counts[outcome] = counts.get(outcome, 0) + n
            rows = Reminder.objects.select_related("deadline__request__authority")
            for reminder in rows.filter(pk__in=group[:50]):
                self.stdout.write(f"{reminder.state}: {_describe(reminder)}")
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing due"
        self.stdout.write(
            f"{summary}; {len(result.superseded)} superseded; {len(result.late)} late"
        )


def _parse_date(value: str):
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(12))
    except ValueError:
        return None


def _describe(r: Reminder) -> str:
    d = r.deadline
    when = "missed" if r.lead_days < 0 else f"{r.lead_days} d before"
    late = " [late]" if r.late else ""
    return (
        f"#{r.pk} {d.get_kind_display()} due {d.due_on:%Y-%m-%d} ({when}){late} — "
        f"{d.request.subject} — {d.request.authority.name}"
    )
