"""Reads of the NGO workspace: the board, a request's page, campaigns, the calendar and search.

Every function takes the user (or an object already checked against the user by
``foia.workspace.access``) and returns what a page shows, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import DateField, DateTimeField, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from foia.mail.inbound.selectors import unclassified_replies
from foia.models import (
    Attachment,
    Authority,
    Campaign,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    EventRevisionAction,
    Request,
    RequestStatus,
)
from foia.services.flags import current_flags, flag_message
from foia.services.next_steps import NextStep, next_step
from foia.workspace import access
from foia.workspace.filters import BoardFilter, RequestListFilter
from foia.workspace.models import AuditAction, AuditEntry

DK, RS = DeadlineKind, RequestStatus
ANSWER_DEADLINES = (DK.RESPONSE, DK.URGENT_RESPONSE, DK.EXTENDED_RESPONSE)

# A deadline that passed unmet still matters while the request stands where that deadline left
# it: a silent authority while we have not appealed, an appeal we have not filed, … Once a later
# step moved the request on (an appeal for silence, say), the old deadline is history.
STILL_CURRENT_WHEN_MISSED: dict[str, tuple[str, ...]] = {
    DK.RESPONSE: (RS.AWAITING_ANSWER, RS.EXTENDED, RS.FEE_DEMANDED),
    DK.URGENT_RESPONSE: (RS.AWAITING_ANSWER, RS.EXTENDED, RS.FEE_DEMANDED),
    DK.EXTENDED_RESPONSE: (RS.AWAITING_ANSWER, RS.EXTENDED, RS.FEE_DEMANDED),
    DK.SILENCE_APPEAL: (RS.AWAITING_ANSWER, RS.EXTENDED),
    DK.CORRECTION: (RS.AWAITING_CORRECTION,),
    DK.APPEAL: (RS.REFUSED, RS.DISMISSED, RS.PARTIALLY_ANSWERED),
    DK.COMMISSIONER_DECISION: (RS.APPEALED,),
    DK.URGENCY_ANSWER: (RS.APPEALED,),
    DK.COMPLIANCE: (RS.ORDERED, RS.NOT_COMPLIED, RS.PARTLY_COMPLIED, RS.AWAITING_ANSWER),
    DK.LAWSUIT: (
        RS.APPEAL_REJECTED,
        RS.APPEAL_DISMISSED,
        RS.REFUSED,
        RS.DISMISSED,
        RS.PARTIALLY_ANSWERED,
    ),
}


def _current_missed() -> Q:
    """Lapsed deadlines (outcome recorded or not) that are still the request's business."""
    q = Q(pk__in=[])
    for kind, statuses in STILL_CURRENT_WHEN_MISSED.items():
        q |= Q(kind=kind, request__status__in=statuses)
    return Q(state=DeadlineState.MISSED, met_on__isnull=True) & q


def live_deadlines(requests: QuerySet[Request], *, today: dt.date) -> QuerySet[Deadline]:
    """Deadlines that need someone's attention: open ones (a silence appeal only once it may be
    filed) and unmet ones that are still the request's current business."""
    open_now = Q(state=DeadlineState.OPEN) & ~Q(kind=DK.SILENCE_APPEAL, opens_on__gt=today)
    return (
        Deadline.objects.filter(request__in=requests)
        .filter(open_now | _current_missed())
        .select_related("request__authority", "request__assignee", "request__campaign")
        .order_by("due_on", "id")
    )


def _days_left(deadline: Deadline, today: dt.date) -> int | None:
    """Days to the last day; none for a deadline already failed before its last day."""
    if deadline.state != DeadlineState.OPEN and deadline.due_on >= today:
        return None
    return deadline.days_left(today)


@dataclass
class BoardItem:
    request: Request
    deadline: Deadline | None = None
    days_left: int | None = None
    step: NextStep | None = None
    message: Any = None  # a received e-mail waiting for "What is this?"

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass
class Section:
    key: str
    title: Any
    help: Any
    items: list[BoardItem] = field(default_factory=list)
    page: Any = None  # the page of items shown (``SECTION_PAGE_SIZE`` at a time)
    previous_query: str = ""  # query strings of the neighbouring pages, other filters kept
    next_query: str = ""

    @property
    def open(self) -> bool:
        """The dated sections always show; a long stage folds to its count."""
        return (
            self.key in ("replies", "overdue", "today", "week")
            or len(self.items) <= SECTION_FOLD_AT
        )

    @property
    def shown(self) -> list[BoardItem]:
        return list(self.page.object_list) if self.page is not None else self.items

    @property
    def page_param(self) -> str:
        return f"{self.key}-page"


