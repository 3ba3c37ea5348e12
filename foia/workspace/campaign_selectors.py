"""Reads of the campaign pages: which bodies a choice matches (at catalogue size, in a constant
number of queries), and a campaign's requests paged and filtered, with its figures.

Names are matched by the one matcher, ``selectors.search_authorities`` (search-as-you-type) and
``selectors.campaign_authorities`` (a list of catalogue ids or exact names); nothing here matches
names on its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from foia.models import Authority, AuthorityKind, Campaign, Request, RequestStatus
from foia.stats.figures import Figures, live_figures
from foia.stats.models import GROUND_FIELDS, Outcome, RequestFacts, silent_q
from foia.workspace import selectors

PARENT_DEPTH = 6  # levels of the catalogue's parent chain a "parent" choice reaches down
PLACES_SHOWN = 12


@dataclass
class Choice:
    """What the campaign form asked for; every part optional, combined as the form explains."""

    kinds: list[str] = field(default_factory=list)
    place: str = ""
    parent: str = ""  # a catalogue id or an exact name, matched like a line of the list
    lines: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # bodies added one by one (search-as-you-type)
    exclude: list[int] = field(default_factory=list)  # bodies left out in the preview

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.place or self.parent or self.lines or self.ids)


@dataclass
class Selection:
    query: QuerySet[Authority]  # the chosen bodies
    unmatched: list[str]  # list lines (and the parent) that matched no authority
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, n)
    by_place: list[tuple[str, int]] = field(default_factory=list)
    sample: list[Authority] = field(default_factory=list)  # the first names, for the preview

    @property
    def count(self) -> int:
        return sum(n for _kind, _label, n in self.by_kind)

    @property
    def ids(self) -> list[int]:
        """The chosen bodies' ids by name (one query; only when the campaign is created)."""
        return list(self.query.order_by("name", "pk").values_list("pk", flat=True))


def _descendants(parent_id: int) -> set[int]:
    """Every body under ``parent_id`` (not itself), one query per level of the catalogue."""
    found: set[int] = set()
    frontier = {parent_id}
    for _level in range(PARENT_DEPTH):
        children = set(
            Authority.objects.filter(parent_id__in=frontier, active=True).values_list(
                "pk", flat=True
            )
        )
        frontier = children - found - {parent_id}
        if not frontier:
            break
        found |= frontier
    return found


def _filtered(choice: Choice, unmatched: list[str]) -> QuerySet[Authority] | None:
    """The active bodies matching kind AND place AND parent; None when none of them was given."""
    if not (choice.kinds or choice.place or choice.parent):
        return None
    qs = Authority.objects.filter(active=True)
    if choice.kinds:
        qs = qs.filter(kind__in=choice.kinds)
    if choice.place:
        qs = qs.filter(place__iexact=choice.place.strip())
    if choice.parent:
        parents, missing = selectors.campaign_authorities(kinds=[], place="", lines=[choice.parent])
        if missing or not parents:
            unmatched.append(choice.parent)
            return qs.none()
        qs = qs.filter(pk__in=_descendants(parents[0].pk))
    return qs


def resolve(choice: Choice, *, sample_size: int = 50) -> Selection:
    """What a choice matches, with counts per kind and place: one set of bodies (the filters OR
    the list OR the added ones, less those left out) counted in the database, never carried
    through Python, so 11,500 matches cost what 10 do (the list's matching, two GROUP BYs, the
    sample)."""
    unmatched: list[str] = []
    parts: list[Q] = []
    filtered = _filtered(choice, unmatched)
    if filtered is not None:
        parts.append(Q(pk__in=filtered.values("pk")))
    if choice.lines:
        listed, missing = selectors.campaign_authorities(kinds=[], place="", lines=choice.lines)
        unmatched += missing
        parts.append(Q(pk__in=[a.pk for a in listed]))
    if choice.ids:
        parts.append(Q(pk__in=choice.ids[:20000]))
    if not parts:
        return Selection(query=Authority.objects.none(), unmatched=unmatched)
    qs = Authority.objects.filter(active=True).filter(functools.reduce(operator.or_, parts))
    if choice.exclude:
        qs = qs.exclude(pk__in=choice.exclude[:20000])
    by_kind = kind_counts(qs)
    return Selection(
        query=qs,
        unmatched=unmatched,
        by_kind=by_kind,
        by_place=place_counts(qs) if by_kind else [],
        sample=list(qs.order_by("name", "pk")[:sample_size]) if by_kind else [],
    )


def kind_counts(qs: QuerySet[Authority] | None = None) -> list[tuple[str, str, int]]:
    """(kind, label, active bodies) for every kind with any, in the order of the choices."""
    qs = Authority.objects.filter(active=True) if qs is None else qs
    counts = dict(qs.order_by().values_list("kind").annotate(n=Count("pk")))
    return [
        (value, str(label), counts[value])
        for value, label in AuthorityKind.choices
        if counts.get(value)
    ]


