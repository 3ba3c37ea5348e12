"""The counters behind the dashboard, kept in step with ``RequestFacts`` row by row.

Every counter is defined once below, twice over: as a Python test of one facts row (to adjust the
counters when a row changes) and as a ``Q`` over the facts table (to rebuild them, and to compute
the same figures live for a small scope such as one authority). ``tests/public`` proves the two
agree.

A facts row contributes to one group in each rollup table (only when it is publishable: public, or
embargoed). The groups' keys are clock-free: what depends on the day (is the embargo over, is the
deadline past) is kept by year, and ``foia.stats.figures`` corrects the current year live.

When a row changes, ``apply_change(old, new)`` subtracts the old contribution and adds the new one
with ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``: one statement per group touched,
atomic under concurrency (row locks, no read-modify-write), in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, DateField, Q, Value, When
from django.db.models.functions import ExtractYear, TruncMonth

from foia.models import AppealGround, CommissionerOutcome, ComplianceResult
from foia.stats.models import (
    GROUND_FIELDS,
    NO_DATE,
    AuthorityStats,
    DaysMetric,
    KindDaysStats,
    KindMonthStats,
    KindStats,
    Outcome,
    RequestFacts,
)

log = logging.getLogger(__name__)

Predicate = Callable[[RequestFacts], bool]


def _outcome(value: str) -> tuple[Predicate, Q]:
    return (lambda f: f.outcome == value), Q(outcome=value)


def _commissioner(value: str) -> tuple[Predicate, Q]:
    return (lambda f: f.commissioner_outcome == value), Q(commissioner_outcome=value)


def _compliance(value: str) -> tuple[Predicate, Q]:
    return (lambda f: f.compliance_result == value), Q(compliance_result=value)


def _flag(name: str) -> tuple[Predicate, Q]:
    return (lambda f: bool(getattr(f, name))), Q(**{name: True})


# name → (test of one facts row, the same test as a filter on the facts table)
COUNTERS: dict[str, tuple[Predicate, Q]] = {
    "requests": ((lambda f: True), Q()),
    "answered": ((lambda f: f.first_answer_on is not None), Q(first_answer_on__isnull=False)),
    "on_time": ((lambda f: f.answered_in_time is True), Q(answered_in_time=True)),
    "late": ((lambda f: f.answered_in_time is False), Q(answered_in_time=False)),
    # No answer yet, with an answer deadline: silent once the deadline has passed.
    "pending": (
        (lambda f: f.first_answer_on is None and f.answer_due_on is not None),
        Q(first_answer_on__isnull=True, answer_due_on__isnull=False),
    ),
    # The first answer gave access, in full or in part.
    "granted": (
        (lambda f: f.outcome in (Outcome.FULL, Outcome.PARTIAL)),
        Q(outcome__in=[Outcome.FULL, Outcome.PARTIAL]),
    ),
    "outcome_full": _outcome(Outcome.FULL),
    "outcome_partial": _outcome(Outcome.PARTIAL),
    "outcome_refused": _outcome(Outcome.REFUSED),
    "outcome_not_held": _outcome(Outcome.NOT_HELD),
    "outcome_dismissed": _outcome(Outcome.DISMISSED),
    "outcome_already_published": _outcome(Outcome.ALREADY_PUBLISHED),
    **{name: _flag(name) for name in GROUND_FIELDS.values()},
    "appealed": _flag("appealed"),
    "silence_appeals": (
        (lambda f: f.appeal_ground == AppealGround.SILENCE),
        Q(appeal_ground=AppealGround.SILENCE),
    ),
    # Appealed, not decided yet, with a deadline: overdue once the deadline has passed.
    "appeals_pending": (
        (
            lambda f: (
                f.appealed and f.commissioner_outcome == "" and f.commissioner_due_on is not None
            )
        ),
        Q(appealed=True, commissioner_outcome="", commissioner_due_on__isnull=False),
    ),
    "commissioner_decided": (
        (lambda f: f.commissioner_outcome != ""),
        ~Q(commissioner_outcome=""),
    ),
    "commissioner_ordered": _commissioner(CommissionerOutcome.ORDERED),
    "commissioner_rejected": _commissioner(CommissionerOutcome.REJECTED),
    "commissioner_annulled": _commissioner(CommissionerOutcome.ANNULLED),
    "commissioner_suspended": _commissioner(CommissionerOutcome.SUSPENDED),
    "commissioner_dismissed": _commissioner(CommissionerOutcome.DISMISSED),
    "commissioner_in_time": (
        (lambda f: f.commissioner_in_time is True),
        Q(commissioner_in_time=True),
    ),
    "commissioner_late": (
        (lambda f: f.commissioner_in_time is False),
        Q(commissioner_in_time=False),
    ),
    "orders": _flag("ordered"),
    "complied": _compliance(ComplianceResult.COMPLIED),
    "partly_complied": _compliance(ComplianceResult.PARTLY),
    "not_complied": _compliance(ComplianceResult.NOT),
    "in_court": _flag("in_court"),
}
COUNTER_NAMES = tuple(COUNTERS)
# What the ranking and the monthly trend need.
TIMELINESS = ("requests", "on_time", "late", "pending")
# The ranking also shows how often access was granted.
AUTHORITY_COUNTERS = (*TIMELINESS, "granted")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def public_year(f: RequestFacts) -> int:
    """0 for a public request, the embargo's year for an embargoed one."""
    return 0 if f.public_from == NO_DATE else f.public_from.year