SECTIONS = [
    ("overdue", _("Overdue"), _("A deadline passed and nothing came of it.")),
    ("today", _("Due today"), _("Deadlines that end today.")),
    ("week", _("This week"), _("Deadlines in the next seven days.")),
    ("waiting", _("Waiting for the authority"), _("The answer is not due yet.")),
    ("correction", _("Correction asked"), _("The authority says the request is incomplete.")),
    (
        "appeal",
        _("Needs an appeal"),
        _("An appeal (or, where no appeal lies, a lawsuit) can be filed now."),
    ),
    ("commissioner", _("At the Commissioner"), _("An appeal is pending.")),
    ("compliance", _("Awaiting compliance"), _("The Commissioner ordered access.")),
    ("court", _("In court"), _("A lawsuit at the Administrative Court.")),
    ("drafts", _("Drafts"), _("Not sent yet.")),
]
# Each request is shown once, in its most urgent section (this order), not once per deadline.
URGENCY = [
    "overdue",
    "today",
    "week",
    "appeal",
    "correction",
    "compliance",
    "commissioner",
    "waiting",
    "court",
    "drafts",
]
DRAFTS_SHOWN = 50
SECTION_FOLD_AT = 10
SECTION_PAGE_SIZE = 25


def _stage(deadline: Deadline, today: dt.date) -> str | None:
    kind, is_open = deadline.kind, deadline.state == DeadlineState.OPEN
    if kind in ANSWER_DEADLINES:
        return "waiting" if is_open and deadline.due_on >= today else None
    if kind == DK.CORRECTION:
        return "correction"
    if kind in (DK.APPEAL, DK.LAWSUIT, DK.SILENCE_APPEAL):
        return "appeal" if is_open else None
    if kind in (DK.COMMISSIONER_DECISION, DK.URGENCY_ANSWER):
        return "commissioner"
    if kind == DK.COMPLIANCE:
        return "compliance"
    return None


def _when(deadline: Deadline, today: dt.date) -> str | None:
    if deadline.is_overdue(today):
        return "overdue"
    if not deadline.is_unresolved or deadline.due_on < today:
        # Its outcome is recorded (non-compliance): a stage with a next step, not a date.
        return None
    if deadline.state != DeadlineState.OPEN:
        # Failed before its last day (non-compliance recorded early): a stage, not a date.
        return None
    if deadline.due_on == today:
        return "today"
    if deadline.due_on <= today + dt.timedelta(days=7):
        return "week"
    return None


@dataclass
class Board:
    filter: BoardFilter
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sections)


def board(*, http_request, today: dt.date) -> Board:
    """ "My work": the live deadlines of the user's organizations, sorted into sections.

    One query for the deadlines (with their requests, authorities, assignees), one for the
    requests in court and one for the drafts — however many requests there are.
    """
    user = http_request.user
    filterset = BoardFilter(
        http_request.GET or None,
        queryset=access.visible_requests(user),
        request=http_request,
    )
    requests = filterset.qs
    sections = {key: Section(key, title, help_) for key, title, help_ in SECTIONS}
    rank = {key: i for i, key in enumerate(URGENCY)}
    # request id -> (urgency, due date, section, item): the most urgent place of each request.
    placed: dict[int, tuple[int, dt.date, str, BoardItem]] = {}
    for deadline in live_deadlines(requests, today=today):
        keys = [k for k in (_when(deadline, today), _stage(deadline, today)) if k]
        if not keys:
            continue
        key = min(keys, key=rank.__getitem__)
        best = placed.get(deadline.request_id)
        if best is not None and (best[0], best[1]) <= (rank[key], deadline.due_on):
            continue
        item = BoardItem(
            request=deadline.request,
            deadline=deadline,
            days_left=_days_left(deadline, today),
            step=next_step(deadline, today=today),
        )
        placed[deadline.request_id] = (rank[key], deadline.due_on, key, item)
    for _rank, _due, key, item in sorted(placed.values(), key=lambda p: (p[1], p[3].request.pk)):
        sections[key].items.append(item)
    for request in requests.filter(status=RS.IN_COURT).select_related(
        "authority", "assignee", "campaign"
    ):
        if request.pk not in placed:
            sections["court"].items.append(BoardItem(request=request))
    for request in requests.filter(status=RS.DRAFT).select_related(
        "authority", "assignee", "campaign"
    )[:DRAFTS_SHOWN]:
        sections["drafts"].items.append(BoardItem(request=request))
    # Received e-mail waiting for "What is this?" (foia.mail.inbound), first on the board.
    replies = Section(
        "replies",
        _("Replies to classify"),
        _("E-mail from the authorities filed under a request: say what each one is."),
        items=[BoardItem(request=m.request, message=m) for m in unclassified_replies(requests)],
    )
    sections = {"replies": replies, **sections}
    for section in sections.values():
        page = Paginator(section.items, SECTION_PAGE_SIZE).get_page(
            http_request.GET.get(section.page_param)
        )
        section.page = page
        for attr, has, number in (
            ("previous_query", page.has_previous, page.number - 1),
            ("next_query", page.has_next, page.number + 1),
        ):
            if has():
                query = http_request.GET.copy()
                query[section.page_param] = str(number)
                setattr(section, attr, query.urlencode())
    return Board(filter=filterset, sections=list(sections.values()))


