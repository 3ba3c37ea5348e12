"""Reads of the statistics app: the figures on the dashboard, the authority and campaign pages.

Two ways to the same numbers (tests prove they agree):

- ``live_figures(facts)``: one aggregate over the facts of a small scope (an authority, a campaign);
- ``dashboard(today, kind=…)``: the overall and per-kind figures, the ranking and the monthly trend
  from the rollup counters (a few rows per authority whatever the number of requests), plus a
  small live count of this year's share of the clock: answers and Commissioner's decisions that
  fell due this year and are still missing, and requests whose embargo ended this year.

"Silent" is clock-dependent: no answer and the answer deadline passed. The on-time rate is
on time / (on time + late + silent) — requests still within their deadline are not counted yet —
with a Wilson 95 % interval, as Alaveteli shows, so small samples do not look certain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DateField, FloatField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import translation

from foia.models import AuthorityKind, CommissionerOutcome, RefusalGround
from foia.stats.models import (
    GROUND_FIELDS,
    AuthorityStats,
    DaysMetric,
    KindDaysStats,
    KindMonthStats,
    KindStats,
    Outcome,
    RequestFacts,
    silent_q,
)
from foia.stats.rollups import COUNTER_NAMES, counter_aggregates, facts_version

Z95 = 1.959963984540054
OUTCOME_COUNTERS = {
    Outcome.FULL: "outcome_full",
    Outcome.PARTIAL: "outcome_partial",
    Outcome.REFUSED: "outcome_refused",
    Outcome.NOT_HELD: "outcome_not_held",
    Outcome.DISMISSED: "outcome_dismissed",
    Outcome.ALREADY_PUBLISHED: "outcome_already_published",
}
COMMISSIONER_COUNTERS = {
    CommissionerOutcome.ORDERED: "commissioner_ordered",
    CommissionerOutcome.REJECTED: "commissioner_rejected",
    CommissionerOutcome.ANNULLED: "commissioner_annulled",
    CommissionerOutcome.SUSPENDED: "commissioner_suspended",
    CommissionerOutcome.DISMISSED: "commissioner_dismissed",
}


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY x)`` (NULLs are ignored)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, percentile: float, **extra):
        if not 0 <= percentile <= 1:
            raise ValueError("percentile must be within 0 and 1")
        super().__init__(
            expression, percentile=float(percentile), output_field=FloatField(), **extra
        )


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Same as percentile_cont: linear interpolation at position p·(n−1)."""
    return percentile_from_histogram([(v, 1) for v in sorted_values], p)