def pending_year(f: RequestFacts) -> int:
    if f.first_answer_on is None and f.answer_due_on is not None:
        return f.answer_due_on.year
    return 0


def appeal_due_year(f: RequestFacts) -> int:
    if f.appealed and f.commissioner_outcome == "" and f.commissioner_due_on is not None:
        return f.commissioner_due_on.year
    return 0


def counter_values(f: RequestFacts) -> dict[str, int]:
    return {name: int(test(f)) for name, (test, _q) in COUNTERS.items()}


# A group: (model, key as a tuple of (column, value)).
Group = tuple[type, tuple[tuple[str, object], ...]]


def contributions(f: RequestFacts | None) -> dict[Group, dict[str, int]]:
    """The counts one facts row adds to each rollup table (nothing unless publishable)."""
    if f is None or f.public_from is None:
        return {}
    counts = counter_values(f)
    timeliness = {name: counts[name] for name in TIMELINESS}
    public, pending = public_year(f), pending_year(f)
    out: dict[Group, dict[str, int]] = {
        (
            KindStats,
            (
                ("authority_kind", f.authority_kind),
                ("public_year", public),
                ("pending_year", pending),
                ("appeal_due_year", appeal_due_year(f)),
            ),
        ): counts,
        (
            AuthorityStats,
            (
                ("authority_id", f.authority_id),
                ("public_year", public),
                ("pending_year", pending),
                ("authority_kind", f.authority_kind),
            ),
        ): {name: counts[name] for name in AUTHORITY_COUNTERS},
        (
            KindMonthStats,
            (
                ("authority_kind", f.authority_kind),
                ("month", month_of(f.sent_on)),
                ("public_year", public),
                ("pending_year", pending),
            ),
        ): timeliness,
    }
    for metric, days in (
        (DaysMetric.ANSWER, f.answer_days),
        (DaysMetric.COMMISSIONER, f.commissioner_days),
    ):
        if days is not None:
            key = (
                ("authority_kind", f.authority_kind),
                ("metric", str(metric)),
                ("days", days),
                ("public_year", public),
            )
            out[(KindDaysStats, key)] = {"count": 1}
    return out


# --- the facts' version: dashboards are cached per version ------------------------------------------

FACTS_VERSION_KEY = "stats:facts-version"


def _new_version() -> None:
    try:
        cache.set(FACTS_VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 — a cache that is down must not fail a write
        log.warning("the facts' version could not be moved on", exc_info=True)


def facts_changed() -> None:
    """Called by every write of facts, rollups or the names they show: a dashboard computed for
    an earlier version is never read again. Moved at once (so this transaction's own reads see
    it) and again after the commit (a reader that computed from the data before the commit, under
    the first new version, is left behind)."""
    _new_version()
    transaction.on_commit(_new_version)


def facts_version() -> str | None:
    """The current version, or None when the cache cannot be read (then nothing is cached)."""
    try:
        version = cache.get(FACTS_VERSION_KEY)
        if version is None:
            cache.add(FACTS_VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(FACTS_VERSION_KEY)
        return version
    except Exception:  # noqa: BLE001
        log.warning("the facts' version could not be read", exc_info=True)
        return None


def apply_change(old: RequestFacts | None, new: RequestFacts | None) -> int:
    """Move one facts row's contribution from ``old`` to ``new``; returns statements run."""
    return apply_changes([(old, new)])


def apply_changes(pairs: Iterable[tuple[RequestFacts | None, RequestFacts | None]]) -> int:
    """Move many rows' contributions at once: one statement per rollup row that changes."""
    facts_changed()
    delta: dict[Group, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for old, new in pairs:
        for group, counts in contributions(old).items():
            for name, n in counts.items():
                delta[group][name] -= n
        for group, counts in contributions(new).items():
            for name, n in counts.items():
                delta[group][name] += n
    statements = 0
    for (model, key), counts in delta.items():
        if any(counts.values()):
            _increment(model, key, counts)
            statements += 1
    return statements


# Columns of each table's unique key (the authority's kind rides along with its id).
KEYS = {
    KindStats: ("authority_kind", "public_year", "pending_year", "appeal_due_year"),
    AuthorityStats: ("authority_id", "public_year", "pending_year"),
    KindMonthStats: ("authority_kind", "month", "public_year", "pending_year"),
    KindDaysStats: ("authority_kind", "metric", "days", "public_year"),
}
# The counters of each table.
COLUMNS = {
    KindStats: COUNTER_NAMES,
    AuthorityStats: AUTHORITY_COUNTERS,
    KindMonthStats: TIMELINESS,
    KindDaysStats: ("count",),
}


def _increment(model, key, counts: dict[str, int]) -> None:
    # Every counter is listed, so an INSERT of a new group starts the others at 0.
    counts = {name: counts.get(name, 0) for name in COLUMNS[model]}
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = [name for name, _value in key] + list(counts)
    values = [value for _name, value in key] + list(counts.values())
    conflict = ", ".join(qn(c) for c in KEYS[model])
    updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in counts)
    if model is AuthorityStats:
        # An authority whose kind changed: its groups take the new kind as they are adjusted.
        updates += f", {qn('authority_kind')} = excluded.{qn('authority_kind')}"
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in names)}) "
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