def request_list(*, http_request) -> RequestListFilter:
    return RequestListFilter(
        http_request.GET or None,
        queryset=access.visible_requests(http_request.user)
        .select_related("authority", "assignee", "campaign")
        .order_by("-created_at"),
        request=http_request,
    )


# --- one request ----------------------------------------------------------------------------------


@dataclass
class HistoryRow:
    when: dt.datetime
    who: Any
    action: str
    changes: list[dict]
    note: str = ""
    event: Event | None = None


def _field_label(name: str, model=Request) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return {
            "is_public": str(_("public")),
            "role": str(_("role")),
            "grounds": str(_("Legal grounds cited")),
        }.get(name, name)


def _value_label(name: str, value: Any, model=Request) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes")) if value else str(_("no"))
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, DateField) and not isinstance(model_field, DateTimeField):
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    return str(value)


def readable_changes(changes: list[dict], model=Request) -> list[dict]:
    """Stored changes ({"field", "old", "new"}) with the field's label and readable values;
    ``model`` is the model whose fields they are (a request's, or a corrected event's)."""
    return [
        {
            "field": _field_label(c.get("field", ""), model),
            "object": c.get("object", ""),
            "old": _value_label(c.get("field", ""), c.get("old"), model),
            "new": _value_label(c.get("field", ""), c.get("new"), model),
        }
        for c in changes
    ]


def history(request: Request) -> list[HistoryRow]:
    """Every change, newest first: the audit entries, and the events recorded elsewhere (the
    admin, the demo seed) from their own recorded_by / recorded_at."""
    rows = []
    logged_events = set()
    for entry in AuditEntry.objects.filter(request=request).select_related("actor", "event"):
        if entry.event_id:
            logged_events.add(entry.event_id)
        rows.append(
            HistoryRow(
                when=entry.created_at,
                who=entry.actor,
                action=entry.get_action_display(),
                changes=readable_changes(
                    entry.changes,
                    Event if entry.action == AuditAction.EVENT_CORRECTED else Request,
                ),
                note=entry.note,
                event=entry.event,
            )
        )
    for event in request.events.exclude(pk__in=logged_events).select_related("recorded_by"):
        rows.append(
            HistoryRow(
                when=event.recorded_at,
                who=event.recorded_by,
                action=str(_("Event recorded")),
                changes=[],
                event=event,
            )
        )
    rows.sort(key=lambda r: r.when, reverse=True)
    return rows


def timeline(request: Request) -> list[Event]:
    """Every recorded step, retracted ones included (shown struck through); each with
    ``corrections``: its revisions with readable changes, oldest first."""
    events = list(
        request.events.select_related(
            "recorded_by", "forwarded_to", "related_event", "retracted_by"
        )
        .prefetch_related("grounds", "attachments", "revisions__by")
        .order_by("occurred_on", "id")
    )
    for event in events:
        event.current_flag_messages = [
            flag_message(f) for f in current_flags(event, request) if not event.retracted_at
        ]
        event.corrections = [
            (revision, readable_changes(revision.changes, Event))
            for revision in event.revisions.all()
            if revision.action == EventRevisionAction.CORRECTED
        ]
    return events


def silence_appeal_possible(request: Request) -> bool:
    """An appeal for silence is offered only while a silence clock is live: open (or about to
    open) or lapsed with nothing recorded — not after an answer or a refusal closed it."""
    return any(
        d.kind == DeadlineKind.SILENCE_APPEAL and d.is_unresolved for d in request.deadlines.all()
    )


def deadlines_of(request: Request, *, today: dt.date) -> list[BoardItem]:
    rows = []
    for deadline in request.deadlines.exclude(state=DeadlineState.VOID).order_by("due_on", "id"):
        deadline.request = request
        live = deadline.state == DeadlineState.OPEN or (
            deadline.state == DeadlineState.MISSED
            and deadline.met_on is None
            and request.status in STILL_CURRENT_WHEN_MISSED.get(deadline.kind, ())
        )
        rows.append(
            BoardItem(
                request=request,
                deadline=deadline,
                days_left=_days_left(deadline, today),
                step=next_step(deadline, today=today) if live else None,
            )
        )
    return rows


def request_documents(request: Request) -> list[Attachment]:
    return list(request.attachments.select_related("event", "uploaded_by"))


# --- authorities ----------------------------------------------------------------------------------


