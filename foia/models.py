"""The FOI domain: authorities, organisations, requests, their timeline and their deadlines.

State changes go through `foia.services.transitions`; the Deadline rows and `Request.status` are
derived there from the timeline and never typed in.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foia import appeal_routes, text


class WebsiteField(models.URLField):
    """A URL field whose forms read "example.org" as https://example.org (Django 6's default)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class AuthorityKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    GOVERNMENT = "government", _("Government")
    NATIONAL_ASSEMBLY = "national_assembly", _("National Assembly")
    PRESIDENT = "president", _("President")
    COURT = "court", _("Court")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    NATIONAL_BANK = "national_bank", _("National bank")
    INDEPENDENT_BODY = "independent_body", _("Independent body")
    PROVINCE = "province", _("Autonomous province")
    CITY = "city", _("City")
    MUNICIPALITY = "municipality", _("Municipality")
    PUBLIC_ENTERPRISE = "public_enterprise", _("Public enterprise")
    INSTITUTION = "institution", _("Public institution")
    STATE_COMPANY = "state_company", _("State-owned company")
    OTHER = "other", _("Other")


class AppealRoute(models.TextChoices):
    COMMISSIONER = appeal_routes.COMMISSIONER, _("Appeal to the Commissioner")
    ADMINISTRATIVE_COURT = (
        appeal_routes.ADMINISTRATIVE_COURT,
        _("Lawsuit at the Administrative Court (no appeal lies)"),
    )