def place_counts(qs: QuerySet[Authority], limit: int = PLACES_SHOWN) -> list[tuple[str, int]]:
    return list(
        qs.exclude(place="")
        .order_by()
        .values_list("place")
        .annotate(n=Count("pk"))
        .order_by("-n", "place")[:limit]
    )


def places_starting(text: str, limit: int = 20) -> list[str]:
    """Places of active bodies starting with ``text`` (the place field's suggestions)."""
    return list(
        Authority.objects.filter(active=True, place__istartswith=text.strip())
        .order_by("place")
        .values_list("place", flat=True)
        .distinct()[:limit]
    )


# --- a campaign's requests ------------------------------------------------------------------------

PAGE_SIZE = 25


def _status_filters():
    return {
        "draft": (_("Drafts"), Q(status=RequestStatus.DRAFT)),
        "answered": (_("Answered"), Q(facts__first_answer_on__isnull=False)),
        "refused": (
            _("Refused or dismissed"),
            Q(facts__outcome__in=[Outcome.REFUSED, Outcome.DISMISSED]),
        ),
        "appealed": (_("Appealed"), Q(facts__appealed=True)),
    }


def filter_choices() -> list[tuple[str, str]]:
    choices = [(key, str(label)) for key, (label, _q) in _status_filters().items()]
    choices.insert(2, ("silent", str(_("Silent past the deadline"))))
    return choices


def ground_choices() -> list[tuple[str, str]]:
    from foia.models import RefusalGround

    return [(str(code), str(RefusalGround(code).label)) for code in GROUND_FIELDS]


def campaign_requests(
    campaign: Campaign, *, show: str = "", ground: str = "", today: dt.date
) -> QuerySet[Request]:
    """The campaign's requests, filtered: answered / silent / refused (by ground) / appealed.

    "Silent" is the statistics' own definition (``foia.stats.figures``), not a new one."""
    qs = campaign.requests.all()
    filters = _status_filters()
    if show == "silent":
        silent = RequestFacts.objects.filter(campaign=campaign).filter(silent_q(today))
        qs = qs.filter(pk__in=silent.values("request_id"))
    elif show in filters:
        qs = qs.filter(filters[show][1])
    if ground in GROUND_FIELDS:
        qs = qs.filter(**{f"facts__{GROUND_FIELDS[ground]}": True})
    # Creation order: a campaign's drafts are created by the bodies' names (campaign_start), so
    # this is the name order without joining and sorting 11,500 names for every page.
    return qs.order_by("pk")


def campaign_figures(campaign: Campaign, *, today: dt.date) -> Figures:
    """The campaign's figures over all its sent requests (private ones too: the page is the
    organisation's own), computed by the statistics' one definition."""
    return live_figures(RequestFacts.objects.filter(campaign=campaign), today)


def status_tally(campaign: Campaign) -> dict[str, int]:
    """Requests per status (one GROUP BY)."""
    return dict(campaign.requests.order_by().values_list("status").annotate(n=Count("pk")))


def campaign_status_counts(
    campaign: Campaign, tally: dict[str, int] | None = None
) -> list[tuple[str, int]]:
    tally = status_tally(campaign) if tally is None else tally
    labels = dict(RequestStatus.choices)
    return sorted(((str(labels.get(s, s)), n) for s, n in tally.items()), key=lambda kv: -kv[1])


@dataclass
class Charts:
    timeliness: str
    grounds: str
    appeals: str


def campaign_charts(figures: Figures) -> Charts:
    """The campaign's charts as inline SVG (the page and the PDF summary show the same)."""
    from foia.stats import charts

    def shown(n: int, whole: int) -> str:
        return f"{n} ({round(100 * n / whole)} %)" if whole else str(n)

    decided = figures.decided
    timeliness = [
        (str(_("Answered on time")), figures.on_time, shown(figures.on_time, decided)),
        (str(_("Answered late")), figures.late, shown(figures.late, decided)),
        (str(_("Silent past the deadline")), figures.silent, shown(figures.silent, decided)),
        (str(_("Still within the deadline")), figures.waiting, str(figures.waiting)),
    ]
    grounds = [(label, n, str(n)) for _code, label, n in figures.grounds if n]
    appeals = [(label, n, str(n)) for _code, label, n, _share in figures.commissioner_outcomes if n]
    if figures.commissioner_pending:
        appeals.append(
            (
                str(_("Not decided yet")),
                figures.commissioner_pending,
                str(figures.commissioner_pending),
            )
        )
    return Charts(
        timeliness=charts.bars(str(_("Did they answer in time?")), timeliness),
        grounds=charts.bars(str(_("Refusal grounds cited")), grounds) if grounds else "",
        appeals=charts.bars(str(_("Appeals to the Commissioner")), appeals) if appeals else "",
    )