def search_authorities(query: str, *, limit: int = 20) -> list[Authority]:
    """Active authorities matching what was typed (the one matcher: ``Authority.objects.matching``)."""
    return list(Authority.objects.filter(active=True).matching(query)[:limit])


def campaign_authorities(
    *, kinds: list[str], place: str, lines: list[str]
) -> tuple[list[Authority], list[str]]:
    """The bodies a campaign asks: by kind and/or place, plus a list of catalogue ids or names.
    Returns the matches (by name) and the lines that matched nothing."""
    found: dict[int, Authority] = {}
    if kinds or place:
        qs = Authority.objects.filter(active=True)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        if place:
            qs = qs.filter(place__iexact=place.strip())
        found.update({a.pk: a for a in qs})
    unmatched = []
    if lines:
        by_id = {
            a.catalogue_id: a for a in Authority.objects.filter(active=True, catalogue_id__in=lines)
        }
        folded = {line.casefold() for line in lines if line not in by_id}
        by_name: dict[str, Authority] = {}
        if folded:
            for authority in Authority.objects.filter(active=True).filter(
                Q(name__in=[line for line in lines if line not in by_id])
                | Q(short_name__in=[line for line in lines if line not in by_id])
                | Q(name__iregex=_any_of(folded))
            ):
                by_name.setdefault(authority.name.casefold(), authority)
                if authority.short_name:
                    by_name.setdefault(authority.short_name.casefold(), authority)
        for line in lines:
            authority = by_id.get(line) or by_name.get(line.casefold())
            if authority is None:
                unmatched.append(line)
            else:
                found[authority.pk] = authority
    return sorted(found.values(), key=lambda a: (a.name, a.pk)), unmatched


def _any_of(names: set[str]) -> str:
    return "^(" + "|".join(re.escape(n) for n in sorted(names)) + ")$"


def places(limit: int = 500) -> list[str]:
    return list(
        Authority.objects.filter(active=True)
        .exclude(place="")
        .order_by("place")
        .values_list("place", flat=True)
        .distinct()[:limit]
    )


# --- campaigns ------------------------------------------------------------------------------------


def campaigns_of(user) -> QuerySet[Campaign]:
    from django.db.models import Count

    return (
        Campaign.objects.filter(organization_id__in=list(access.memberships(user)))
        .select_related("organization")
        .annotate(
            n_requests=Count("requests", distinct=True),
            n_drafts=Count("requests", filter=Q(requests__status=RS.DRAFT), distinct=True),
        )
        .order_by("-created_at")
    )


def campaign_rows(
    campaign: Campaign, *, today: dt.date, requests: QuerySet[Request] | None = None
) -> list[BoardItem]:
    """Each request of the campaign (or of ``requests``, e.g. one page of them) with its most
    pressing live deadline (three queries)."""
    open_now = Q(state=DeadlineState.OPEN) & ~Q(kind=DK.SILENCE_APPEAL, opens_on__gt=today)
    if requests is None:
        requests = campaign.requests.order_by("authority__name")
    requests = requests.select_related("authority", "assignee").prefetch_related(
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.filter(open_now | _current_missed()).order_by("due_on", "id"),
            to_attr="live",
        )
    )
    rows = []
    for request in requests:
        deadline = request.live[0] if request.live else None
        if deadline is not None:
            deadline.request = request
        rows.append(
            BoardItem(
                request=request,
                deadline=deadline,
                days_left=_days_left(deadline, today) if deadline else None,
                step=next_step(deadline, today=today) if deadline else None,
            )
        )
    return rows


def status_counts(rows: list[BoardItem]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        label = str(row.request.get_status_display())
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


# --- calendar -------------------------------------------------------------------------------------


def calendar_deadlines(user, *, since: dt.date) -> QuerySet[Deadline]:
    """Every deadline (not voided) of the user's organizations' requests from ``since`` on."""
    return (
        Deadline.objects.filter(
            request__organization_id__in=list(access.memberships(user)),
            due_on__gte=since,
        )
        .exclude(state=DeadlineState.VOID)
        .exclude(request__status=RS.WITHDRAWN)
        .select_related("request__authority")
        .order_by("due_on", "id")
    )


def upcoming(user, *, today: dt.date, days: int = 60) -> list[BoardItem]:
    rows = []
    for deadline in live_deadlines(access.visible_requests(user), today=today).filter(
        due_on__lte=today + dt.timedelta(days=days)
    ):
        rows.append(
            BoardItem(
                request=deadline.request,
                deadline=deadline,
                days_left=_days_left(deadline, today),
                step=next_step(deadline, today=today),
            )
        )
    return rows


# --- documents to generate ------------------------------------------------------------------------

DECISION_KINDS = (EventKind.REFUSAL, EventKind.DISMISSAL, EventKind.ANSWER)