class AuthorityQuerySet(models.QuerySet):
    # The derived search key is set on every write path, bulk ones included (they skip save()).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_key()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if {"name", "short_name", "place"} & set(fields):
            for obj in objs:
                obj.refresh_search_key()
            fields = [*fields, "search_key"] if "search_key" not in fields else fields
        return super().bulk_update(objs, fields, *args, **kwargs)

    def matching(self, query: str) -> AuthorityQuerySet:
        """Authorities whose name, short name, place or initials start a word with every word
        typed, in any script, with or without diacritics; names starting with the first word
        first. An empty query matches nothing."""
        words = text.name_query(query)
        if not words:
            return self.none()
        every_word = Q()
        for word in words:
            every_word &= Q(search_key__contains=f" {word}")
        # A catalogue id typed whole also finds its body.
        qs = self.filter(every_word | Q(catalogue_id__iexact=query.strip()[:50]))
        return qs.annotate(
            name_rank=models.Case(
                models.When(search_key__startswith=f" {words[0]}", then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        ).order_by("name_rank", "name", "pk")


class Authority(models.Model):
    """A public authority (organ javne vlasti, ZSPIJZ Art. 3)."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AuthorityKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent body"),
    )
    address = models.CharField(_("seat and address"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    catalogue_id = models.CharField(
        _("catalogue id"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifier in the Commissioner's catalogue of authorities."),
    )
    active = models.BooleanField(_("active"), default=True)
    appeal_route_override = models.CharField(
        _("appeal route (override)"),
        max_length=30,
        choices=AppealRoute.choices,
        blank=True,
        help_text=_("Leave empty: the route is derived from the name (ZSPIJZ Art. 22(2))."),
    )
    # Derived from the names and place (``foia.text.name_key``): what every name search reads.
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name", "place"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def refresh_search_key(self) -> str:
        """Set ``search_key`` from the names; bulk writers call this before bulk_create/update."""
        self.search_key = text.name_key(self.name, self.short_name, self.place)
        return self.search_key

    @property
    def appeal_route(self) -> str:
        """Derived remedy; the override corrects a name the matcher does not know."""
        return self.appeal_route_override or appeal_routes.appeal_route(self.name)

    @property
    def no_appeal(self) -> bool:
        return self.appeal_route == AppealRoute.ADMINISTRATIVE_COURT

    def get_appeal_route_display(self) -> str:
        return str(AppealRoute(self.appeal_route).label)


class NonWorkingDay(models.Model):
    """An extra non-working day declared by the Government, on top of `holidays.RS`."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("extra non-working day")
        verbose_name_plural = _("extra non-working days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class Organization(models.Model):
    """An NGO (or newsroom) that files requests."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = WebsiteField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignBuild(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("creating the requests")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class Campaign(models.Model):
    """One question to many bodies (e.g. the 42 local governments asked about cameras)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Creating the drafts of a large campaign runs on the worker (foia.services.campaigns): its
    # state and progress are shown on the page; the plan (authority ids, shared letter) is kept
    # until every draft exists, so a re-run creates only what is missing.
    build_state = models.CharField(
        _("creation"), max_length=10, choices=CampaignBuild.choices, default=CampaignBuild.DONE
    )
    build_total = models.PositiveIntegerField(_("requests to create"), default=0)
    build_done = models.PositiveIntegerField(_("requests created"), default=0)
    build_error = models.TextField(_("creation error"), blank=True)
    build_plan = models.JSONField(default=dict, blank=True, editable=False)
    # The form's one-time key: a second submit of the same form finds this campaign.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    """How a document was sent (also decides when it counts as delivered, ZUP Arts. 71, 75)."""

    EMAIL = "email", _("E-mail")
    ORDINARY_POST = "ordinary_post", _("Ordinary post")
    REGISTERED_POST = "registered_post", _("Registered post")
    ELECTRONIC = "electronic", _("E-government portal")
    FAX = "fax", _("Fax")
    HAND = "hand", _("By hand, at the registry")


class CopyDelivery(models.TextChoices):
    """Delivery of a copy, as on the official request form."""

    POST = "post", _("By post")
    EMAIL = "email", _("By e-mail")
    FAX = "fax", _("By fax")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    """Where a request stands, derived from its timeline (foia.services.transitions)."""

    DRAFT = "draft", _("Draft")
    AWAITING_ANSWER = "awaiting_answer", _("Awaiting answer")
    AWAITING_CORRECTION = "awaiting_correction", _("Incomplete: correction asked")
    EXTENDED = "extended", _("Deadline extended")
    FEE_DEMANDED = "fee_demanded", _("Fee demanded")
    ANSWERED = "answered", _("Answered")
    PARTIALLY_ANSWERED = "partially_answered", _("Partially answered")
    NOT_HELD = "not_held", _("Not held")
    REFUSED = "refused", _("Refused")
    DISMISSED = "dismissed", _("Dismissed")
    APPEALED = "appealed", _("Appeal pending")
    ORDERED = "ordered", _("Commissioner ordered access")
    APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")
    APPEAL_DISMISSED = "appeal_dismissed", _("Appeal dismissed")
    APPEAL_SUSPENDED = "appeal_suspended", _("Appeal proceedings suspended")
    COMPLIED = "complied", _("Complied with the order")
    PARTLY_COMPLIED = "partly_complied", _("Partly complied with the order")
    NOT_COMPLIED = "not_complied", _("Did not comply with the order")
    IN_COURT = "in_court", _("In court")
    COURT_DECIDED = "court_decided", _("Court decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    PUBLIC = "public", _("Public")
    EMBARGOED = "embargoed", _("Public after an embargo date")


# --- field lists of a request: each list is defined here once and every surface reads it ---------

# What the official request form says: fixed once the letter has gone out.
LETTER_FIELDS = (
    "authority",
    "subject",
    "information_sought",
    "want_notice",
    "want_inspection",
    "want_copy",
    "copy_delivery",
    "copy_delivery_other",
    "urgent",
    "urgent_reason",
    "requester_name",
    "requester_address",
    "requester_phone",
    "requester_email",
)
OTHER_FIELDS = ("our_reference", "their_reference", "internal_notes", "campaign", "assignee")
EDITABLE_FIELDS = (*LETTER_FIELDS, *OTHER_FIELDS)
# Personal data of the requester and the organisation's own notes: never on a public page, feed,
# export or the API without a member's access; public selectors defer them so no template can
# show them by mistake.
PRIVATE_FIELDS = (
    "requester_name",
    "requester_address",
    "requester_phone",
    "requester_email",
    "internal_notes",
)
# Written only by the timeline replay (``foia.services.timeline.store``), never by a form.
DERIVED_FIELDS = (
    "status",
    "sent_on",
    "sent_via",
    "received_on",
    "received_at",
    "received_presumed",
)


class RequestQuerySet(models.QuerySet):
    def published(self, today: dt.date | None = None) -> RequestQuerySet:
        """Requests the public may see today: public, or embargoed with the embargo passed."""
        today = today or timezone.localdate()
        return self.filter(
            Q(visibility=Visibility.PUBLIC)
            | Q(visibility=Visibility.EMBARGOED, embargo_until__lte=today)
        ).exclude(status=RequestStatus.DRAFT)


class Request(models.Model):
    """A request for information to one authority, and everything that followed it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="requests", verbose_name=_("authority")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("campaign"),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="requests")

    subject = models.CharField(_("subject"), max_length=300)
    information_sought = models.TextField(_("information sought"))
    # The rights asked for, as the official form's checkboxes (ZSPIJZ Art. 15(1)).
    want_notice = models.BooleanField(_("notice whether the information is held"), default=False)
    want_inspection = models.BooleanField(_("inspection of the document"), default=False)
    want_copy = models.BooleanField(_("a copy of the document"), default=True)
    copy_delivery = models.CharField(
        _("delivery of the copy"),
        max_length=10,
        choices=CopyDelivery.choices,
        default=CopyDelivery.EMAIL,
    )
    copy_delivery_other = models.CharField(_("other delivery"), max_length=200, blank=True)
    urgent = models.BooleanField(
        _("urgent (48 hours)"),
        default=False,
        help_text=_("Life or freedom of a person, public health or the environment (Art. 16(2))."),
    )
    urgent_reason = models.TextField(_("reason for urgency"), blank=True)
    our_reference = models.CharField(_("our reference"), max_length=100, blank=True)
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)

    # Derived from the timeline by foia.services.transitions — not edited directly.
    sent_on = models.DateField(_("sent on"), null=True, blank=True, editable=False)
    sent_via = models.CharField(
        _("sent via"), max_length=20, choices=Channel.choices, blank=True, editable=False
    )
    received_on = models.DateField(
        _("received by the authority on"), null=True, blank=True, editable=False
    )
    received_at = models.DateTimeField(
        _("received by the authority at"), null=True, blank=True, editable=False
    )
    received_presumed = models.BooleanField(
        _("receipt date presumed"), default=False, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        editable=False,
        db_index=True,
    )

    # Private: never on a public page, feed, export or API.
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    requester_address = models.CharField(_("requester's address"), max_length=300, blank=True)
    requester_phone = models.CharField(_("requester's phone"), max_length=50, blank=True)
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)

    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        db_index=True,
    )
    embargo_until = models.DateField(_("embargo until"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["authority", "status"]),
            models.Index(fields=["sent_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility=Visibility.EMBARGOED) | Q(embargo_until__isnull=False),
                name="embargo_needs_a_date",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject} — {self.authority}"

    @property
    def reply_address(self) -> str:
        """Where the authority's answers come back (foia.mail.addresses)."""
        from foia.mail.addresses import reply_address

        return reply_address(self)

    @property
    def appeal_reply_address(self) -> str:
        from foia.mail.addresses import appeal_reply_address

        return appeal_reply_address(self)

    def is_published(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status == RequestStatus.DRAFT:
            return False
        if self.visibility == Visibility.PUBLIC:
            return True
        return bool(
            self.visibility == Visibility.EMBARGOED
            and self.embargo_until
            and self.embargo_until <= today
        )


class EventKind(models.TextChoices):
    SENT = "sent", _("Request sent")
    DELIVERED = "delivered", _("Received by the authority")
    INCOMPLETE_NOTICE = "incomplete_notice", _("Incomplete-request notice")
    CORRECTED = "corrected", _("Corrected request sent")
    LARGE_VOLUME_NOTICE = "large_volume_notice", _("Large-volume notice")
    EXTENSION = "extension", _("Extension notice")
    ANSWER = "answer", _("Answer")
    REFUSAL = "refusal", _("Refusal (decision)")
    DISMISSAL = "dismissal", _("Dismissal (decision)")
    FEE_DEMANDED = "fee_demanded", _("Fee demanded")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    URGENCY = "urgency", _("Urgency sent to the Commissioner")
    COMMISSIONER_DECISION = "commissioner_decision", _("Commissioner's decision")
    COMPLIANCE = "compliance", _("Compliance with the order")
    ENFORCEMENT = "enforcement", _("Enforcement")
    LAWSUIT_FILED = "lawsuit_filed", _("Lawsuit filed")
    COURT_DECISION = "court_decision", _("Court decision")
    WITHDRAWN = "withdrawn", _("Request withdrawn")


# Events that come from the authority as a document and so have "sent by" / "received by us" dates.
AUTHORITY_DOCUMENT_KINDS = frozenset(
    {
        EventKind.INCOMPLETE_NOTICE,
        EventKind.LARGE_VOLUME_NOTICE,
        EventKind.EXTENSION,
        EventKind.ANSWER,
        EventKind.REFUSAL,
        EventKind.DISMISSAL,
        EventKind.FEE_DEMANDED,
    }
)


class AnswerKind(models.TextChoices):
    FULL = "full", _("Full")
    PARTIAL = "partial", _("Partial")
    NOT_HELD = "not_held", _("Not held (forwarded to the Commissioner or the holder)")
    ALREADY_PUBLISHED = "already_published", _("Already published (says where)")


class RefusalGround(models.TextChoices):
    ART_8 = "art8", _("Art. 8 — necessity test (restriction of the right)")
    ART_9_1 = "art9_1", _("Art. 9 item 1 — life, health, safety of a person")
    ART_9_2 = "art9_2", _("Art. 9 item 2 — ongoing proceedings")
    ART_9_3 = "art9_3", _("Art. 9 item 3 — defence, national or public security, foreign relations")
    ART_9_4 = "art9_4", _("Art. 9 item 4 — the state's economic interests")
    ART_9_5 = "art9_5", _("Art. 9 item 5 — classified data, business or professional secret")
    ART_9_6 = "art9_6", _("Art. 9 item 6 — intellectual property, cultural heritage")
    ART_9_7 = "art9_7", _("Art. 9 item 7 — environment, protected species")
    ART_10 = "art10", _("Art. 10 — already published")
    ART_14 = "art14", _("Art. 14 — privacy")
    OTHER = "other", _("Other ground")


class AppealGround(models.TextChoices):
    SILENCE = "silence", _("Silence (no answer in time)")
    REFUSAL = "refusal", _("Refusal")
    DISMISSAL = "dismissal", _("Dismissal")
    PARTIAL = "partial", _("Partial answer")
    FEE = "fee", _("Fee above the cost")
    INSPECTION = "inspection", _("Inspection refused")
    LANGUAGE = "language", _("Wrong language")
    OTHER = "other", _("Other obstruction")


class CommissionerOutcome(models.TextChoices):
    ORDERED = "ordered", _("Ordered to grant access")
    REJECTED = "rejected", _("Appeal rejected as unfounded")
    ANNULLED = "annulled", _("Decision annulled and returned")
    SUSPENDED = "suspended", _("Proceedings suspended")
    DISMISSED = "dismissed", _("Appeal dismissed")


class AppealDismissalReason(models.TextChoices):
    PREMATURE = "premature", _("Premature")
    LATE = "late", _("Late")
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    UNAUTHORISED = "unauthorised", _("Filed by an unauthorised person")
    NO_JURISDICTION = "no_jurisdiction", _("No jurisdiction")
    # An incomplete appeal not put right in the time given: the decision may be appealed again.
    INCOMPLETE = "incomplete", _("Incomplete, not put right")


class ComplianceResult(models.TextChoices):
    COMPLIED = "complied", _("Complied")
    PARTLY = "partly", _("Partly complied")
    NOT = "not", _("Not complied")


class CourtOutcome(models.TextChoices):
    UPHELD = "upheld", _("Lawsuit upheld")
    REJECTED = "rejected", _("Lawsuit rejected")
    DISMISSED = "dismissed", _("Lawsuit dismissed")
    SUSPENDED = "suspended", _("Proceedings suspended")


class EventQuerySet(models.QuerySet):
    def live(self) -> EventQuerySet:
        """The events that count: not retracted (a retracted event stays only as history)."""
        return self.filter(retracted_at__isnull=True)


class Event(models.Model):
    """One step in a request's life. Written only by foia.services.transitions (record_event,
    correct_event, retract_event); never deleted — a mistake is corrected or retracted, and the
    original stays in the event's revisions.

    Dates: ``occurred_on`` is when the step happened — for a document, the day it left its sender
    (an answer counts as given on the day it leaves the authority, ZSPIJZ Art. 16). ``received_on`` is
    when its addressee got it: the requester for an authority's documents and decisions (this starts
    the appeal and lawsuit clocks), the Commissioner for an appeal.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices, db_index=True)
    occurred_on = models.DateField(_("date"))
    occurred_at = models.DateTimeField(_("exact time"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    presumed = models.BooleanField(_("date presumed"), default=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    text = models.TextField(_("text"), blank=True)

    answer_kind = models.CharField(
        _("answer"), max_length=20, choices=AnswerKind.choices, blank=True
    )
    published_where = models.CharField(_("published where"), max_length=500, blank=True)
    forwarded_to = models.ForeignKey(
        Authority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to"),
    )
    new_due_on = models.DateField(_("new answer date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    period_days = models.PositiveSmallIntegerField(_("period (days)"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (RSD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    appeal_ground = models.CharField(
        _("appeal ground"), max_length=20, choices=AppealGround.choices, blank=True
    )
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    commissioner_outcome = models.CharField(
        _("Commissioner's outcome"),
        max_length=20,
        choices=CommissionerOutcome.choices,
        blank=True,
        db_index=True,
    )
    dismissal_reason = models.CharField(
        _("dismissal reason"), max_length=20, choices=AppealDismissalReason.choices, blank=True
    )
    compliance_result = models.CharField(
        _("compliance"), max_length=10, choices=ComplianceResult.choices, blank=True
    )
    court_outcome = models.CharField(
        _("court outcome"), max_length=20, choices=CourtOutcome.choices, blank=True
    )
    related_event = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerns"),
    )
    # Lawful-but-questionable facts found when recording: [{"code": …, "params": {…}}].
    flags = models.JSONField(_("warnings"), default=list, blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Set by retract_event: the event no longer counts (replay, deadlines, statistics, the public
    # record) and is shown to members only as struck-through history.
    retracted_at = models.DateTimeField(_("retracted at"), null=True, blank=True, editable=False)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("retracted by"),
    )
    retraction_reason = models.TextField(_("reason for the retraction"), blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["request", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"

    @property
    def ground_codes(self) -> list[str]:
        return [g.ground for g in self.grounds.all()]

    @property
    def flag_messages(self) -> list[str]:
        from foia.services.flags import flag_message

        return [flag_message(flag) for flag in self.flags]


class EventRevisionAction(models.TextChoices):
    CORRECTED = "corrected", _("Corrected")
    RETRACTED = "retracted", _("Retracted")


class EventRevision(models.Model):
    """One correction or retraction of a recorded event: what it said before, who changed it,
    when and why. Kept with the event (not only in the organisation's audit trail) so the
    record's own history survives in every surface that shows it, the admin included."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(_("action"), max_length=10, choices=EventRevisionAction.choices)
    # [{"field": name, "old": value, "new": value}], values as text (dates ISO).
    changes = models.JSONField(_("changes"), default=list, blank=True)
    reason = models.TextField(_("why"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("event revision")
        verbose_name_plural = _("event revisions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class EventGround(models.Model):
    """One legal ground cited by a refusal; a refusal may cite several."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="grounds")
    ground = models.CharField(_("ground"), max_length=10, choices=RefusalGround.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("refusal ground")
        verbose_name_plural = _("refusal grounds")
        constraints = [
            models.UniqueConstraint(fields=["event", "ground"], name="one_row_per_ground")
        ]

    def __str__(self) -> str:
        return self.get_ground_display()


def attachment_path(instance: Attachment, filename: str) -> str:
    # The extension comes from the type the content was checked to be, never from the name.
    from foia.services.uploads import stored_name

    name = stored_name(filename, instance.content_type)
    return f"attachments/{instance.request_id}/{timezone.now():%Y%m%d%H%M%S}-{name}"


class Attachment(models.Model):
    """A document: proof of sending, an answer, a decision. Stored outside the web root."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    is_public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class DeadlineKind(models.TextChoices):
    RESPONSE = "response", _("Authority's answer")
    URGENT_RESPONSE = "urgent_response", _("Authority's answer (48 hours)")
    EXTENDED_RESPONSE = "extended_response", _("Authority's answer after extension")
    CORRECTION = "correction", _("Our correction of the request")
    APPEAL = "appeal", _("Our appeal against the decision")
    SILENCE_APPEAL = "silence_appeal", _("Our appeal for silence")
    COMMISSIONER_DECISION = "commissioner_decision", _("Commissioner's decision")
    URGENCY_ANSWER = "urgency_answer", _("Commissioner's answer to the urgency")
    COMPLIANCE = "compliance", _("Authority's compliance with the order")
    LAWSUIT = "lawsuit", _("Our lawsuit at the Administrative Court")


class Party(models.TextChoices):
    """Who must act before the deadline."""

    AUTHORITY = "authority", _("The authority")
    REQUESTER = "requester", _("Us (the requester)")
    COMMISSIONER = "commissioner", _("The Commissioner")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    VOID = "void", _("Void")


# --- the one definition of "overdue" ------------------------------------------------------------
# A deadline is *unresolved* while it is open, or lapsed with nothing on the record about it (not
# met late, no outcome recorded such as non-compliance). It is *overdue* when it is unresolved and
# its last day has passed. The board, reminders, the calendar, next steps and the API read these;
# request-level silence for the statistics is ``foia.stats.models.silent_q`` (built on the facts).


def unresolved_q(prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}state": "open"}) | Q(
        **{f"{p}state": "missed", f"{p}met_on__isnull": True, f"{p}met_by_event__isnull": True}
    )


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    return unresolved_q(prefix) & Q(**{f"{prefix}due_on__lt": today})


class DeadlineQuerySet(models.QuerySet):
    def unresolved(self) -> DeadlineQuerySet:
        return self.filter(unresolved_q())

    def overdue(self, today: dt.date | None = None) -> DeadlineQuerySet:
        """Unresolved deadlines whose last day has passed (see ``overdue_q``)."""
        return self.filter(overdue_q(today or timezone.localdate()))


class Deadline(models.Model):
    """A legal deadline of one request, recomputed from the timeline on every recorded event.

    Reminders, boards and the dashboard read these rows through the (state, due_on) index instead of
    recomputing the law. ``source_key`` tells apart two deadlines of the same kind (two appeals).
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=30, choices=DeadlineKind.choices)
    source_key = models.CharField(max_length=40, default="")
    source_event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    party = models.CharField(_("who must act"), max_length=20, choices=Party.choices)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    presumed = models.BooleanField(_("counted from a presumed date"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)
    met_by_event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "source_key"], name="one_deadline_per_source"
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="deadline_state_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d} ({self.get_state_display()})"

    @property
    def legal_basis_display(self) -> str:
        """The legal basis in the reader's language (stored as the English original)."""
        return gettext(self.legal_basis)

    @property
    def note_display(self) -> str:
        return gettext(self.note) if self.note else ""

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    @property
    def is_unresolved(self) -> bool:
        """Open, or lapsed with nothing on the record about it (see ``unresolved_q``)."""
        return self.state == DeadlineState.OPEN or (
            self.state == DeadlineState.MISSED
            and self.met_on is None
            and self.met_by_event_id is None
        )

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Unresolved and past its last day (see ``overdue_q``)."""
        return self.is_unresolved and self.due_on < (today or timezone.localdate())

    def has_lapsed(self, today: dt.date | None = None) -> bool:
        """Its last day passed unmet, whether or not anything was recorded since."""
        today = today or timezone.localdate()
        return self.state == DeadlineState.MISSED or (
            self.state == DeadlineState.OPEN and self.due_on < today
        )
