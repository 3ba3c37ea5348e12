"""The dashboard's tables: one definition serves the chart, the accessible table and the CSV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from foia.models import AuthorityKind
from foia.public.views.display import days, interval, percent
from foia.stats import charts
from foia.stats.figures import Figures, RankedAuthority

TEXT, INT, PCT, DAYS = "text", "int", "pct", "days"


@dataclass
class Table:
    slug: str
    title: str
    headers: Sequence[str]
    formats: Sequence[str]
    rows: list[list] = field(default_factory=list)
    chart: SafeString | None = None
    note: str = ""
    # A table of measures: one format per row for its value column.
    row_formats: list[str] | None = None
    # A link for the first cell of each row.
    links: list[str] | None = None

    @property
    def shown_rows(self) -> list[list[str]]:
        if self.row_formats:
            return [
                [row[0], _show(row[1], fmt)]
                for row, fmt in zip(self.rows, self.row_formats, strict=True)
            ]
        return [[_show(v, f) for v, f in zip(row, self.formats, strict=True)] for row in self.rows]

    @property
    def linked_rows(self) -> list[tuple[str | None, list[str]]]:
        links = self.links or [None] * len(self.rows)
        return list(zip(links, self.shown_rows, strict=True))

    def as_html(self) -> SafeString:
        """The accessible table: a caption, column headers and row headers with their scope.

        Built here rather than in a template loop: a month-by-month table has hundreds of cells.
        """
        head = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in self.headers))
        body = []
        for link, cells in self.linked_rows:
            first = format_html('<a href="{}">{}</a>', link, cells[0]) if link else cells[0]
            rest = format_html_join("", "<td>{}</td>", ((c,) for c in cells[1:]))
            body.append(format_html('<tr><th scope="row">{}</th>{}</tr>', first, rest))
        return format_html(
            "<table><caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            self.title,
            head,
            mark_safe("".join(body)),  # each row was escaped by format_html above
        )

    def csv_rows(self) -> list[list]:
        return [
            [("" if v is None else (round(v, 4) if isinstance(v, float) else v)) for v in row]
            for row in self.rows
        ]


def _show(value, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == PCT:
        return percent(value)
    if fmt == DAYS:
        return days(value)
    if fmt == INT:
        return number_format(value, force_grouping=True)
    return str(value)


def summary(f: Figures) -> Table:
    interval = f.on_time_interval or (None, None)
    table = Table(
        "summary",
        _("Answers within the legal deadline"),
        [_("Measure"), _("Value")],
        [TEXT, TEXT],
        note=_(
            "On time, late and silent count the requests whose answer deadline has passed or "
            "which were answered; days count from the authority's receipt to its first "
            "substantive answer (an extension notice is not an answer)."
        ),
    )
    rows = [
        (_("Published requests"), f.requests, INT),
        (_("Answered on time"), f.on_time, INT),
        (_("Answered late"), f.late, INT),
        (_("Silent: no answer, deadline passed"), f.silent, INT),
        (_("Waiting: deadline not yet passed"), f.waiting, INT),
        (_("Answered within the legal deadline"), f.on_time_rate, PCT),
        (_("Interval (95%), from"), interval[0], PCT),
        (_("Interval (95%), to"), interval[1], PCT),
        (_("Silence rate"), f.silence_rate, PCT),
        (_("Access granted (of the answered)"), f.granted_rate, PCT),
        (_("Median days to the first answer"), f.median_days, DAYS),
        (_("90th percentile of days to the first answer"), f.p90_days, DAYS),
    ]
    table.rows = [[label, value] for label, value, _fmt in rows]
    table.row_formats = [fmt for _l, _v, fmt in rows]
    table.chart = charts.bars(
        table.title,
        [
            (_("On time"), f.on_time, number_format(f.on_time)),
            (_("Late"), f.late, number_format(f.late)),
            (_("Silent"), f.silent, number_format(f.silent)),
            (_("Waiting"), f.waiting, number_format(f.waiting)),
        ],
    )
    return table


def outcomes(f: Figures) -> Table:
    table = Table(
        "outcomes",
        _("What the first answer was"),
        [_("First answer"), _("Requests"), _("Share of the answered")],
        [TEXT, INT, PCT],
    )
    table.rows = [[label, n, s] for _code, label, n, s in f.outcomes]
    table.chart = charts.bars(
        table.title, [(label, n, f"{n} · {percent(s)}") for _c, label, n, s in f.outcomes]
    )
    return table


def grounds(f: Figures) -> Table:
    table = Table(
        "grounds",
        _("Grounds cited for refusing"),
        [_("Ground"), _("Requests citing it")],
        [TEXT, INT],
        note=_("A refusal may cite several grounds; each is counted."),
    )
    table.rows = [[label, n] for _code, label, n in f.grounds if n]
    table.chart = charts.bars(table.title, [(label, n, str(n)) for label, n in table.rows])
    return table


def appeals(f: Figures) -> Table:
    table = Table(
        "appeals",
        _("Appeals and the Commissioner"),
        [_("Measure"), _("Value")],
        [TEXT, TEXT],
        note=_("The Commissioner must decide within 60 days of receiving an appeal (Art. 24)."),
    )
    rows = [
        (_("Appeals filed"), f.appealed, INT),
        (_("of them against silence"), f.silence_appeals, INT),
        (_("Decided by the Commissioner"), f.commissioner_decided, INT),
        (_("Awaiting a decision"), f.commissioner_pending, INT),
        (_("Awaiting a decision past the 60 days"), f.commissioner_overdue, INT),
        (_("Decided within the deadline"), f.commissioner_in_time_rate, PCT),
        (_("Median days to a decision (limit: 60)"), f.commissioner_median_days, DAYS),
    ]
    table.rows = [[label, value] for label, value, _fmt in rows]
    table.row_formats = [fmt for _l, _v, fmt in rows]
    return table


def commissioner(f: Figures) -> Table:
    table = Table(
        "commissioner",
        _("How the Commissioner decided"),
        [_("Decision"), _("Appeals"), _("Share of the decided")],
        [TEXT, INT, PCT],
    )
    table.rows = [[label, n, s] for _code, label, n, s in f.commissioner_outcomes]
    table.chart = charts.bars(
        table.title,
        [(label, n, f"{n} · {percent(s)}") for _c, label, n, s in f.commissioner_outcomes],
    )
    return table


def compliance(f: Figures) -> Table:
    table = Table(
        "compliance",
        _("Compliance after the Commissioner's orders"),
        [_("Result"), _("Orders")],
        [TEXT, INT],
    )
    table.rows = [
        [_("Orders to grant access"), f.orders],
        [_("Complied"), f.complied],
        [_("Partly complied"), f.partly_complied],
        [_("Did not comply"), f.not_complied],
        [_("No compliance recorded yet"), f.awaiting_compliance],
    ]
    table.chart = charts.bars(table.title, [(label, n, str(n)) for label, n in table.rows[1:]])
    return table


def trend(rows: list[dict]) -> Table:
    table = Table(
        "trend",
        _("Month by month (by the month the request was sent)"),
        [
            _("Month"),
            _("Requests"),
            _("On time"),
            _("Late"),
            _("Silent"),
            _("Not yet due, or no deadline"),
        ],
        [TEXT, INT, INT, INT, INT, INT],
    )
    table.rows = [
        [
            r["month"].strftime("%Y-%m"),
            r["requests"],
            r["on_time"],
            r["late"],
            r["silent"],
            r["other"],
        ]
        for r in rows
    ]
    table.chart = charts.stacked_columns(
        table.title,
        [
            (
                date_format(r["month"], "M Y"),
                {k: r[k] for k in ("on_time", "late", "silent", "other")},
            )
            for r in rows
        ],
        [
            charts.Series("on_time", _("On time")),
            charts.Series("late", _("Late")),
            charts.Series("silent", _("Silent")),
            charts.Series("other", _("Not yet due")),
        ],
    )
    return table


def kinds(by_kind: list[tuple[str, str, Figures]]) -> Table:
    table = Table(
        "kinds",
        _("By kind of authority"),
        [
            _("Kind of authority"),
            _("Requests"),
            _("On time"),
            _("Interval (95%)"),
            _("Silence rate"),
            _("Median days"),
            _("90th percentile"),
        ],
        [TEXT, INT, PCT, TEXT, PCT, DAYS, DAYS],
    )
    table.rows = [
        [
            label,
            f.requests,
            f.on_time_rate,
            interval(f.on_time_interval),
            f.silence_rate,
            f.median_days,
            f.p90_days,
        ]
        for _code, label, f in by_kind
    ]
    table.chart = charts.bars(
        table.title,
        [(label, f.on_time_rate or 0, percent(f.on_time_rate)) for _c, label, f in by_kind],
        maximum=1,
    )
    return table


def ranking(
    slug: str, title: str, rows: list[RankedAuthority], link: Callable[[int], str]
) -> Table:
    table = Table(
        slug,
        title,
        [
            _("Authority"),
            _("Kind"),
            _("Requests"),
            _("Deadline passed or answered"),
            _("On time"),
            _("Rate"),
            _("Interval (95%), from"),
            _("Interval (95%), to"),
            _("Answered"),
            _("Access granted"),
            _("Access granted, share"),
        ],
        [TEXT, TEXT, INT, INT, INT, PCT, PCT, PCT, INT, INT, PCT],
    )
    table.rows = [
        [
            r.name,
            r.kind_label,
            r.requests,
            r.decided,
            r.on_time,
            r.rate,
            r.interval[0],
            r.interval[1],
            r.answered,
            r.granted,
            r.granted_rate,
        ]
        for r in rows
    ]
    table.links = [link(r.authority_id) for r in rows]
    table.chart = charts.intervals(
        title, [(r.name, r.rate, r.interval[0], r.interval[1]) for r in rows]
    )
    return table


def kind_label(code: str | None) -> str:
    if code and code in AuthorityKind.values:
        return str(AuthorityKind(code).label)
    return ""
