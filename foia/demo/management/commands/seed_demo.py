"""`manage.py seed_demo`: a demo NGO with people, authorities, a campaign and requests in every state.

Idempotent: authorities are keyed by ``catalogue_id``, the organisation by slug, users by username
and requests by (organisation, ``our_reference``). A request that already exists is skipped whole:
its events are history and are never recorded twice. Every event goes through ``record_event``,
with dates counted back from today, so the deadlines are live. The data is in ``foia.demo.data``.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from foia.deadlines import is_working_day
from foia.demo import data
from foia.models import (
    Authority,
    Campaign,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    Membership,
    Organization,
    Request,
    RequestStatus,
    Topic,
)
from foia.services.calendar import extra_closed_days
from foia.services.transitions import record_event


class Command(BaseCommand):
    help = "Create (or complete) the demo data: authorities, an NGO, users and requests."

    def handle(self, *args, **options):
        started = time.monotonic()
        seeder = Seeder(today=timezone.localdate())
        with transaction.atomic():
            seeder.run()
        self.report(seeder, time.monotonic() - started)

    def report(self, seeder: Seeder, seconds: float) -> None:
        out, org, today = self.stdout, seeder.org, seeder.today
        requests = Request.objects.filter(organization=org)
        counts = dict(requests.values_list("status").annotate(n=Count("id")).order_by())
        out.write(
            self.style.SUCCESS(
                f"Demo data ready in {seconds:.1f}s: {len(seeder.authorities)} authorities, "
                f"{requests.count()} requests ({seeder.created} created, {seeder.skipped} already "
                f"there), {Event.objects.filter(request__organization=org).count()} events."
            )
        )
        out.write("\nRequests per status:")
        for status in RequestStatus:
            out.write(f"  {status.value:<22} {counts.get(status.value, 0):>3}")
        deadlines = Deadline.objects.filter(request__organization=org)
        silent = deadlines.filter(
            kind__in=[DeadlineKind.RESPONSE, DeadlineKind.EXTENDED_RESPONSE],
            state=DeadlineState.MISSED,
            met_on__isnull=True,
        ).count()
        upcoming = deadlines.filter(
            state=DeadlineState.OPEN, due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)
        ).count()
        out.write(f"\nSilence (answer deadline missed, no answer): {silent}")
        out.write(f"Open deadlines due in the next 7 days: {upcoming}")

        site = settings.SITE_URL.rstrip("/") + "/"  # `make run` sets it from its host and port
        out.write(f"\nOpen {site} and log in with (password for all: {data.PASSWORD}):")
        for user in data.USERS:
            out.write(
                f"  {user['username']:<12} {data.PASSWORD}  {user['role']} of "
                f"{data.ORGANIZATION['name']}"
            )
        out.write(
            f"  {data.SUPERUSER['username']:<12} {data.PASSWORD}  superuser (admin: {site}admin/)"
        )


class Seeder:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.closed = extra_closed_days()
        self.authorities: dict[str, Authority] = {}
        self.users: dict[str, object] = {}
        self.topics: dict[str, Topic] = {}
        self.created = self.skipped = 0

    def run(self) -> None:
        self.seed_authorities()
        self.seed_organization()
        self.seed_users()
        self.seed_topics()
        self.seed_campaign()
        existing = set(
            Request.objects.filter(organization=self.org).values_list("our_reference", flat=True)
        )
        for spec in data.REQUESTS:
            self.seed_request(spec, existing)
        for index, (cid, outcome, sent_ago, channel) in enumerate(data.CAMPAIGN_TARGETS):
            self.seed_request(self.campaign_spec(index, cid, outcome, sent_ago, channel), existing)
        # Requests sent by e-mail from the tracker: their messages and the proof of sending.
        from foia.demo.mail_out import seed_outgoing_mail

        self.mail_added = seed_outgoing_mail(self.org, self.editor)
        # Replies, a bounce and a message for the review queue, through the receiving path.
        from foia.demo.mail_in import seed_incoming_mail

        self.mail_received = seed_incoming_mail(self.org, self.editor)

    # --- reference data ----------------------------------------------------------------------

    def seed_authorities(self) -> None:
        for spec in data.AUTHORITIES:
            fields = dict(spec)
            cid = fields.pop("catalogue_id")
            parent = fields.pop("parent", None)
            fields["parent"] = self.authorities[parent] if parent else None
            fields["active"] = True
            self.authorities[cid], _created = Authority.objects.update_or_create(
                catalogue_id=cid, defaults=fields
            )

    def seed_organization(self) -> None:
        fields = dict(data.ORGANIZATION)
        self.org, _created = Organization.objects.update_or_create(
            slug=fields.pop("slug"), defaults=fields
        )

    def seed_users(self) -> None:
        User = get_user_model()
        for spec in [*data.USERS, {**data.SUPERUSER, "role": None}]:
            user, _created = User.objects.get_or_create(username=spec["username"])
            user.first_name, user.last_name = spec["first_name"], spec["last_name"]
            user.email = f"{spec['username']}@example.org"
            user.is_active = True
            user.is_staff = user.is_superuser = spec["role"] is None
            # Reset on every run, so the printed passwords are always the true ones.
            user.set_password(data.PASSWORD)
            user.save()
            if spec["role"]:
                Membership.objects.update_or_create(
                    organization=self.org, user=user, defaults={"role": spec["role"]}
                )
                self.users[spec["role"]] = user
        self.editor = self.users["editor"]

    def seed_topics(self) -> None:
        for slug, name in data.TOPICS:
            topic = (
                Topic.objects.filter(slug=slug).first()
                or Topic.objects.filter(name=name).first()
                or Topic(slug=slug)
            )
            topic.name = name
            topic.save()
            self.topics[slug] = topic

    def seed_campaign(self) -> None:
        fields = dict(data.CAMPAIGN)
        self.campaign, _created = Campaign.objects.update_or_create(
            organization=self.org,
            title=fields.pop("title"),
            defaults={**fields, "created_by": self.users["owner"]},
        )

    def campaign_spec(
        self, index: int, cid: str, outcome: str, sent_ago: int, channel: str
    ) -> dict:
        visibility, embargo = data.CAMPAIGN_VISIBILITY.get(cid, ("public", None))
        return {
            "ref": f"SHARE-KAM-{index + 1:02d}",
            "authority": cid,
            "campaign": True,
            "subject": data.CAMPAIGN_SUBJECT,
            "information_sought": data.CAMPAIGN_QUESTION,
            "topics": ["video-nadzor", "javne-nabavke", "zastita-podataka"],
            "visibility": visibility,
            "embargo": embargo,
            "assignee": ("editor", "owner", None)[index % 3],
            "requester": index % len(data.REQUESTERS),
            "internal_notes": data.CAMPAIGN_NOTES[outcome],
            "events": [
                data.ev("sent", sent_ago, channel=channel),
                *data.campaign_events(outcome, sent_ago, index),
            ],
        }

    # --- requests and their timelines --------------------------------------------------------

    def day(self, ago: int) -> dt.date:
        """``ago`` days before today, moved back to a working day (never into the future)."""
        on = self.today - dt.timedelta(days=ago)
        while not is_working_day(on, self.closed):
            on -= dt.timedelta(days=1)
        return on

    def seed_request(self, spec: dict, existing: set[str]) -> None:
        if spec["ref"] in existing:
            self.skipped += 1
            return
        embargo = spec.get("embargo")
        request = Request.objects.create(
            organization=self.org,
            created_by=self.users["owner"] if spec.get("campaign") else self.editor,
            assignee=self.users.get(spec["assignee"]) if spec["assignee"] else None,
            authority=self.authorities[spec["authority"]],
            campaign=self.campaign if spec.get("campaign") else None,
            subject=spec["subject"],
            information_sought=spec["information_sought"],
            want_notice=True,
            want_copy=True,
            urgent=spec.get("urgent", False),
            urgent_reason=spec.get("urgent_reason", ""),
            our_reference=spec["ref"],
            visibility=spec["visibility"],
            embargo_until=self.today + dt.timedelta(days=embargo) if embargo is not None else None,
            internal_notes=spec["internal_notes"],
            **data.REQUESTERS[spec["requester"]],
        )
        request.topics.set([self.topics[slug] for slug in spec["topics"]])
        for event in spec["events"]:
            self.record(request, event)
        existing.add(spec["ref"])
        self.created += 1

    def record(self, request: Request, spec: dict) -> Event:
        values = dict(spec)
        kind = values.pop("kind")
        on = self.day(values.pop("ago"))
        grounds = values.pop("grounds", ())
        if "received" in values:
            values["received_on"] = self.day(values.pop("received"))
        if "decided" in values:
            values["decision_date"] = self.day(values.pop("decided"))
        if "forwarded_to" in values:
            values["forwarded_to"] = self.authorities[values["forwarded_to"]]
        if "new_due_after_receipt" in values:
            request.refresh_from_db(fields=["received_on"])
            values["new_due_on"] = request.received_on + dt.timedelta(
                days=values.pop("new_due_after_receipt")
            )
        year = (values.get("decision_date") or on).year
        for name in ("decision_number", "case_number"):
            if name in values:
                values[name] = values[name].format(year=year)
        try:
            return record_event(
                request=request,
                kind=kind,
                occurred_on=on,
                recorded_by=self.editor,
                grounds=grounds,
                **values,
            )
        except ValidationError as exc:
            raise CommandError(
                f"{request.our_reference}: the engine refused {kind} on {on}: {exc.messages}"
            ) from exc