def percentile_from_histogram(histogram: Iterable[tuple[float, int]], p: float) -> float | None:
    """percentile_cont over values given as sorted (value, count) pairs."""
    pairs = [(v, n) for v, n in histogram if n > 0]
    total = sum(n for _v, n in pairs)
    if total == 0:
        return None
    position = p * (total - 1)
    lower_index = math.floor(position)
    fraction = position - lower_index

    def value_at(index: int) -> float:
        seen = 0
        for value, n in pairs:
            seen += n
            if index < seen:
                return float(value)
        return float(pairs[-1][0])

    lower = value_at(lower_index)
    if fraction == 0:
        return lower
    return lower + fraction * (value_at(lower_index + 1) - lower)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (95 % by default)."""
    if n == 0:
        return None
    phat = successes / n
    denominator = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """The numbers of one scope (everything, a kind of authority, one authority, a campaign)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTER_NAMES, 0))
    silent: int = 0
    commissioner_overdue: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    commissioner_median_days: float | None = None

    def __getattr__(self, name: str):
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        raise AttributeError(name)

    @property
    def requests(self) -> int:
        return self.counts["requests"]

    @property
    def decided(self) -> int:
        """Requests whose timeliness is known: answered (on time or late) or silent."""
        return self.counts["on_time"] + self.counts["late"] + self.silent

    @property
    def waiting(self) -> int:
        """Unanswered, still within the deadline."""
        return self.counts["pending"] - self.silent

    @property
    def on_time_rate(self) -> float | None:
        return share(self.counts["on_time"], self.decided)

    @property
    def on_time_interval(self) -> tuple[float, float] | None:
        return wilson(self.counts["on_time"], self.decided)

    @property
    def on_time_percent(self) -> int | None:
        rate = self.on_time_rate
        return None if rate is None else round(rate * 100)

    @property
    def silence_rate(self) -> float | None:
        return share(self.silent, self.decided)

    @property
    def granted_rate(self) -> float | None:
        """Share of the answered requests whose first answer gave access, in full or in part."""
        return share(self.counts["granted"], self.counts["answered"])

    @property
    def granted_percent(self) -> int | None:
        rate = self.granted_rate
        return None if rate is None else round(rate * 100)

    @property
    def outcomes(self) -> list[tuple[str, str, int, float | None]]:
        """(code, label, count, share of the answered) for each kind of first answer."""
        answered = self.counts["answered"]
        return [
            (
                str(code),
                str(Outcome(code).label),
                self.counts[name],
                share(self.counts[name], answered),
            )
            for code, name in OUTCOME_COUNTERS.items()
        ]

    @property
    def grounds(self) -> list[tuple[str, str, int]]:
        """(code, label, requests citing it), in the order of the law."""
        return [
            (str(code), str(RefusalGround(code).label), self.counts[name])
            for code, name in GROUND_FIELDS.items()
        ]

    @property
    def commissioner_outcomes(self) -> list[tuple[str, str, int, float | None]]:
        decided = self.counts["commissioner_decided"]
        return [
            (
                str(code),
                str(CommissionerOutcome(code).label),
                self.counts[name],
                share(self.counts[name], decided),
            )
            for code, name in COMMISSIONER_COUNTERS.items()
        ]

    @property
    def commissioner_pending(self) -> int:
        return self.counts["appealed"] - self.counts["commissioner_decided"]

    @property
    def commissioner_in_time_rate(self) -> float | None:
        c = self.counts
        return share(c["commissioner_in_time"], c["commissioner_in_time"] + c["commissioner_late"])

    @property
    def awaiting_compliance(self) -> int:
        c = self.counts
        return max(c["orders"] - c["complied"] - c["partly_complied"] - c["not_complied"], 0)

    def add(self, other: Figures) -> None:
        for name in COUNTER_NAMES:
            self.counts[name] += other.counts[name]
        self.silent += other.silent
        self.commissioner_overdue += other.commissioner_overdue


def _commissioner_overdue_q(today: dt.date) -> Q:
    return Q(appealed=True, commissioner_outcome="", commissioner_due_on__lt=today)


def published_facts(today: dt.date) -> QuerySet[RequestFacts]:
    return RequestFacts.objects.filter(public_from__lte=today)


# --- live, over the facts of a small scope ------------------------------------------------------


def live_figures(facts: QuerySet[RequestFacts], today: dt.date) -> Figures:
    """The figures of some published facts in one aggregate query (three on SQLite)."""
    aggregates = counter_aggregates()
    aggregates["x_silent"] = Count("pk", filter=silent_q(today))
    aggregates["x_commissioner_overdue"] = Count("pk", filter=_commissioner_overdue_q(today))
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["x_median"] = PercentileCont("answer_days", 0.5)
        aggregates["x_p90"] = PercentileCont("answer_days", 0.9)
        aggregates["x_commissioner_median"] = PercentileCont("commissioner_days", 0.5)
    row = facts.aggregate(**aggregates)
    figures = Figures(
        counts={name: row["n_" + name] for name in COUNTER_NAMES},
        silent=row["x_silent"],
        commissioner_overdue=row["x_commissioner_overdue"],
    )
    if postgres:
        figures.median_days = row["x_median"]
        figures.p90_days = row["x_p90"]
        figures.commissioner_median_days = row["x_commissioner_median"]
    else:
        days = sorted(facts.filter(answer_days__isnull=False).values_list("answer_days", flat=True))
        figures.median_days = percentile(days, 0.5)
        figures.p90_days = percentile(days, 0.9)
        days = sorted(
            facts.filter(commissioner_days__isnull=False).values_list(
                "commissioner_days", flat=True
            )
        )
        figures.commissioner_median_days = percentile(days, 0.5)
    return figures