# --- rebuilding from the facts (backfills, checks) -------------------------------------------


def counter_aggregates(prefix: str = "n_") -> dict:
    """``Count`` aggregates for every counter, for ``.aggregate()`` or ``.annotate()``."""
    out = {}
    for name, (_test, q) in COUNTERS.items():
        out[prefix + name] = Count("pk", filter=q) if q else Count("pk")
    return out


def _year_or_zero(condition: Q, column: str):
    return Case(When(condition, then=ExtractYear(column)), default=Value(0))


def key_expressions() -> dict:
    """The rollup keys as SQL expressions over the facts (see ``public_year`` etc.)."""
    return {
        "k_public": Case(
            When(public_from=NO_DATE, then=Value(0)), default=ExtractYear("public_from")
        ),
        "k_pending": _year_or_zero(
            Q(first_answer_on__isnull=True, answer_due_on__isnull=False), "answer_due_on"
        ),
        "k_appeal": _year_or_zero(
            Q(appealed=True, commissioner_outcome="", commissioner_due_on__isnull=False),
            "commissioner_due_on",
        ),
        "k_month": TruncMonth("sent_on", output_field=DateField()),
    }


@transaction.atomic
def rebuild(facts=None, batch_size: int = 2000) -> dict[str, int]:
    """Recompute every rollup table from the facts in a few GROUP BY queries."""
    facts_changed()
    facts = (facts if facts is not None else RequestFacts.objects.all()).filter(
        public_from__isnull=False
    )
    for model in COLUMNS:
        model.objects.all().delete()
    keyed = facts.annotate(**key_expressions())
    created = {}
    rows = (
        keyed.values("authority_kind", "k_public", "k_pending", "k_appeal")
        .annotate(**counter_aggregates())
        .order_by()
    )
    created["kind"] = _bulk(
        KindStats,
        (
            KindStats(
                authority_kind=r["authority_kind"],
                public_year=r["k_public"],
                pending_year=r["k_pending"],
                appeal_due_year=r["k_appeal"],
                **{n: r["n_" + n] for n in COUNTER_NAMES},
            )
            for r in rows.iterator(chunk_size=batch_size)
        ),
        batch_size,
    )
    timeliness = {
        key: value for key, value in counter_aggregates().items() if key[2:] in TIMELINESS
    }
    per_authority = {
        key: value for key, value in counter_aggregates().items() if key[2:] in AUTHORITY_COUNTERS
    }
    rows = (
        keyed.values("authority_id", "authority_kind", "k_public", "k_pending")
        .annotate(**per_authority)
        .order_by()
    )
    created["authority"] = _bulk(
        AuthorityStats,
        (
            AuthorityStats(
                authority_id=r["authority_id"],
                authority_kind=r["authority_kind"],
                public_year=r["k_public"],
                pending_year=r["k_pending"],
                **{n: r["n_" + n] for n in AUTHORITY_COUNTERS},
            )
            for r in rows.iterator(chunk_size=batch_size)
        ),
        batch_size,
    )
    rows = (
        keyed.values("authority_kind", "k_month", "k_public", "k_pending")
        .annotate(**timeliness)
        .order_by()
    )
    created["kind_month"] = _bulk(
        KindMonthStats,
        (
            KindMonthStats(
                authority_kind=r["authority_kind"],
                month=r["k_month"],
                public_year=r["k_public"],
                pending_year=r["k_pending"],
                **{n: r["n_" + n] for n in TIMELINESS},
            )
            for r in rows.iterator(chunk_size=batch_size)
        ),
        batch_size,
    )
    created["kind_days"] = 0
    for metric, column in (
        (DaysMetric.ANSWER, "answer_days"),
        (DaysMetric.COMMISSIONER, "commissioner_days"),
    ):
        rows = (
            keyed.filter(**{f"{column}__isnull": False})
            .values("authority_kind", column, "k_public")
            .annotate(n=Count("pk"))
            .order_by()
        )
        created["kind_days"] += _bulk(
            KindDaysStats,
            (
                KindDaysStats(
                    authority_kind=r["authority_kind"],
                    metric=metric,
                    days=r[column],
                    public_year=r["k_public"],
                    count=r["n"],
                )
                for r in rows.iterator(chunk_size=batch_size)
            ),
            batch_size,
        )
    return created


def _bulk(model, objects: Iterable, batch_size: int) -> int:
    batch, total = [], 0
    for obj in objects:
        batch.append(obj)
        if len(batch) >= batch_size:
            model.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        total += len(batch)
    return total
