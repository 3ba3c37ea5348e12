"""Pre-aggregated facts for the public log and the dashboard.

- ``RequestFacts``: one row per sent request, the facts about it that do not change with the clock
  (dates, outcome, grounds, appeal, Commissioner, compliance). Rewritten inside the transaction that
  recomputes the request's timeline (``foia.services.fanout.timeline_stored``), so it is always
  in step with the timeline. Clock-dependent facts ("silent", "overdue now") are computed at query
  time from the stored dates.
- ``RequestSearch``: the folded, stemmed search document (see ``foia.text``), kept apart so the
  facts table stays narrow; on PostgreSQL a generated ``tsvector`` column with a GIN index.
- ``KindStats``, ``AuthorityStats``, ``KindMonthStats`` and ``KindDaysStats``: counters summed
  from the facts of publishable requests, adjusted by the same transaction (old contribution out,
  new one in), so the dashboard reads tens of thousands of small rows instead of every request.

None of these tables holds a requester's personal data or internal notes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foia.models import (
    AppealGround,
    Authority,
    AuthorityKind,
    Campaign,
    CommissionerOutcome,
    ComplianceResult,
    Organization,
    RefusalGround,
    Request,
    RequestStatus,
    Visibility,
)

# ``public_from`` of a request that is public without an embargo.
NO_DATE = dt.date(1, 1, 1)


class Outcome(models.TextChoices):
    """The authority's first substantive answer (an extension notice is not an answer)."""

    FULL = "full", _("Full access")
    PARTIAL = "partial", _("Partial access")
    REFUSED = "refused", _("Refused")
    NOT_HELD = "not_held", _("Not held")
    DISMISSED = "dismissed", _("Dismissed")
    ALREADY_PUBLISHED = "already_published", _("Already published")
    NONE = "none", _("No answer yet")


# One boolean column per refusal ground, so a request citing several grounds counts for each.
GROUND_FIELDS = {
    RefusalGround.ART_8: "ground_art8",
    RefusalGround.ART_9_1: "ground_art9_1",
    RefusalGround.ART_9_2: "ground_art9_2",
    RefusalGround.ART_9_3: "ground_art9_3",
    RefusalGround.ART_9_4: "ground_art9_4",
    RefusalGround.ART_9_5: "ground_art9_5",
    RefusalGround.ART_9_6: "ground_art9_6",
    RefusalGround.ART_9_7: "ground_art9_7",
    RefusalGround.ART_10: "ground_art10",
    RefusalGround.ART_14: "ground_art14",
    RefusalGround.OTHER: "ground_other",
}


class SearchDocument(models.Func):
    """The indexed form of a search row: ``to_tsvector('simple', document || ' ' || terms)`` on
    PostgreSQL; elsewhere the same words padded with spaces, for word-prefix LIKE lookups."""

    arg_joiner = " || ' ' || "
    template = "(' ' || %(expressions)s || ' ')"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="to_tsvector('simple'::regconfig, %(expressions)s)",
            **extra_context,
        )