def live_trend(facts: QuerySet[RequestFacts], today: dt.date) -> list[dict]:
    """Requests per month sent: on time, late, silent now, waiting (one GROUP BY)."""
    rows = (
        facts.annotate(m=TruncMonth("sent_on"))
        .values("m")
        .annotate(
            requests=Count("pk"),
            on_time=Count("pk", filter=Q(answered_in_time=True)),
            late=Count("pk", filter=Q(answered_in_time=False)),
            silent=Count("pk", filter=silent_q(today)),
        )
        .order_by("m")
    )
    return fill_months(
        {
            r["m"]: {
                "month": r["m"],
                "requests": r["requests"],
                "on_time": r["on_time"],
                "late": r["late"],
                "silent": r["silent"],
            }
            for r in rows
        }
    )


def fill_months(rows: dict[dt.date, dict]) -> list[dict]:
    """Every month from the first to the last, empty ones included (a gap is not a trend);
    "other" is what is neither on time, late nor silent: not yet due, or no deadline."""
    rows = {month: row for month, row in rows.items() if row["requests"]}
    if not rows:
        return []
    out, month, last = [], min(rows), max(rows)
    while month <= last:
        row = rows.get(month, {"month": month, "requests": 0, "on_time": 0, "late": 0, "silent": 0})
        row["other"] = row["requests"] - row["on_time"] - row["late"] - row["silent"]
        out.append(row)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


# --- from the rollups: the dashboard ------------------------------------------------------------


@dataclass
class RankedAuthority:
    authority_id: int
    name: str
    kind: str
    requests: int
    decided: int
    on_time: int
    interval: tuple[float, float]
    answered: int = 0  # answered, on time or late
    granted: int = 0  # of those, the first answer gave access in full or in part

    @property
    def rate(self) -> float:
        return self.on_time / self.decided

    @property
    def granted_rate(self) -> float | None:
        """How often an answer gave access: shown beside the on-time share, so that refusing on
        time does not read as openness."""
        return self.granted / self.answered if self.answered else None

    @property
    def kind_label(self) -> str:
        return (
            str(AuthorityKind(self.kind).label) if self.kind in AuthorityKind.values else self.kind
        )


@dataclass
class Dashboard:
    today: dt.date
    kind: str | None
    overall: Figures
    by_kind: list[tuple[str, str, Figures]]
    best: list[RankedAuthority]
    worst: list[RankedAuthority]
    ranked: int
    unranked: int
    min_requests: int
    trend: list[dict]


def _settled_sums(today: dt.date) -> dict:
    """Silent and overdue among the rollups' requests, for the years before this one."""
    year = today.year
    return {
        "x_silent": Sum("pending", filter=Q(pending_year__gt=0, pending_year__lt=year)),
        "x_overdue": Sum(
            "appeals_pending", filter=Q(appeal_due_year__gt=0, appeal_due_year__lt=year)
        ),
    }


def _this_year(today: dt.date) -> tuple[Q, Q]:
    jan1 = dt.date(today.year, 1, 1)
    silent = Q(first_answer_on__isnull=True, answer_due_on__gte=jan1, answer_due_on__lt=today)
    overdue = Q(
        appealed=True,
        commissioner_outcome="",
        commissioner_due_on__gte=jan1,
        commissioner_due_on__lt=today,
    )
    return silent, overdue


def _live_rows(today: dt.date, kind: str | None) -> list[dict]:
    """This year's share, counted live and grouped by kind and month sent (two small queries,
    on partial indexes):

    - requests in the rollups (public before this year) whose answer or Commissioner's decision
      fell due this year and is still missing: silent, or overdue, since;
    - requests whose embargo ended this year: every counter.
    """
    jan1 = dt.date(today.year, 1, 1)
    facts = published_facts(today)
    if kind:
        facts = facts.filter(authority_kind=kind)
    silent_this_year, overdue_this_year = _this_year(today)
    rows = []
    settled = facts.filter(public_from__lt=jan1).filter(silent_this_year | overdue_this_year)
    for row in (
        settled.annotate(m=TruncMonth("sent_on", output_field=DateField()))
        .values("authority_kind", "m")
        .annotate(
            silent=Count("pk", filter=silent_this_year),
            overdue=Count("pk", filter=overdue_this_year),
        )
        .order_by()
    ):
        row["counts"] = None
        rows.append(row)
    fresh = facts.filter(public_from__gte=jan1)
    for row in (
        fresh.annotate(m=TruncMonth("sent_on", output_field=DateField()))
        .values("authority_kind", "m")
        .annotate(
            silent=Count("pk", filter=silent_q(today)),
            overdue=Count("pk", filter=_commissioner_overdue_q(today)),
            **counter_aggregates(),
        )
        .order_by()
    ):
        row["counts"] = {name: row["n_" + name] for name in COUNTER_NAMES}
        rows.append(row)
    return rows


def _fresh_days(today: dt.date, kind: str | None) -> list[tuple[str, int | None, int | None]]:
    """Days to answer and to decide of the requests whose embargo ended this year."""
    facts = published_facts(today).filter(public_from__gte=dt.date(today.year, 1, 1))
    if kind:
        facts = facts.filter(authority_kind=kind)
    return list(
        facts.filter(Q(answer_days__isnull=False) | Q(commissioner_days__isnull=False))
        .values_list("authority_kind", "answer_days", "commissioner_days")
        .order_by()
    )


def _rollups(model, today: dt.date, kind: str | None):
    rows = model.objects.filter(public_year__lt=today.year)
    return rows.filter(authority_kind=kind) if kind else rows


# The ranking in one statement (PostgreSQL and SQLite): per authority, the rollups plus this
# year's live share, the Wilson interval in SQL, the best and the worst ``top`` and the counts.
RANKING_SQL = """
WITH parts AS (
  SELECT authority_id, requests AS n, on_time AS k,
    on_time + late + CASE WHEN pending_year > 0 AND pending_year < %(year)s THEN pending ELSE 0 END
      AS d,
    on_time + late AS a, granted AS g
  FROM stats_authoritystats WHERE public_year < %(year)s {kind_a}
  UNION ALL
  SELECT authority_id, 0, 0, 1, 0, 0 FROM stats_requestfacts
  WHERE public_from < %(jan1)s AND first_answer_on IS NULL
    AND answer_due_on >= %(jan1)s AND answer_due_on < %(today)s {kind_f}
  UNION ALL
  SELECT authority_id, 1, CASE WHEN answered_in_time THEN 1 ELSE 0 END,
    CASE WHEN answered_in_time IS NOT NULL
      OR (first_answer_on IS NULL AND answer_due_on < %(today)s) THEN 1 ELSE 0 END,
    CASE WHEN answered_in_time IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN outcome IN ('full', 'partial') THEN 1 ELSE 0 END
  FROM stats_requestfacts
  WHERE public_from >= %(jan1)s AND public_from <= %(today)s {kind_f}
),
totals AS (
  SELECT authority_id, SUM(n) AS n, SUM(k) AS k, SUM(d) AS d, SUM(a) AS a, SUM(g) AS g
  FROM parts GROUP BY authority_id
),
scored AS (
  SELECT authority_id, n, k, d, a, g,
    (CAST(k AS DOUBLE PRECISION) / d + %(z2)s / (2.0 * d)
      - %(z)s * SQRT((CAST(k AS DOUBLE PRECISION) / d) * (1 - CAST(k AS DOUBLE PRECISION) / d) / d
                     + %(z2)s / (4.0 * d * d)))
      / (1 + %(z2)s / d) AS lo,
    (CAST(k AS DOUBLE PRECISION) / d + %(z2)s / (2.0 * d)
      + %(z)s * SQRT((CAST(k AS DOUBLE PRECISION) / d) * (1 - CAST(k AS DOUBLE PRECISION) / d) / d
                     + %(z2)s / (4.0 * d * d)))
      / (1 + %(z2)s / d) AS hi
  FROM totals WHERE d >= %(min)s
),
best AS (SELECT 'best' AS side, s.* FROM scored s ORDER BY lo DESC, hi DESC, authority_id LIMIT %(top)s),
worst AS (SELECT 'worst' AS side, s.* FROM scored s ORDER BY lo, hi, authority_id DESC LIMIT %(top)s),
counts AS (
  SELECT (SELECT COUNT(*) FROM scored) AS ranked, (SELECT COUNT(*) FROM totals WHERE n > 0) AS counted
)
SELECT c.ranked, c.counted, r.side, r.authority_id, a.name, a.kind, r.n, r.k, r.d, r.lo, r.hi,
  r.a, r.g
FROM counts c
LEFT JOIN (SELECT * FROM best UNION ALL SELECT * FROM worst) AS r ON 1 = 1
LEFT JOIN foia_authority a ON a.id = r.authority_id
"""