class TsVectorField(SearchVectorField):
    """A ``tsvector`` on PostgreSQL, plain text elsewhere (the SQLite fallback search)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class RequestFacts(models.Model):
    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    authority_kind = models.CharField(max_length=30, choices=AuthorityKind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=30, choices=RequestStatus.choices)

    # Publication, copied from the request; ``public_from`` is NULL when it is private,
    # NO_DATE when it is public, the embargo date when embargoed. Published: public_from <= today.
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    embargo_until = models.DateField(null=True, blank=True)
    public_from = models.DateField(null=True, blank=True)

    sent_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField()

    # The answer: the operative answer deadline (after any extension), the first substantive
    # answer (answer, refusal or dismissal) and the days it took from receipt.
    answer_due_on = models.DateField(null=True, blank=True)
    first_answer_on = models.DateField(null=True, blank=True)
    answer_days = models.IntegerField(null=True, blank=True)
    answered_in_time = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.NONE)
    ground_art8 = models.BooleanField(default=False)
    ground_art9_1 = models.BooleanField(default=False)
    ground_art9_2 = models.BooleanField(default=False)
    ground_art9_3 = models.BooleanField(default=False)
    ground_art9_4 = models.BooleanField(default=False)
    ground_art9_5 = models.BooleanField(default=False)
    ground_art9_6 = models.BooleanField(default=False)
    ground_art9_7 = models.BooleanField(default=False)
    ground_art10 = models.BooleanField(default=False)
    ground_art14 = models.BooleanField(default=False)
    ground_other = models.BooleanField(default=False)

    # Appeal and the Commissioner (the first appeal and the first decision on it).
    appealed = models.BooleanField(default=False)
    appealed_on = models.DateField(null=True, blank=True)
    appeal_ground = models.CharField(max_length=20, choices=AppealGround.choices, blank=True)
    commissioner_due_on = models.DateField(null=True, blank=True)
    commissioner_outcome = models.CharField(
        max_length=20, choices=CommissionerOutcome.choices, blank=True
    )
    commissioner_decided_on = models.DateField(null=True, blank=True)
    commissioner_days = models.IntegerField(null=True, blank=True)
    commissioner_in_time = models.BooleanField(null=True, blank=True)
    ordered = models.BooleanField(default=False)
    compliance_result = models.CharField(
        max_length=10, choices=ComplianceResult.choices, blank=True
    )
    in_court = models.BooleanField(default=False)

    # The latest public response (answer, decision, …): drives the feeds and "latest responses".
    last_response_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request facts")
        verbose_name_plural = _("request facts")
        indexes = [
            # public_from rides along so a deep page is read from the index alone.
            models.Index(fields=["-sent_on", "-request", "public_from"], name="facts_sent"),
            models.Index(
                fields=["authority", "-sent_on", "-request", "public_from"],
                name="facts_authority_sent",
            ),
            models.Index(fields=["authority_kind", "-sent_on"], name="facts_kind_sent"),
            models.Index(fields=["status", "-sent_on"], name="facts_status_sent"),
            models.Index(fields=["outcome", "-sent_on"], name="facts_outcome_sent"),
            models.Index(fields=["-first_answer_on"], name="facts_answered"),
            models.Index(fields=["-last_response_on"], name="facts_last_response"),
            models.Index(fields=["public_from"], name="facts_public_from"),
            # Unanswered requests by due date: "silent now" and "overdue now".
            models.Index(
                fields=["answer_due_on"],
                name="facts_unanswered_due",
                condition=Q(first_answer_on__isnull=True),
            ),
            # Appeals the Commissioner has not decided, by due date.
            models.Index(
                fields=["commissioner_due_on"],
                name="facts_appeal_pending_due",
                condition=Q(appealed=True, commissioner_outcome=""),
            ),
        ]

    def __str__(self) -> str:
        return f"facts of request #{self.request_id}"

    @property
    def ground_codes(self) -> list[str]:
        return [code for code, name in GROUND_FIELDS.items() if getattr(self, name)]

    def get_ground_labels(self) -> list[str]:
        return [str(RefusalGround(code).label) for code in self.ground_codes]

    def days_early(self, today: dt.date) -> int | None:
        """Days before (+) or after (−) the answer deadline the answer came, or stands today."""
        if self.answer_due_on is None:
            return None
        return (self.answer_due_on - (self.first_answer_on or today)).days

    def is_silent(self, today: dt.date) -> bool:
        """See ``silent_q``: the same rule for one row."""
        return (
            self.first_answer_on is None
            and self.answer_due_on is not None
            and self.answer_due_on < today
        )


def silent_q(today: dt.date, prefix: str = "") -> Q:
    """The one definition of a silent request ("ćutanje uprave"): its answer deadline has passed
    and no answer, refusal or dismissal is on the record. (A withdrawal voids the answer
    deadline, so a withdrawn request has no ``answer_due_on`` and is never silent.) The dashboard,
    the public log's "overdue" filter, the campaign figures and the API use it."""
    p = prefix
    return Q(**{f"{p}first_answer_on__isnull": True, f"{p}answer_due_on__lt": today})