def ranking(
    today: dt.date, *, kind: str | None, min_requests: int, top: int
) -> tuple[list[RankedAuthority], list[RankedAuthority], int, int]:
    """(best, worst, ranked, with requests): by the lower end of the Wilson interval; a body
    with fewer than ``min_requests`` requests whose timeliness is known is not ranked."""
    params = {
        "year": today.year,
        "jan1": dt.date(today.year, 1, 1),
        "today": today,
        "z": Z95,
        "z2": Z95 * Z95,
        "min": max(min_requests, 1),
        "top": top,
        "kind": kind or "",
    }
    sql = RANKING_SQL.format(
        kind_a="AND authority_kind = %(kind)s" if kind else "",
        kind_f="AND authority_kind = %(kind)s" if kind else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    best, worst = [], []
    ranked, counted = rows[0][0], rows[0][1]
    for _ranked, _counted, side, authority_id, name, kind_code, n, k, d, lo, hi, a, g in rows:
        if side is None:
            continue  # nobody ranked: only the counts
        item = RankedAuthority(
            authority_id=authority_id,
            name=name,
            kind=kind_code,
            requests=int(n),
            decided=int(d),
            on_time=int(k),
            interval=(max(0.0, float(lo)), min(1.0, float(hi))),
            answered=int(a),
            granted=int(g),
        )
        (best if side == "best" else worst).append(item)
    best.sort(key=lambda r: (-r.interval[0], -r.interval[1], r.authority_id))
    worst.sort(key=lambda r: (r.interval[0], r.interval[1], -r.authority_id))
    shown = {r.authority_id for r in best}
    worst = [r for r in worst if r.authority_id not in shown]
    return best, worst, int(ranked), int(counted)


def dashboard(
    today: dt.date, *, kind: str | None = None, min_requests: int | None = None, top: int = 10
) -> Dashboard:
    """Overall and per-kind figures, the ranking and the trend, in seven small queries."""
    if min_requests is None:
        min_requests = settings.PUBLIC_RANKING_MIN_REQUESTS
    sums = {name: Sum(name) for name in COUNTER_NAMES}
    live = _live_rows(today, kind)

    # 1. Per kind (and so overall).
    per_kind: dict[str, Figures] = {}
    for row in (
        _rollups(KindStats, today, kind)
        .values("authority_kind")
        .annotate(**_settled_sums(today), **sums)
        .order_by()
    ):
        per_kind[row["authority_kind"]] = Figures(
            counts={n: row[n] or 0 for n in COUNTER_NAMES},
            silent=row["x_silent"] or 0,
            commissioner_overdue=row["x_overdue"] or 0,
        )
    for row in live:
        figures = per_kind.setdefault(row["authority_kind"], Figures())
        figures.silent += row["silent"]
        figures.commissioner_overdue += row["overdue"]
        if row["counts"]:
            for name, n in row["counts"].items():
                figures.counts[name] += n

    # 2. Days histograms → medians and percentiles per kind and overall.
    hist: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for k, metric, days, n in (
        _rollups(KindDaysStats, today, kind)
        .filter(count__gt=0)
        .values("authority_kind", "metric", "days")
        .annotate(n=Sum("count"))
        .values_list("authority_kind", "metric", "days", "n")
        .order_by()
    ):
        hist[(k, metric)][days] += n
        hist[("", metric)][days] += n
    for k, answer_days, commissioner_days in _fresh_days(today, kind):
        for metric, days in (
            (DaysMetric.ANSWER, answer_days),
            (DaysMetric.COMMISSIONER, commissioner_days),
        ):
            if days is not None:
                hist[(k, metric)][days] += 1
                hist[("", metric)][days] += 1
    overall = Figures()
    for code, figures in per_kind.items():
        overall.add(figures)
        _set_days(figures, hist, code)
    _set_days(overall, hist, "")
    by_kind = [
        (str(code), str(label), per_kind[code])
        for code, label in AuthorityKind.choices
        if code in per_kind and per_kind[code].requests
    ]

    # 3. The ranking, and 4. the monthly trend.
    min_requests = max(min_requests, 1)
    best, worst, ranked, counted = ranking(today, kind=kind, min_requests=min_requests, top=top)
    return Dashboard(
        today=today,
        kind=kind,
        overall=overall,
        by_kind=by_kind,
        best=best,
        worst=worst,
        ranked=ranked,
        unranked=counted - ranked,
        min_requests=min_requests,
        trend=rollup_trend(today, kind=kind, live=live),
    )


def cached_dashboard(today: dt.date, *, kind: str | None = None) -> Dashboard:
    """``dashboard()`` as the page, its CSVs and the API serve it: computed once per version of
    the facts (``rollups.facts_changed`` moves it on every write), day, kind, ranking minimum and
    language, then read from the cache until the facts change. Without a shared, readable cache
    (``DASHBOARD_CACHE``) it is computed every time."""
    version = facts_version() if settings.DASHBOARD_CACHE else None
    if version is None:
        return dashboard(today, kind=kind)
    key = ":".join(
        (
            "stats:dashboard",
            version,
            today.isoformat(),
            kind or "-",
            str(settings.PUBLIC_RANKING_MIN_REQUESTS),
            translation.get_language() or "-",
        )
    )
    try:
        board = cache.get(key)
    except Exception:  # noqa: BLE001 — the cache is a help, never a condition
        board = None
    if board is None:
        board = dashboard(today, kind=kind)
        with contextlib.suppress(Exception):  # the cache is a help, never a condition
            cache.set(key, board, DASHBOARD_CACHE_SECONDS)
    return board


# A cached dashboard is dropped after a day at the latest (it is keyed by the day anyway).
DASHBOARD_CACHE_SECONDS = 24 * 3600


def _set_days(figures: Figures, hist, code: str) -> None:
    answer = sorted(hist.get((code, DaysMetric.ANSWER), {}).items())
    commissioner = sorted(hist.get((code, DaysMetric.COMMISSIONER), {}).items())
    figures.median_days = percentile_from_histogram(answer, 0.5)
    figures.p90_days = percentile_from_histogram(answer, 0.9)
    figures.commissioner_median_days = percentile_from_histogram(commissioner, 0.5)


def rollup_trend(
    today: dt.date, *, kind: str | None = None, live: list[dict] | None = None
) -> list[dict]:
    year = today.year
    rows = {
        r["month"]: {
            "month": r["month"],
            "requests": r["requests"] or 0,
            "on_time": r["on_time"] or 0,
            "late": r["late"] or 0,
            "silent": r["silent"] or 0,
        }
        for r in _rollups(KindMonthStats, today, kind)
        .values("month")
        .annotate(
            requests=Sum("requests"),
            on_time=Sum("on_time"),
            late=Sum("late"),
            silent=Sum("pending", filter=Q(pending_year__gt=0, pending_year__lt=year)),
        )
        .order_by("month")
    }
    for row in live if live is not None else _live_rows(today, kind):
        month = rows.setdefault(
            row["m"], {"month": row["m"], "requests": 0, "on_time": 0, "late": 0, "silent": 0}
        )
        month["silent"] += row["silent"]
        if row["counts"]:
            for name in ("requests", "on_time", "late"):
                month[name] += row["counts"][name]
    return fill_months(rows)


@dataclass
class Headline:
    figures: Figures
    authorities: int


def headline(today: dt.date) -> Headline:
    """The home page's numbers, from the rollups and this year's live share."""
    row = _rollups(KindStats, today, None).aggregate(
        **_settled_sums(today), **{name: Sum(name) for name in COUNTER_NAMES}
    )
    figures = Figures(
        counts={n: row[n] or 0 for n in COUNTER_NAMES},
        silent=row["x_silent"] or 0,
        commissioner_overdue=row["x_overdue"] or 0,
    )
    for r in _live_rows(today, None):
        figures.silent += r["silent"]
        figures.commissioner_overdue += r["overdue"]
        if r["counts"]:
            for name, n in r["counts"].items():
                figures.counts[name] += n
    asked = (
        _rollups(AuthorityStats, today, None)
        .filter(requests__gt=0)
        .values("authority_id")
        .union(
            published_facts(today)
            .filter(public_from__gte=dt.date(today.year, 1, 1))
            .values("authority_id")
        )
    )
    return Headline(figures=figures, authorities=asked.count())