class RequestSearch(models.Model):
    """The search document of a sent request: subject, the information sought and the texts of its
    public responses, plus the authority's name (``authority_terms``, updated on a rename)."""

    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    document = models.TextField(blank=True)
    authority_terms = models.TextField(blank=True)
    vector = models.GeneratedField(
        expression=SearchDocument("document", "authority_terms"),
        output_field=TsVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of request #{self.request_id}"


class Counters(models.Model):
    """How many publishable requests in a group have each fact (see ``foia.stats.rollups``)."""

    requests = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    granted = models.IntegerField(default=0)
    outcome_full = models.IntegerField(default=0)
    outcome_partial = models.IntegerField(default=0)
    outcome_refused = models.IntegerField(default=0)
    outcome_not_held = models.IntegerField(default=0)
    outcome_dismissed = models.IntegerField(default=0)
    outcome_already_published = models.IntegerField(default=0)
    ground_art8 = models.IntegerField(default=0)
    ground_art9_1 = models.IntegerField(default=0)
    ground_art9_2 = models.IntegerField(default=0)
    ground_art9_3 = models.IntegerField(default=0)
    ground_art9_4 = models.IntegerField(default=0)
    ground_art9_5 = models.IntegerField(default=0)
    ground_art9_6 = models.IntegerField(default=0)
    ground_art9_7 = models.IntegerField(default=0)
    ground_art10 = models.IntegerField(default=0)
    ground_art14 = models.IntegerField(default=0)
    ground_other = models.IntegerField(default=0)
    appealed = models.IntegerField(default=0)
    silence_appeals = models.IntegerField(default=0)
    appeals_pending = models.IntegerField(default=0)
    commissioner_decided = models.IntegerField(default=0)
    commissioner_ordered = models.IntegerField(default=0)
    commissioner_rejected = models.IntegerField(default=0)
    commissioner_annulled = models.IntegerField(default=0)
    commissioner_suspended = models.IntegerField(default=0)
    commissioner_dismissed = models.IntegerField(default=0)
    commissioner_in_time = models.IntegerField(default=0)
    commissioner_late = models.IntegerField(default=0)
    orders = models.IntegerField(default=0)
    complied = models.IntegerField(default=0)
    partly_complied = models.IntegerField(default=0)
    not_complied = models.IntegerField(default=0)
    in_court = models.IntegerField(default=0)

    class Meta:
        abstract = True


class KindStats(Counters):
    """Every counter per kind of authority: the overall and per-kind figures.

    The key holds the clock-dependent facts coarsely, by year, so the table stays small and only
    the current year needs a live correction (``foia.stats.figures``): ``public_year`` is 0 for a
    public request, the embargo's year for an embargoed one; ``pending_year`` the year an
    unanswered request's answer falls due (0: not pending); ``appeal_due_year`` the year the
    Commissioner's decision falls due while the appeal is pending (0: none pending).
    """

    authority_kind = models.CharField(max_length=30, choices=AuthorityKind.choices)
    public_year = models.PositiveSmallIntegerField()
    pending_year = models.PositiveSmallIntegerField()
    appeal_due_year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("figures per kind of authority")
        verbose_name_plural = _("figures per kind of authority")
        constraints = [
            models.UniqueConstraint(
                fields=["authority_kind", "public_year", "pending_year", "appeal_due_year"],
                name="one_kind_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_kind}/{self.public_year}/{self.pending_year}"


class Timeliness(models.Model):
    """The few counters the ranking and the trend need (narrow rows: one per group)."""

    requests = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)

    class Meta:
        abstract = True


class AuthorityStats(Timeliness):
    """Timeliness per authority: the ranking. Keyed like ``KindStats``, without the appeals."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    authority_kind = models.CharField(max_length=30, choices=AuthorityKind.choices)
    public_year = models.PositiveSmallIntegerField()
    pending_year = models.PositiveSmallIntegerField()
    # First answers that gave access (in full or in part): shown beside the on-time share, so a
    # body that refuses on time is not read as a model of openness.
    granted = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("authority timeliness")
        verbose_name_plural = _("authority timeliness")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "public_year", "pending_year"], name="one_authority_group"
            )
        ]
        indexes = [models.Index(fields=["authority_kind"], name="authoritystats_kind")]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.public_year}/{self.pending_year}"


class KindMonthStats(Timeliness):
    """Timeliness per kind of authority and month sent: the monthly trend."""

    authority_kind = models.CharField(max_length=30, choices=AuthorityKind.choices)
    month = models.DateField()
    public_year = models.PositiveSmallIntegerField()
    pending_year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("timeliness per kind and month")
        verbose_name_plural = _("timeliness per kind and month")
        constraints = [
            models.UniqueConstraint(
                fields=["authority_kind", "month", "public_year", "pending_year"],
                name="one_kind_month_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_kind}/{self.month:%Y-%m}"


class DaysMetric(models.TextChoices):
    ANSWER = "answer", _("Days to the first answer")
    COMMISSIONER = "commissioner", _("Days to the Commissioner's decision")


class KindDaysStats(models.Model):
    """How many publishable requests took so many days: medians and percentiles per kind."""

    authority_kind = models.CharField(max_length=30, choices=AuthorityKind.choices)
    metric = models.CharField(max_length=12, choices=DaysMetric.choices)
    days = models.IntegerField()
    public_year = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("days histogram")
        verbose_name_plural = _("days histograms")
        constraints = [
            models.UniqueConstraint(
                fields=["authority_kind", "metric", "days", "public_year"],
                name="one_kind_days_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_kind}/{self.metric}/{self.days}"
